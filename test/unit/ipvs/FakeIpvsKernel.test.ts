import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT } from '../../../src/ipvs/IpvsConstants.js';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import type { IpvsInetService } from '../../../src/ipvs/IpvsModel.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { buildGetFamilyRequest, parseFamilyReply } from '../../../src/netlink/GenericNetlinkControllerCodec.js';
import { encodeGenericNetlinkMessage } from '../../../src/netlink/GenericNetlinkMessage.js';
import { decodeErrorReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { NetlinkAttributeWriter } from '../../../src/netlink/NetlinkAttributeWriter.js';
import { NLMSG_DONE, NLMSG_ERROR, NLM_F_CAPPED, NLM_F_MULTI } from '../../../src/netlink/NetlinkConstants.js';
import { concatMessages, decodeNetlinkMessages } from '../../../src/netlink/NetlinkMessage.js';
import { FakeIpvsSession } from './support/FakeIpvsSession.js';
import { FWMARK_SERVICE, GUE_DEST, MASQ_DEST, TCP_SERVICE, UDP6_SERVICE } from './support/SampleIpvs.js';

const session = (): FakeIpvsSession => new FakeIpvsSession(new FakeIpvsKernel());

describe('acknowledgements and errors', () => {
  it('acknowledges success with NLM_F_CAPPED and only the request header', () => {
    const kernel = new FakeIpvsKernel();
    const [ack] = kernel.handle(IpvsCodec.buildNewService({ familyId: 32, seq: 9 }, TCP_SERVICE), 1234);
    const message = decodeNetlinkMessages(ack!)[0]!;
    expect(message.header).toMatchObject({ type: NLMSG_ERROR, flags: NLM_F_CAPPED, seq: 9, pid: 1234, length: 36 });
  });

  it('answers a failure with the errno and the whole request echoed', () => {
    const kernel = new FakeIpvsKernel();
    const request = IpvsCodec.buildDelService({ familyId: 32, seq: 3 }, TCP_SERVICE);
    const reply = decodeErrorReply(decodeNetlinkMessages(kernel.handle(request)[0]!)[0]!);
    expect(reply.errno).toBe(3); // ESRCH
    expect(reply.requestPayload).toEqual(request.subarray(16));
  });

  it('handles several requests in one datagram in order, and ignores non-requests', () => {
    const kernel = new FakeIpvsKernel();
    const add = IpvsCodec.buildNewService({ familyId: 32, seq: 1 }, TCP_SERVICE);
    const notRequest = IpvsCodec.buildFlush({ familyId: 32, seq: 2 });
    notRequest[6] = 0; // clear NLM_F_REQUEST
    const again = IpvsCodec.buildNewService({ familyId: 32, seq: 3 }, TCP_SERVICE);
    const replies = kernel.handle(concatMessages([add, notRequest, again])).map((d) => decodeErrorReply(decodeNetlinkMessages(d)[0]!));
    expect(replies.map((r) => [r.request.seq, r.errno])).toEqual([
      [1, 0],
      [3, 17],
    ]);
    expect(kernel.table()).toHaveLength(1);
  });

  it('stops silently at a message whose length is malformed, as netlink_rcv_skb does', () => {
    const kernel = new FakeIpvsKernel();
    const broken = IpvsCodec.buildFlush({ familyId: 32, seq: 1 });
    new DataView(broken.buffer).setUint32(0, 4096, true);
    expect(kernel.handle(broken)).toEqual([]);
  });

  it('answers ENOENT to an unregistered family, EOPNOTSUPP to unknown commands and wrong dump/do use', () => {
    const s = session();
    expect(s.errno((h) => IpvsCodec.buildGetInfo({ ...h, familyId: 77 }))).toBe('ENOENT');
    expect(s.errno((h) => encodeGenericNetlinkMessage({ type: 32, flags: 5, seq: h.seq, pid: 0 }, { cmd: 14, version: 1 }, new Uint8Array(0)))).toBe(
      'EOPNOTSUPP',
    );
    const getDestWithoutDump = (h: { familyId: number; seq: number }): Uint8Array => {
      const bytes = IpvsCodec.buildDumpDests(h, TCP_SERVICE);
      bytes[7] = 0;
      return bytes;
    };
    expect(s.errno(getDestWithoutDump)).toBe('EOPNOTSUPP');
    const infoAsDump = (h: { familyId: number; seq: number }): Uint8Array => {
      const bytes = IpvsCodec.buildGetInfo(h);
      bytes[7] = 3;
      return bytes;
    };
    expect(s.errno(infoAsDump)).toBe('EOPNOTSUPP');
  });

  it('answers EINVAL to a service command without its service nest', () => {
    const s = session();
    expect(s.errno((h) => encodeGenericNetlinkMessage({ type: 32, flags: 5, seq: h.seq, pid: 0 }, { cmd: 1, version: 1 }, new Uint8Array(0)))).toBe('EINVAL');
  });
});

describe('services', () => {
  it('refuses duplicates with EEXIST and missing services with ESRCH', () => {
    const s = session();
    expect(s.errno((h) => IpvsCodec.buildNewService(h, TCP_SERVICE))).toBe('ok');
    expect(s.errno((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, scheduler: 'rr' }))).toBe('EEXIST');
    for (const build of [
      (h: { familyId: number; seq: number }) => IpvsCodec.buildSetService(h, UDP6_SERVICE),
      (h: { familyId: number; seq: number }) => IpvsCodec.buildDelService(h, UDP6_SERVICE),
      (h: { familyId: number; seq: number }) => IpvsCodec.buildGetService(h, UDP6_SERVICE),
      (h: { familyId: number; seq: number }) => IpvsCodec.buildZero(h, UDP6_SERVICE),
      (h: { familyId: number; seq: number }) => IpvsCodec.buildNewDest(h, UDP6_SERVICE, MASQ_DEST),
    ]) {
      expect(s.errno(build)).toBe('ESRCH');
    }
  });

  it('knows fwmark services apart by family', () => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, FWMARK_SERVICE));
    expect(s.errno((h) => IpvsCodec.buildNewService(h, { ...FWMARK_SERVICE, af: AF_INET, netmask: 32 }))).toBe('ok');
    expect(s.services().map((x) => x.af)).toEqual([AF_INET6, AF_INET]);
  });

  it('answers ENOENT for an unknown scheduler or persistence engine; "none" is allowed', () => {
    const s = session();
    expect(s.errno((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, scheduler: 'twos' }))).toBe('ENOENT');
    expect(s.errno((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, persistenceEngine: 'nope' }))).toBe('ENOENT');
    expect(s.errno((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, scheduler: 'none' }))).toBe('ok');
    expect(s.services()[0]?.scheduler).toBe('none');
  });

  it('edits in place with SET_SERVICE and keeps the dests', () => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, TCP_SERVICE));
    s.expectOk((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, MASQ_DEST));
    const edited: IpvsInetService = { ...TCP_SERVICE, scheduler: 'sh', flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET, timeout: 30, netmask: 16 };
    s.expectOk((h) => IpvsCodec.buildSetService(h, edited));
    expect(s.readTable()).toEqual([{ service: edited, dests: [expect.objectContaining({ address: '198.51.100.2' })] }]);
  });

  it('applies the flags mask of struct ip_vs_flags: unmasked bits keep their value', () => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, flags: IP_VS_SVC_F_PERSISTENT }));
    const request = IpvsCodec.buildSetService({ familyId: 32, seq: 500 }, { ...TCP_SERVICE, flags: IP_VS_SVC_F_ONEPACKET });
    // Patch the mask to cover only ONEPACKET: PERSISTENT must survive.
    const flagsAt = Buffer.from(request).indexOf(Buffer.from('0c000700', 'hex')) + 8;
    new DataView(request.buffer).setUint32(flagsAt, IP_VS_SVC_F_ONEPACKET, true);
    s.kernel.handle(request);
    expect(s.services()[0]?.flags).toBe(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET);
  });

  it('deleting a service deletes its dests; FLUSH empties the table', () => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, TCP_SERVICE));
    s.expectOk((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, MASQ_DEST));
    s.expectOk((h) => IpvsCodec.buildDelService(h, TCP_SERVICE));
    s.expectOk((h) => IpvsCodec.buildNewService(h, TCP_SERVICE));
    expect(s.dests(TCP_SERVICE)).toEqual([]);
    s.expectOk((h) => IpvsCodec.buildNewService(h, UDP6_SERVICE));
    s.expectOk((h) => IpvsCodec.buildFlush(h));
    expect(s.readTable()).toEqual([]);
  });

  it('answers GET_SERVICE (do) with one NEW_SERVICE message', () => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, UDP6_SERVICE));
    const [message] = s.expectOk((h) => IpvsCodec.buildGetService(h, UDP6_SERVICE));
    expect(IpvsCodec.parseServiceReply(message!)).toMatchObject(UDP6_SERVICE);
  });
});

