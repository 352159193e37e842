import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_SCHED_MH_FALLBACK } from '../../../src/ipvs/IpvsConstants.js';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import { IPVS_CMD_ATTR_DAEMON, IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_SERVICE } from '../../../src/ipvs/IpvsConstants.js';
import { decodeAttributes } from '../../../src/netlink/NetlinkAttribute.js';
import { hex, readIpvsadmRequests } from './support/Fixtures.js';
import { BACKUP_DAEMON, FWMARK_SERVICE, GUE_DEST, MASQ_DEST, TCP_SERVICE, TCP_SERVICE_EDITED, UDP6_SERVICE } from './support/SampleIpvs.js';

/**
 * Vigil's requests against what ipvsadm 1.31 (libnl 3) sent to Linux 6.1 for the
 * same operation, captured with strace in the project VM
 * (test/fixtures/ipvs/strace-ipvsadm-1.31-linux-6.1.txt, made by
 * probe/strace-ipvsadm.sh). Where ipvsadm sends more than the kernel reads
 * (the full service on dest commands, the full dest on DEL_DEST), Vigil's
 * attributes must be a byte-exact prefix of ipvsadm's.
 */

const requests = readIpvsadmRequests();
const header = { familyId: 32, seq: 1 };
const FLAG_NAMES: Record<string, number> = { 'NLM_F_REQUEST|NLM_F_ACK': 0x005, 'NLM_F_REQUEST|NLM_F_ACK|0x300': 0x305 };

/** The IPVS messages of a block after the GET_INFO every ipvsadm run starts with. */
function commands(block: string): { flags: number; payload: Uint8Array }[] {
  const list = requests.get(block);
  if (list === undefined) throw new Error(`no "${block}" block in the strace fixture`);
  expect(hex(list[0]!.payload)).toBe(hex(IpvsCodec.buildGetInfo(header).subarray(16)));
  return list.slice(1).map((m) => ({ flags: FLAG_NAMES[m.flags] ?? -1, payload: m.payload }));
}

function ours(bytes: Uint8Array): { flags: number; payload: Uint8Array } {
  return { flags: new DataView(bytes.buffer, bytes.byteOffset).getUint16(6, true), payload: bytes.subarray(16) };
}

/** Top-level attribute `type` of a genl payload (after the 4-byte genlmsghdr). */
function topLevel(payload: Uint8Array, type: number): Uint8Array {
  const attribute = decodeAttributes(payload.subarray(4)).find((a) => a.type === type);
  if (attribute === undefined) throw new Error(`attribute ${type} missing`);
  return attribute.payload;
}

function expectSame(block: string, bytes: Uint8Array): void {
  const [theirs] = commands(block);
  const mine = ours(bytes);
  expect(mine.flags).toBe(theirs!.flags);
  expect(hex(mine.payload)).toBe(hex(theirs!.payload));
}

/** Same command; our nests are byte-exact prefixes of ipvsadm's (which add fields the kernel ignores). */
function expectPrefix(block: string, bytes: Uint8Array, nests: readonly number[]): void {
  const [theirs] = commands(block);
  const mine = ours(bytes);
  expect(mine.flags).toBe(theirs!.flags);
  expect(mine.payload[0]).toBe(theirs!.payload[0]);
  for (const type of nests) {
    const theirNest = hex(topLevel(theirs!.payload, type));
    const ourNest = hex(topLevel(mine.payload, type));
    expect(theirNest.startsWith(ourNest)).toBe(true);
  }
}

