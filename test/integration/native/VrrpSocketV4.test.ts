import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VRRP_IPV4_GROUP, VrrpSocketV4, type VrrpSocketV4Options, type VrrpV4PacketMeta } from '../../../src/vrrp/io/VrrpSocketV4.js';
import { hasNetnsSupport, PacketCapture, runCommand, waitFor } from '../../support/netns/index.js';
import { expectVigilError } from './ExpectVigilError.js';
import { keepalivedFrame, sharedFrameHex, sharedVectorsPresent } from './KeepalivedFrames.js';
import { IFNAME, IPV4, NativeTestBed, type HostName } from './NativeTestBed.js';
import { PacketInbox } from './PacketInbox.js';
import { ipv4HeaderChecksumOk, vrrpV2Datagram } from './TestFrames.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VrrpSocketV4 namespace tests: ${support.reason}`);

const VIP = '192.0.2.100';
const VRRP_OFFSET = 20;

describe.skipIf(!support.ok && !mustRun)('VrrpSocketV4 (raw-socket) between two namespaces', () => {
  let bed: NativeTestBed;
  let workDir: string;
  const sockets: VrrpSocketV4[] = [];
  let rx: VrrpSocketV4;
  let inbox: PacketInbox<VrrpV4PacketMeta>;

  function open(host: HostName, options: Partial<VrrpSocketV4Options> = {}): VrrpSocketV4 {
    const s = VrrpSocketV4.open({ ifname: IFNAME, netns: bed.netns(host), binding: bed.binding, ...options });
    sockets.push(s);
    return s;
  }

  function listen(socket: VrrpSocketV4): PacketInbox<VrrpV4PacketMeta> {
    const box = new PacketInbox<VrrpV4PacketMeta>();
    socket.onPacket(box.listener);
    return box;
  }

  /** VRID sits in the second byte of the VRRP header, after a 20-byte IPv4 header. */
  const hasVrid = (vrid: number) => (d: Buffer): boolean => d[VRRP_OFFSET + 1] === vrid;

  function advert(vrid: number, from: HostName, dst: string, ttl = 255): Buffer {
    return vrrpV2Datagram({ src: IPV4[from], dst, ttl, vrid, priority: 100, vip: VIP });
  }

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vigil-native-v4-'));
    bed = await NativeTestBed.create();
    rx = open('b');
    inbox = listen(rx);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await bed?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('joins 224.0.0.18 on the interface', async () => {
    expect(rx.joinedGroups).toEqual([VRRP_IPV4_GROUP]);
    expect(rx.ifindex).toBe(bed.ifindex('b'));
    expect(await bed.multicastGroups('b')).toContain('inet  224.0.0.18');
  });

  it('receives an advert sent to 224.0.0.18 with TTL 255, header included', async () => {
    const tx = open('a', { joinVrrpGroup: false });
    const datagram = advert(1, 'a', VRRP_IPV4_GROUP);
    await tx.send(datagram);
    const got = await inbox.next(hasVrid(1), 'advert VRID 1 in b');
    expect(got.meta).toEqual({ src: IPV4.a, dst: VRRP_IPV4_GROUP, ttl: 255, ifindex: bed.ifindex('b'), headerLength: 20 });
    expect(got.data.subarray(VRRP_OFFSET).equals(datagram.subarray(VRRP_OFFSET))).toBe(true);
    expect(got.data[1]).toBe(0xc0); // TOS as written
    // IP_HDRINCL: the kernel filled in the header checksum and the zero identification.
    expect(ipv4HeaderChecksumOk(got.data)).toBe(true);
    expect(got.data.readUInt16BE(4)).not.toBe(0);
  });

  it('reports the TTL the datagram really arrived with (254 stays 254)', async () => {
    const tx = open('a', { joinVrrpGroup: false });
    await tx.send(advert(2, 'a', VRRP_IPV4_GROUP, 254));
    expect((await inbox.next(hasVrid(2), 'advert VRID 2 (TTL 254)')).meta.ttl).toBe(254);
    await tx.send(advert(3, 'a', IPV4.b, 254));
    const unicast = await inbox.next(hasVrid(3), 'unicast advert VRID 3');
    expect(unicast.meta).toMatchObject({ ttl: 254, dst: IPV4.b });
  });

  it('hears 224.0.0.18 only while this socket is joined (IP_MULTICAST_ALL 0)', async () => {
    const tx = open('a', { joinVrrpGroup: false });
    // b's interface is a member through `rx` all along; this socket is not, until it joins.
    const member = open('b', { joinVrrpGroup: false });
    const memberInbox = listen(member);
    const firstOf = (x: number, y: number): Promise<number> =>
      memberInbox.next((d) => hasVrid(x)(d) || hasVrid(y)(d), `the first of VRID ${x}/${y}`).then((p) => p.data[VRRP_OFFSET + 1] ?? -1);

    await tx.send(advert(10, 'a', VRRP_IPV4_GROUP));
    await inbox.next(hasVrid(10), 'VRID 10 at the joined socket (it was on the wire)');
    await tx.send(advert(11, 'a', IPV4.b));
    expect(await firstOf(10, 11)).toBe(11);

    member.joinGroup(VRRP_IPV4_GROUP);
    await tx.send(advert(12, 'a', VRRP_IPV4_GROUP));
    await memberInbox.next(hasVrid(12), 'VRID 12 once joined');

    member.leaveGroup(VRRP_IPV4_GROUP);
    await tx.send(advert(13, 'a', VRRP_IPV4_GROUP));
    await inbox.next(hasVrid(13), 'VRID 13 at the joined socket');
    await tx.send(advert(14, 'a', IPV4.b));
    expect(await firstOf(13, 14)).toBe(14);
  });

  it('puts keepalived 2.2.7’s advert on the wire byte for byte; tcpdump decodes it', async () => {
    const kept = keepalivedFrame('v2_adv_pass_prio150');
    const file = join(workDir, 'v2.pcap');
    const capture = await PacketCapture.start(bed.topology, { segment: 'lan' }, { file, filter: ['ip', 'proto', '112'] });
    const tx = open('a', { joinVrrpGroup: false });
    await tx.send(kept.l3);
    const got = await inbox.next((d) => d.equals(kept.l3), 'keepalived’s advert, unchanged, in b');
    expect(got.meta.ttl).toBe(255);
    await waitFor(async () => (await capture.snapshot()).frames.some((f) => f.data.equals(kept.frame)), {
      timeoutMs: 10_000,
      description: 'the exact keepalived frame on the segment',
    });
    await capture.stop();
    const decoded = await runCommand(['tcpdump', '-r', file, '-nn', '-v'], { timeoutMs: 10_000 });
    expect(decoded.stdout).toContain('tos 0xc0, ttl 255');
    expect(decoded.stdout).toContain('192.0.2.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20');
  });

  it.skipIf(!sharedVectorsPresent())('uses the same keepalived advert as shared/ (fixture fidelity)', () => {
    expect(keepalivedFrame('v2_adv_pass_prio150').frame.toString('hex')).toBe(sharedFrameHex('v2_adv_pass_prio150'));
  });

  it('reports failures as VigilErrors, and a closed socket stays closed', async () => {
    const missing = await expectVigilError(() => open('b', { ifname: 'nope0' }), 'VRRP_IO_INTERFACE_NOT_FOUND');
    expect(missing.errno).toBe('ENODEV');
    // raw-socket's own errors carry only strerror text; the errno name is recovered from it.
    const unbindable = await expectVigilError(() => open('b', { ifname: 'nope0', ifindex: 77 }), 'VRRP_IO_OPTION_FAILED');
    expect(unbindable).toMatchObject({ errno: 'ENODEV', option: 'SO_BINDTODEVICE' });

    const tx = open('a', { joinVrrpGroup: false });
    await expectVigilError(() => tx.send(Buffer.alloc(12)), 'VRRP_IO_BAD_ARGUMENT');
    await expectVigilError(() => tx.joinGroup('192.0.2.1'), 'VRRP_IO_OPTION_FAILED');
    tx.close();
    tx.close();
    expect(tx.closed).toBe(true);
    await expectVigilError(() => tx.send(advert(30, 'a', VRRP_IPV4_GROUP)), 'VRRP_IO_CLOSED');
  });
});