describe('dests', () => {
  const withService = (): FakeIpvsSession => {
    const s = session();
    s.expectOk((h) => IpvsCodec.buildNewService(h, TCP_SERVICE));
    return s;
  };

  it('refuses duplicates with EEXIST and unknown dests with ENOENT', () => {
    const s = withService();
    s.expectOk((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, MASQ_DEST));
    expect(s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...MASQ_DEST, weight: 9 }))).toBe('EEXIST');
    expect(s.errno((h) => IpvsCodec.buildSetDest(h, TCP_SERVICE, GUE_DEST))).toBe('ENOENT');
    expect(s.errno((h) => IpvsCodec.buildDelDest(h, TCP_SERVICE, GUE_DEST))).toBe('ENOENT');
  });

  it('checks thresholds (ERANGE), GUE ports and mixed families (EINVAL) like ip_vs_add_dest', () => {
    const s = withService();
    expect(s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...MASQ_DEST, upperThreshold: 1, lowerThreshold: 2 }))).toBe('ERANGE');
    expect(s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...GUE_DEST, tunnelPort: 0 }))).toBe('EINVAL');
    const v6 = { af: AF_INET6, address: '2001:db8::10', port: 80, weight: 1 } as const;
    expect(s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...v6, forwarding: 'droute' }))).toBe('EINVAL');
    expect(s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...v6, forwarding: 'tunnel' }))).toBe('ok');
    // A sync daemon cannot start while a mixed-family dest exists.
    expect(s.errno((h) => IpvsCodec.buildNewDaemon(h, { state: 'master', interface: 'lo', syncId: 1 }))).toBe('EINVAL');
  });

  it('rejects a weight that is negative as the kernel int sees it (ERANGE)', () => {
    const s = withService();
    const request = IpvsCodec.buildNewDest({ familyId: 32, seq: 1 }, TCP_SERVICE, { ...MASQ_DEST, weight: 7 });
    const weightAt = Buffer.from(request).indexOf(Buffer.from('08000400', 'hex'), 68) + 4;
    new DataView(request.buffer).setUint32(weightAt, 0x80000000, true);
    expect(decodeErrorReply(decodeNetlinkMessages(s.kernel.handle(request)[0]!)[0]!).errno).toBe(34);
  });

  it('dumps dests newest first, as the kernel links them at the head of the list', () => {
    const s = withService();
    for (const last of [2, 3, 4]) s.expectOk((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { ...MASQ_DEST, address: `198.51.100.${last}` }));
    expect(s.dests(TCP_SERVICE).map((d) => d.address)).toEqual(['198.51.100.4', '198.51.100.3', '198.51.100.2']);
  });

  it('answers a dest dump of an unknown service with an empty dump, not an error', () => {
    expect(session().dests(UDP6_SERVICE)).toEqual([]);
  });

  it('reports counters and statistics, truncating STATS to 32 bits but not STATS64', () => {
    const s = withService();
    s.expectOk((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, MASQ_DEST));
    const big = 2n ** 40n + 5n;
    const stats = { conns: big, inpkts: 1n, outpkts: 2n, inbytes: big, outbytes: 4n, cps: 5n, inpps: 6n, outpps: 7n, inbps: 8n, outbps: 9n };
    s.kernel.setCounters({ service: TCP_SERVICE, dest: MASQ_DEST }, { activeConnections: 3, inactiveConnections: 4, persistentConnections: 5, stats });
    const [dest] = s.dests(TCP_SERVICE);
    expect(dest).toMatchObject({ activeConnections: 3, inactiveConnections: 4, persistentConnections: 5 });
    expect(dest?.stats64).toEqual(stats);
    expect(dest?.stats?.conns).toBe(5n);
    expect(dest?.stats?.inbytes).toBe(big);
    s.expectOk((h) => IpvsCodec.buildZero(h, TCP_SERVICE));
    expect(s.dests(TCP_SERVICE)[0]?.stats64?.conns).toBe(0n);
  });
});

