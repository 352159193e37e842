import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETH_P_ARP, ETH_P_IPV6 } from '../../../src/vrrp/io/LinkLayerConstants.js';
import { PacketSocket, type ReceivedFrameInfo } from '../../../src/vrrp/io/PacketSocket.js';
import { VRRP_IPV4_GROUP, VrrpSocketV4, type VrrpV4PacketMeta } from '../../../src/vrrp/io/VrrpSocketV4.js';
import { VRRP_IPV6_GROUP, VrrpSocketV6, type VrrpV6PacketMeta } from '../../../src/vrrp/io/VrrpSocketV6.js';
import { hasNetnsSupport, type NetnsProcess } from '../../support/netns/index.js';
import { IFNAME, IPV4, LINK_LOCAL, MAC, NativeTestBed } from './NativeTestBed.js';
import { PacketInbox } from './PacketInbox.js';
import { ipv4Bytes, ipv4HeaderChecksumOk, ipv6Bytes, macBytes, vrrpV2Datagram, vrrpV3ChecksumOk, vrrpV3Payload } from './TestFrames.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
const haveKeepalived = spawnSync('keepalived', ['--version'], { encoding: 'utf8' }).status === 0;
if (!support.ok && !mustRun) console.warn(`skipping keepalived interop tests: ${support.reason}`);
if (!haveKeepalived && !mustRun) console.warn('skipping keepalived interop tests: keepalived is not installed');

/** One IPv4 (VRRPv2) and one IPv6 (VRRPv3) instance, MASTER on host a. */
const KEEPALIVED_CONF = `
global_defs {
  router_id vigil_native_interop
}
vrrp_instance V4 {
  state MASTER
  interface ${IFNAME}
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
}
vrrp_instance V6 {
  state MASTER
  interface ${IFNAME}
  version 3
  virtual_router_id 52
  priority 150
  advert_int 1
  virtual_ipaddress {
    2001:db8::100/64
  }
}
`;

const WAIT_MS = 20_000;

