import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VRRP_IPV6_GROUP, VrrpSocketV6, type VrrpSocketV6Options, type VrrpV6PacketMeta } from '../../../src/vrrp/io/VrrpSocketV6.js';
import { hasNetnsSupport, PacketCapture, runCommand, waitFor } from '../../support/netns/index.js';
import { expectVigilError } from './ExpectVigilError.js';
import { KEEPALIVED_DIR1, keepalivedFrame, sharedFrameHex, sharedVectorsPresent } from './KeepalivedFrames.js';
import { IFNAME, IPV6, LINK_LOCAL, NativeTestBed, type HostName } from './NativeTestBed.js';
import { PacketInbox } from './PacketInbox.js';
import { vrrpV3ChecksumOk, vrrpV3Payload } from './TestFrames.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VrrpSocketV6 namespace tests: ${support.reason}`);

const VIP = '2001:db8::100';

/** A distinguishable advert: tests tell packets apart by VRID. */
function advert(vrid: number, src: string, dst: string): Buffer {
  return vrrpV3Payload({ vrid, priority: 100, addresses: [VIP] }, src, dst);
}

describe.skipIf(!support.ok && !mustRun)('VrrpSocketV6 (addon Ipv6RawSocket) between two namespaces', () => {
  let bed: NativeTestBed;
  let workDir: string;
  const sockets: VrrpSocketV6[] = [];
  /** b's main socket, joined to ff02::12, listening from the start. */
  let rx: VrrpSocketV6;
  let inbox: PacketInbox<VrrpV6PacketMeta>;

  function open(host: HostName, options: Partial<VrrpSocketV6Options> = {}): VrrpSocketV6 {
    const s = VrrpSocketV6.open({ ifname: IFNAME, netns: bed.netns(host), binding: bed.binding, ...options });
    sockets.push(s);
    return s;
  }

  function listen(socket: VrrpSocketV6): PacketInbox<VrrpV6PacketMeta> {
    const box = new PacketInbox<VrrpV6PacketMeta>();
    socket.onPacket(box.listener);
    return box;
  }

  const hasVrid = (vrid: number) => (d: Buffer): boolean => d[1] === vrid;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vigil-native-v6-'));
    bed = await NativeTestBed.create();
    rx = open('b');
    inbox = listen(rx);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await bed?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('opens with keepalived’s settings: hop limits 255, no loopback, tclass 0xc0, ff02::12 joined', async () => {
    expect(rx.socketOption('IPV6_UNICAST_HOPS')).toBe(255);
    expect(rx.socketOption('IPV6_MULTICAST_HOPS')).toBe(255);
    expect(rx.socketOption('IPV6_MULTICAST_LOOP')).toBe(0);
    expect(rx.socketOption('IPV6_TCLASS')).toBe(0xc0);
    expect(rx.socketOption('IPV6_MULTICAST_IF')).toBe(bed.ifindex('b'));
    expect(rx.socketOption('IPV6_RECVHOPLIMIT')).toBe(1);
    expect(rx.socketOption('IPV6_RECVPKTINFO')).toBe(1);
    expect(rx.joinedGroups).toEqual([VRRP_IPV6_GROUP]);
    expect(await bed.multicastGroups('b')).toContain('inet6 ff02::12');
  });

  it('receives an advert sent with hop limit 255 with hopLimit 255, its source, ff02::12 and the ifindex', async () => {
    const tx = open('a', { joinVrrpGroup: false });
    const payload = advert(1, LINK_LOCAL.a, VRRP_IPV6_GROUP);
    await tx.send(payload, VRRP_IPV6_GROUP, { source: LINK_LOCAL.a });
    const got = await inbox.next(hasVrid(1), 'advert VRID 1 in b');
    expect(got.data.equals(payload)).toBe(true);
    expect(got.meta).toEqual({ src: LINK_LOCAL.a, dst: VRRP_IPV6_GROUP, hopLimit: 255, ifindex: bed.ifindex('b'), truncated: false });
    // The metadata is exactly what the RFC 5798 §5.2.8 checksum needs.
    expect(vrrpV3ChecksumOk(got.data, got.meta.src, got.meta.dst ?? '')).toBe(true);
  });

  it('reports hop limit 254 when the sender’s socket uses 254, multicast and unicast', async () => {
    const tx = open('a', { joinVrrpGroup: false, hopLimit: 254 });
    expect(tx.socketOption('IPV6_MULTICAST_HOPS')).toBe(254);
    expect(tx.socketOption('IPV6_UNICAST_HOPS')).toBe(254);

    await tx.send(advert(2, LINK_LOCAL.a, VRRP_IPV6_GROUP), VRRP_IPV6_GROUP, { source: LINK_LOCAL.a });
    const multicast = await inbox.next(hasVrid(2), 'advert VRID 2 (hop limit 254) in b');
    expect(multicast.meta.hopLimit).toBe(254);

    await tx.send(advert(3, LINK_LOCAL.a, LINK_LOCAL.b), LINK_LOCAL.b, { source: LINK_LOCAL.a });
    const linkLocal = await inbox.next(hasVrid(3), 'unicast advert VRID 3 to b’s link-local');
    expect(linkLocal.meta).toMatchObject({ dst: LINK_LOCAL.b, hopLimit: 254, src: LINK_LOCAL.a });

    await tx.send(advert(4, IPV6.a, IPV6.b), IPV6.b, { source: IPV6.a });
    const global = await inbox.next(hasVrid(4), 'unicast advert VRID 4 to b’s global address');
    expect(global.meta).toMatchObject({ dst: IPV6.b, hopLimit: 254, src: IPV6.a });
    expect(vrrpV3ChecksumOk(global.data, IPV6.a, IPV6.b)).toBe(true);
  });

  it('hears ff02::12 only while the interface is a member, and not after leaving', async () => {
    // Direction b -> a: no socket in a has joined ff02::12 so far.
    const member = open('a', { joinVrrpGroup: false });
    const memberInbox = listen(member);
    expect(await bed.multicastGroups('a')).not.toContain('ff02::12');
    const multicast = (vrid: number): Promise<void> =>
      rx.send(advert(vrid, LINK_LOCAL.b, VRRP_IPV6_GROUP), VRRP_IPV6_GROUP, { source: LINK_LOCAL.b });
    const unicast = (vrid: number): Promise<void> => rx.send(advert(vrid, IPV6.b, IPV6.a), IPV6.a, { source: IPV6.b });
    const firstOf = (a: number, b: number): Promise<number> =>
      memberInbox.next((d) => d[1] === a || d[1] === b, `the first of VRID ${a}/${b} in a`).then((p) => p.data[1] ?? -1);

    // Packets on one path keep their order: had 10 been delivered, it would precede 11.
    await multicast(10);
    await unicast(11);
    expect(await firstOf(10, 11)).toBe(11);

    member.joinGroup(VRRP_IPV6_GROUP);
    expect(await bed.multicastGroups('a')).toContain('inet6 ff02::12');
    await multicast(12);
    const joined = await memberInbox.next(hasVrid(12), 'VRID 12 in a once joined');
    expect(joined.meta).toMatchObject({ src: LINK_LOCAL.b, dst: VRRP_IPV6_GROUP, hopLimit: 255 });

    member.leaveGroup(VRRP_IPV6_GROUP);
    expect(member.joinedGroups).toEqual([]);
    expect(await bed.multicastGroups('a')).not.toContain('ff02::12');
    await multicast(13);
    await unicast(14);
    expect(await firstOf(13, 14)).toBe(14);
  });

  it('lets the kernel fill in the checksum with kernelChecksum (IPV6_CHECKSUM 6)', async () => {
    const tx = open('a', { joinVrrpGroup: false, kernelChecksum: true });
    expect(tx.socketOption('IPV6_CHECKSUM')).toBe(6);
    const unsummed = vrrpV3Payload({ vrid: 20, priority: 100, addresses: [VIP] }, LINK_LOCAL.a, VRRP_IPV6_GROUP, false);
    expect(unsummed.readUInt16BE(6)).toBe(0);
    await tx.send(unsummed, VRRP_IPV6_GROUP, { source: LINK_LOCAL.a });
    const got = await inbox.next(hasVrid(20), 'kernel-summed advert VRID 20');
    expect(got.data.readUInt16BE(6)).not.toBe(0);
    expect(vrrpV3ChecksumOk(got.data, LINK_LOCAL.a, VRRP_IPV6_GROUP)).toBe(true);
  });

  it('puts keepalived 2.2.7’s advert on the wire as keepalived did, flow label aside', async () => {
    const kept = keepalivedFrame('v3_ipv6_adv_prio150');
    const file = join(workDir, 'v3.pcap');
    const capture = await PacketCapture.start(bed.topology, { segment: 'lan' }, { file, filter: ['ip6', 'proto', '112'] });
    const tx = open('a', { joinVrrpGroup: false });
    await tx.send(kept.l3.subarray(40), VRRP_IPV6_GROUP, { source: KEEPALIVED_DIR1.linkLocal });
    // The flow label (low 20 bits of the first IPv6 word) is per-flow noise; compare the rest.
    const withoutFlowLabel = (frame: Buffer): string => {
      const copy = Buffer.from(frame);
      copy[15] = (copy[15] ?? 0) & 0xf0;
      copy[16] = 0;
      copy[17] = 0;
      return copy.toString('hex');
    };
    const wanted = withoutFlowLabel(kept.frame);
    await waitFor(async () => (await capture.snapshot()).frames.some((f) => withoutFlowLabel(f.data) === wanted), {
      timeoutMs: 10_000,
      description: 'our copy of keepalived’s advert on the segment',
    });
    await capture.stop();
    const decoded = await runCommand(['tcpdump', '-r', file, '-nn', '-v'], { timeoutMs: 10_000 });
    expect(decoded.stdout).toContain('class 0xc0');
    expect(decoded.stdout).toContain('hlim 255');
    expect(decoded.stdout).toContain('fe80::ff:fe00:1 > ff02::12: VRRPv3, Advertisement, vrid 52, prio 150, intvl 10cs, length 24');
  });

  it.skipIf(!sharedVectorsPresent())('uses the same keepalived advert as shared/ (fixture fidelity)', () => {
    expect(keepalivedFrame('v3_ipv6_adv_prio150').frame.toString('hex')).toBe(sharedFrameHex('v3_ipv6_adv_prio150'));
  });

  it('reports failures as VigilErrors with the errno', async () => {
    const missing = await expectVigilError(() => open('b', { ifname: 'nope0' }), 'VRRP_IO_INTERFACE_NOT_FOUND');
    expect(missing.errno).toBe('ENODEV');
    await expectVigilError(() => open('b', { hopLimit: 0 }), 'VRRP_IO_BAD_ARGUMENT');

    const tx = open('a', { joinVrrpGroup: false });
    await expectVigilError(() => tx.send(Buffer.alloc(8), 'not-an-address'), 'VRRP_IO_BAD_ARGUMENT');
    // Not an address of a: the kernel refuses it as a source.
    const foreign = await expectVigilError(() => tx.send(Buffer.alloc(8), VRRP_IPV6_GROUP, { source: '2001:db8::99' }), 'VRRP_IO_SEND_FAILED');
    expect(foreign).toMatchObject({ errno: 'EINVAL', syscall: 'sendmsg' });
    await expectVigilError(() => tx.joinGroup('2001:db8::1'), 'VRRP_IO_OPTION_FAILED');

    tx.close();
    tx.close();
    expect(tx.closed).toBe(true);
    await expectVigilError(() => tx.send(Buffer.alloc(8)), 'VRRP_IO_CLOSED');
    await expectVigilError(() => tx.joinGroup(VRRP_IPV6_GROUP), 'VRRP_IO_CLOSED');
  });
});