describe('byte-identical to ipvsadm', () => {
  it('NEW_SERVICE tcp (ipvsadm -A -t 192.0.2.1:80 -s wrr)', () => expectSame('new-service-tcp', IpvsCodec.buildNewService(header, TCP_SERVICE)));
  it('SET_SERVICE (-E ... -s lc -p 120 -M 255.255.255.0)', () => expectSame('set-service-tcp', IpvsCodec.buildSetService(header, TCP_SERVICE_EDITED)));
  it('NEW_SERVICE fwmark IPv6 (-A -f 7 -6 -s sh -b sh-port -p 300)', () => expectSame('new-service-fwmark-v6', IpvsCodec.buildNewService(header, FWMARK_SERVICE)));
  it('NEW_SERVICE udp IPv6 (-A -u [2001:db8::1]:53 -s rr -p 60 -M 64)', () => expectSame('new-service-udp-v6', IpvsCodec.buildNewService(header, UDP6_SERVICE)));
  it('NEW_SERVICE sctp with mh-fallback and pe sip', () =>
    expectSame(
      'new-service-sctp',
      IpvsCodec.buildNewService(header, {
        kind: 'inet',
        af: AF_INET,
        protocol: 'sctp',
        address: '192.0.2.2',
        port: 3868,
        scheduler: 'mh',
        flags: IP_VS_SVC_F_SCHED_MH_FALLBACK,
        persistenceEngine: 'sip',
      }),
    ));
  it('NEW_SERVICE udp one-packet scheduling (-o)', () =>
    expectSame(
      'new-service-udp-ops',
      IpvsCodec.buildNewService(header, { kind: 'inet', af: AF_INET, protocol: 'udp', address: '192.0.2.3', port: 123, scheduler: 'rr', flags: IP_VS_SVC_F_ONEPACKET }),
    ));
  it('ZERO all (-Z)', () => expectSame('zero-all', IpvsCodec.buildZero(header)));
  it('SET_CONFIG (--set 1000 100 200)', () => expectSame('set-config', IpvsCodec.buildSetConfig(header, { tcp: 1000, tcpFin: 100, udp: 200 })));
  it('GET_CONFIG (-L --timeout)', () => expectSame('get-config', IpvsCodec.buildGetConfig(header)));
  it('NEW_DAEMON master (--start-daemon master --mcast-interface lo --syncid 5)', () =>
    expectSame('new-daemon-master', IpvsCodec.buildNewDaemon(header, { state: 'master', interface: 'lo', syncId: 5 })));
  it('NEW_DAEMON backup with every multicast option', () => expectSame('new-daemon-backup', IpvsCodec.buildNewDaemon(header, BACKUP_DAEMON)));
  it('GET_DAEMON dump (-L --daemon)', () => expectSame('get-daemon', IpvsCodec.buildDumpDaemons(header)));
  it('FLUSH (-C)', () => expectSame('flush', IpvsCodec.buildFlush(header)));

  it('GET_SERVICE dump and GET_DEST dumps (-L -n)', () => {
    const list = commands('list');
    const payloads = list.map((m) => hex(m.payload));
    expect(list[0]!.flags).toBe(0x305);
    expect(payloads[0]).toBe(hex(ours(IpvsCodec.buildDumpServices(header)).payload));
    for (const service of [TCP_SERVICE, UDP6_SERVICE, FWMARK_SERVICE]) {
      expect(payloads).toContain(hex(ours(IpvsCodec.buildDumpDests(header, service)).payload));
    }
  });
});

describe('a byte-exact prefix of ipvsadm (it sends fields the kernel does not read)', () => {
  it('NEW_DEST masq: the dest nest is identical, the service nest is its identity', () =>
    expectPrefix('new-dest-masq', IpvsCodec.buildNewDest(header, TCP_SERVICE, MASQ_DEST), [IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST]));
  it('NEW_DEST gue tunnel with checksum', () =>
    expectPrefix('new-dest-gue', IpvsCodec.buildNewDest(header, TCP_SERVICE, GUE_DEST), [IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST]));
  it('NEW_DEST to a fwmark service (-a -f 7 -6 -r 2001:db8::30 -g -w 4)', () =>
    expectPrefix(
      'new-dest-fwmark',
      IpvsCodec.buildNewDest(header, FWMARK_SERVICE, { af: AF_INET6, address: '2001:db8::30', port: 0, forwarding: 'droute', weight: 4 }),
      [IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST],
    ));
  it('SET_DEST (-e ... -m -w 5)', () =>
    expectPrefix(
      'set-dest-masq',
      IpvsCodec.buildSetDest(header, TCP_SERVICE, { ...MASQ_DEST, weight: 5, upperThreshold: 0, lowerThreshold: 0 }),
      [IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST],
    ));
  it('DEL_DEST (-d)', () => expectPrefix('del-dest', IpvsCodec.buildDelDest(header, TCP_SERVICE, MASQ_DEST), [IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST]));
  it('DEL_SERVICE (-D)', () => expectPrefix('del-service', IpvsCodec.buildDelService(header, TCP_SERVICE), [IPVS_CMD_ATTR_SERVICE]));
  it('ZERO one service (-Z -t)', () => expectPrefix('zero-service', IpvsCodec.buildZero(header, TCP_SERVICE), [IPVS_CMD_ATTR_SERVICE]));
  it('DEL_DAEMON (--stop-daemon master)', () => expectPrefix('del-daemon-master', IpvsCodec.buildDelDaemon(header, 'master'), [IPVS_CMD_ATTR_DAEMON]));
});
