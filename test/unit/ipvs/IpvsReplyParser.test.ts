import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/core/VigilError.js';
import { AF_INET, AF_INET6, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_SCHED_SH_PORT } from '../../../src/ipvs/IpvsConstants.js';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import { encodeGenericNetlinkMessage } from '../../../src/netlink/GenericNetlinkMessage.js';
import { NetlinkAttributeWriter } from '../../../src/netlink/NetlinkAttributeWriter.js';
import { NetlinkDecodeError } from '../../../src/netlink/NetlinkDecodeError.js';
import { decodeNetlinkMessages, type NetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';
import { kernelExchange } from './support/Fixtures.js';

/** Every data message (not ACK/DONE) of a recorded exchange. */
function dataMessages(label: string): NetlinkMessage[] {
  return kernelExchange(label)
    .replies.flatMap((d) => decodeNetlinkMessages(d))
    .filter((m) => m.header.type >= 0x10);
}

const ZERO = { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };

describe('parsing Linux 6.1 replies recorded by the VM probe', () => {
  it('GET_INFO: version 1.2.1, 4096-entry connection table', () => {
    expect(IpvsCodec.parseInfoReply(dataMessages('GET_INFO')[0]!)).toEqual({ version: 0x010201, versionText: '1.2.1', connectionTableSize: 4096 });
  });

  it('GET_CONFIG: the default and the updated timeouts', () => {
    expect(IpvsCodec.parseConfigReply(dataMessages('GET_CONFIG')[0]!)).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(IpvsCodec.parseConfigReply(dataMessages('GET_CONFIG after partial set')[0]!)).toEqual({ tcp: 1000, tcpFin: 100, udp: 250 });
  });

  it('a service dump: five services, HASHED stripped, IPv6 prefix and stats decoded', () => {
    const services = dataMessages('GET_SERVICE dump').map((m) => IpvsCodec.parseServiceReply(m));
    expect(services).toHaveLength(5);
    const fwmark = services.find((s) => s.kind === 'fwmark');
    expect(fwmark).toMatchObject({
      kind: 'fwmark',
      af: AF_INET6,
      fwmark: 7,
      scheduler: 'sh',
      flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_PORT,
      timeout: 300,
      netmask: 128,
      stats: ZERO,
      stats64: ZERO,
    });
    const sctp = services.find((s) => s.kind === 'inet' && s.protocol === 'sctp');
    expect(sctp).toMatchObject({ address: '192.0.2.2', port: 3868, scheduler: 'mh', persistenceEngine: 'sip', netmask: 24 });
    const none = services.find((s) => s.kind === 'inet' && s.port === 82);
    expect(none?.scheduler).toBe('none');
    expect(services.find((s) => s.kind === 'inet' && s.protocol === 'udp')).toMatchObject({ address: '2001:db8::1', netmask: 64, timeout: 60 });
  });

  it('a dest dump: newest first, tunnel settings, mixed address family', () => {
    const dests = dataMessages('GET_DEST dump tcp').map((m) => IpvsCodec.parseDestReply(m, AF_INET));
    expect(dests.map((d) => d.address)).toEqual(['2001:db8::10', '198.51.100.4', '198.51.100.3', '198.51.100.2']);
    expect(dests[0]).toMatchObject({ af: AF_INET6, forwarding: 'tunnel', tunnelType: 'ipip' });
    expect(dests[1]).toMatchObject({ forwarding: 'tunnel', weight: 2, tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 1 });
    expect(dests[3]).toMatchObject({
      af: AF_INET,
      port: 8080,
      forwarding: 'masq',
      weight: 3,
      upperThreshold: 10,
      lowerThreshold: 2,
      activeConnections: 0,
      inactiveConnections: 0,
      persistentConnections: 0,
      stats: ZERO,
    });
  });

  it('a daemon dump: kernel defaults filled in for the master, requested values for the backup', () => {
    const daemons = dataMessages('GET_DAEMON dump').map((m) => IpvsCodec.parseDaemonReply(m));
    expect(daemons).toEqual([
      { state: 'master', interface: 'lo', syncId: 5, maxLength: 1472, port: 8848, ttl: 1, group: '224.0.0.81' },
      { state: 'backup', interface: 'lo', syncId: 6, maxLength: 1400, port: 8849, ttl: 3, group: '239.1.2.3' },
    ]);
  });
});

describe('reply validation', () => {
  const reply = (cmd: number, build: (w: NetlinkAttributeWriter) => void): NetlinkMessage => {
    const writer = new NetlinkAttributeWriter();
    build(writer);
    return decodeNetlinkMessages(encodeGenericNetlinkMessage({ type: 32, flags: 2, seq: 1, pid: 1 }, { cmd, version: 1 }, writer.toBytes()))[0]!;
  };

  it('rejects a message of another command', () => {
    expect(() => IpvsCodec.parseServiceReply(dataMessages('GET_INFO')[0]!)).toThrow(NetlinkDecodeError);
  });

  it('rejects a service without its IPVS_CMD_ATTR_SERVICE nest', () => {
    expect(() => IpvsCodec.parseServiceReply(reply(1, () => undefined))).toThrow(/IPVS_CMD_ATTR_SERVICE/);
  });

  it('rejects a service whose protocol Vigil does not model', () => {
    const message = reply(1, (w) =>
      w.nest(1, (s) => s.u16(1, AF_INET).u16(2, 50).bytes(3, new Uint8Array(16)).be16(4, 0).string(6, 'rr')),
    );
    expect(() => IpvsCodec.parseServiceReply(message)).toThrow(expect.objectContaining({ code: 'IPVS_UNKNOWN_PROTOCOL' }));
  });

  it('rejects an unknown forwarding method and address family with typed errors', () => {
    const dest = (fwd: number, af: number): NetlinkMessage =>
      reply(5, (w) => w.nest(2, (d) => d.bytes(1, new Uint8Array(16)).be16(2, 80).u32(3, fwd).u32(4, 1).u16(11, af)));
    expect(() => IpvsCodec.parseDestReply(dest(5, AF_INET), AF_INET)).toThrow(expect.objectContaining({ code: 'IPVS_UNKNOWN_FORWARDING' }));
    expect(() => IpvsCodec.parseDestReply(dest(0, 7), AF_INET)).toThrow(expect.objectContaining({ code: 'IPVS_UNKNOWN_ADDRESS_FAMILY' }));
  });

  it('takes the service family for dests from kernels without IPVS_DEST_ATTR_ADDR_FAMILY, and defaults missing tunnel fields', () => {
    const addr = new Uint8Array(16);
    addr.set([0x20, 0x01, 0x0d, 0xb8]);
    const message = reply(5, (w) => w.nest(2, (d) => d.bytes(1, addr).be16(2, 80).u32(3, 3).u32(4, 1)));
    expect(IpvsCodec.parseDestReply(message, AF_INET6)).toMatchObject({ af: AF_INET6, address: '2001:db8::', forwarding: 'droute', tunnelType: 'ipip', tunnelPort: 0 });
  });

  it('reports a missing scheduler name as a VigilError', () => {
    expect(() => IpvsCodec.parseServiceReply(reply(1, (w) => w.nest(1, (s) => s.u16(1, AF_INET).u32(5, 1))))).toThrow(VigilError);
  });
});