describe('dumps', () => {
  it('splits a large dump into datagrams no bigger than the buffer, NLM_F_MULTI on every part, DONE alone at the end', () => {
    const kernel = new FakeIpvsKernel({ dumpDatagramSize: 1024 });
    const s = new FakeIpvsSession(kernel);
    for (let port = 1; port <= 40; port++) s.expectOk((h) => IpvsCodec.buildNewService(h, { ...TCP_SERVICE, port }));
    const datagrams = kernel.handle(IpvsCodec.buildDumpServices({ familyId: 32, seq: 9 }));
    expect(datagrams.length).toBeGreaterThan(10);
    for (const datagram of datagrams.slice(0, -1)) {
      expect(datagram.length).toBeLessThanOrEqual(1024);
      for (const message of decodeNetlinkMessages(datagram)) expect(message.header.flags).toBe(NLM_F_MULTI);
    }
    const done = decodeNetlinkMessages(datagrams.at(-1)!);
    expect(done.map((m) => m.header.type)).toEqual([NLMSG_DONE]);
    expect(s.services().map((x) => (x.kind === 'inet' ? x.port : 0))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('config, info, daemons', () => {
  it('reports info and applies timeouts, keeping values sent as 0 and refusing ones above INT_MAX / HZ', () => {
    const s = session();
    expect(IpvsCodec.parseInfoReply(s.expectOk((h) => IpvsCodec.buildGetInfo(h))[0]!)).toMatchObject({ versionText: '1.2.1' });
    s.expectOk((h) => IpvsCodec.buildSetConfig(h, { tcp: 0, tcpFin: 30, udp: 0 }));
    expect(IpvsCodec.parseConfigReply(s.expectOk((h) => IpvsCodec.buildGetConfig(h))[0]!)).toEqual({ tcp: 900, tcpFin: 30, udp: 300 });
    expect(s.errno((h) => IpvsCodec.buildSetConfig(h, { udp: 8_589_935 }))).toBe('EINVAL');
  });

  it('starts, lists and stops sync daemons with the kernel errnos', () => {
    const s = session();
    expect(s.errno((h) => IpvsCodec.buildNewDaemon(h, { state: 'master', interface: 'eth9', syncId: 1 }))).toBe('ENODEV');
    s.expectOk((h) => IpvsCodec.buildNewDaemon(h, { state: 'master', interface: 'lo', syncId: 1 }));
    expect(s.errno((h) => IpvsCodec.buildNewDaemon(h, { state: 'master', interface: 'lo', syncId: 2 }))).toBe('EEXIST');
    expect(s.errno((h) => IpvsCodec.buildNewDaemon(h, { state: 'backup', interface: 'lo', syncId: 1, group: '192.0.2.1' }))).toBe('EINVAL');
    s.expectOk((h) => IpvsCodec.buildNewDaemon(h, { state: 'backup', interface: 'lo', syncId: 1, group: 'ff02::81' }));
    expect(s.expectOk((h) => IpvsCodec.buildDumpDaemons(h)).map((m) => IpvsCodec.parseDaemonReply(m))).toEqual([
      { state: 'master', interface: 'lo', syncId: 1, maxLength: 1472, port: 8848, ttl: 1, group: '224.0.0.81' },
      { state: 'backup', interface: 'lo', syncId: 1, maxLength: 1452, port: 8848, ttl: 1, group: 'ff02::81' },
    ]);
    s.expectOk((h) => IpvsCodec.buildDelDaemon(h, 'master'));
    expect(s.errno((h) => IpvsCodec.buildDelDaemon(h, 'master'))).toBe('ESRCH');
    // A mixed-family dest is refused while a daemon runs.
    s.expectOk((h) => IpvsCodec.buildNewService(h, TCP_SERVICE));
    expect(
      s.errno((h) => IpvsCodec.buildNewDest(h, TCP_SERVICE, { af: AF_INET6, address: '2001:db8::1', port: 80, forwarding: 'tunnel', weight: 1 })),
    ).toBe('EINVAL');
  });
});

describe('nlctrl', () => {
  it('resolves IPVS to its family id and refuses other names with ENOENT', () => {
    const kernel = new FakeIpvsKernel({ familyId: 45 });
    const [reply, ack] = kernel.handle(buildGetFamilyRequest('IPVS', { seq: 1 }));
    expect(parseFamilyReply(decodeNetlinkMessages(reply!)[0]!)).toMatchObject({ id: 45, name: 'IPVS', maxAttribute: 6 });
    expect(decodeErrorReply(decodeNetlinkMessages(ack!)[0]!).errno).toBe(0);
    const [missing] = kernel.handle(buildGetFamilyRequest('nl80211', { seq: 2 }));
    expect(decodeErrorReply(decodeNetlinkMessages(missing!)[0]!).errno).toBe(2);
  });

  it('accepts a family id lookup too', () => {
    const kernel = new FakeIpvsKernel();
    const attrs = new NetlinkAttributeWriter().u16(1, 32).toBytes();
    const [reply] = kernel.handle(encodeGenericNetlinkMessage({ type: 0x10, flags: 5, seq: 1, pid: 0 }, { cmd: 3, version: 1 }, attrs));
    expect(parseFamilyReply(decodeNetlinkMessages(reply!)[0]!).name).toBe('IPVS');
  });
});