describe.skipIf((!support.ok || !haveKeepalived) && !mustRun)('the addon and raw-socket adapters against a live keepalived 2.x', () => {
  let bed: NativeTestBed;
  let workDir: string;
  let keepalived: NetnsProcess;
  const sockets: { close(): void }[] = [];
  let v4: VrrpSocketV4;
  let v6: VrrpSocketV6;
  const v4Inbox = new PacketInbox<VrrpV4PacketMeta>();
  const v6Inbox = new PacketInbox<VrrpV6PacketMeta>();
  const arpInbox = new PacketInbox<ReceivedFrameInfo>();
  const ndInbox = new PacketInbox<ReceivedFrameInfo>();

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vigil-native-keepalived-'));
    bed = await NativeTestBed.create();
    const netns = bed.netns('b');
    const common = { ifname: IFNAME, netns, binding: bed.binding };
    v4 = VrrpSocketV4.open(common);
    v6 = VrrpSocketV6.open(common);
    const arp = PacketSocket.open({ ...common, protocol: ETH_P_ARP });
    const nd = PacketSocket.open({ ...common, protocol: ETH_P_IPV6 });
    sockets.push(v4, v6, arp, nd);
    v4.onPacket(v4Inbox.listener);
    v6.onPacket(v6Inbox.listener);
    arp.onPacket(arpInbox.listener);
    nd.onPacket(ndInbox.listener);

    const conf = join(workDir, 'keepalived.conf');
    writeFileSync(conf, KEEPALIVED_CONF);
    keepalived = bed.topology.spawn('a', [
      'keepalived', '--dont-fork', '--log-console', '--log-detail', '--vrrp', '--use-file', conf,
      '--pid', join(workDir, 'keepalived.pid'), '--vrrp_pid', join(workDir, 'vrrp.pid'), '--checkers_pid', join(workDir, 'checkers.pid'),
    ]);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await bed?.destroy(); // stops keepalived too
    rmSync(workDir, { recursive: true, force: true });
  });

  it('receives keepalived’s VRRPv2 adverts with TTL 255 (raw-socket, IPv4 header delivered)', async () => {
    const got = await v4Inbox.next((d) => d[21] === 51, 'a keepalived VRRPv2 advert for VRID 51', WAIT_MS);
    expect(got.meta).toMatchObject({ src: IPV4.a, dst: VRRP_IPV4_GROUP, ttl: 255, ifindex: bed.ifindex('b') });
    expect(got.data[20]).toBe(0x21); // version 2, advertisement
    expect(got.data[22]).toBe(150);
    expect(ipv4HeaderChecksumOk(got.data)).toBe(true);
  });

  it('receives keepalived’s VRRPv3 IPv6 adverts with hop limit 255 (addon, ancillary data)', async () => {
    const got = await v6Inbox.next((d) => d[1] === 52, 'a keepalived VRRPv3 advert for VRID 52', WAIT_MS);
    expect(got.meta).toMatchObject({ src: LINK_LOCAL.a, dst: VRRP_IPV6_GROUP, hopLimit: 255, ifindex: bed.ifindex('b') });
    expect(got.data[0]).toBe(0x31); // version 3, advertisement
    expect(got.data[2]).toBe(150);
    expect(vrrpV3ChecksumOk(got.data, got.meta.src, got.meta.dst ?? '')).toBe(true);
  });

  it('captures keepalived’s gratuitous ARP and unsolicited NA on becoming MASTER (AF_PACKET)', async () => {
    const vip4 = ipv4Bytes('192.0.2.100');
    const garp = await arpInbox.next(
      (d) => d.subarray(28, 32).equals(vip4) && d.subarray(38, 42).equals(vip4),
      'keepalived’s gratuitous ARP for 192.0.2.100',
      WAIT_MS,
    );
    expect(garp.meta.packetType).toBe('broadcast');
    expect(garp.data.subarray(6, 12).equals(macBytes(MAC.a))).toBe(true);

    const vip6 = ipv6Bytes('2001:db8::100');
    // Ethernet 14 + IPv6 40: ICMPv6 type at 54, NA target at 62..77.
    const na = await ndInbox.next((d) => d[20] === 58 && d[54] === 136 && d.subarray(62, 78).equals(vip6), 'keepalived’s NA', WAIT_MS);
    expect(na.meta.packetType).toBe('multicast');
    expect(na.data[21]).toBe(255); // hop limit
  });

  it('makes keepalived step down with adverts of higher priority sent through both adapters', async () => {
    await keepalived.waitForOutput(/\(V4\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await keepalived.waitForOutput(/\(V6\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });

    // Priority 200 beats 150 (RFC 5798 §6.4.3): keepalived must accept our packets, TTL /
    // hop limit, checksum, addresses and all, to give way.
    const sendV4 = (): Promise<void> =>
      v4.send(vrrpV2Datagram({ src: IPV4.b, dst: VRRP_IPV4_GROUP, ttl: 255, vrid: 51, priority: 200, vip: '192.0.2.100' }));
    const sendV6 = (): Promise<void> =>
      v6.send(vrrpV3Payload({ vrid: 52, priority: 200, maxAdverIntCs: 100, addresses: ['2001:db8::100'] }, LINK_LOCAL.b, VRRP_IPV6_GROUP), VRRP_IPV6_GROUP, {
        source: LINK_LOCAL.b,
      });
    await sendV4();
    await sendV6();
    const timer = setInterval(() => {
      void sendV4().catch(() => undefined);
      void sendV6().catch(() => undefined);
    }, 500);
    try {
      await keepalived.waitForOutput(/\(V4\) Master received advert from 192\.0\.2\.2 with higher priority 200/, { timeoutMs: WAIT_MS });
      await keepalived.waitForOutput(/\(V6\) Master received advert from fe80::ff:fe00:2 with higher priority 200/, { timeoutMs: WAIT_MS });
    } finally {
      clearInterval(timer);
    }
  });
});
