import { describe, expect, it } from 'vitest';
import { IpvsCodec, type IpvsRequestHeader } from '../../../src/ipvs/IpvsCodec.js';
import { hex, readHexFixture } from './support/Fixtures.js';
import { BACKUP_DAEMON, FWMARK_SERVICE, GUE_DEST, MASQ_DEST, TCP_SERVICE, TCP_SERVICE_EDITED, UDP6_SERVICE } from './support/SampleIpvs.js';

/** Family id 32 (what the project VM's kernel assigned), seq 1, pid 0, as in every fixture header. */
const header: IpvsRequestHeader = { familyId: 32, seq: 1 };

const GOLDEN: readonly [file: string, build: () => Uint8Array][] = [
  ['new-service-tcp.hex', () => IpvsCodec.buildNewService(header, TCP_SERVICE)],
  ['new-service-fwmark-v6.hex', () => IpvsCodec.buildNewService(header, FWMARK_SERVICE)],
  ['new-service-udp-v6-pe.hex', () => IpvsCodec.buildNewService(header, { ...UDP6_SERVICE, persistenceEngine: 'sip' })],
  ['set-service-tcp.hex', () => IpvsCodec.buildSetService(header, TCP_SERVICE_EDITED)],
  ['del-service-tcp.hex', () => IpvsCodec.buildDelService(header, TCP_SERVICE)],
  ['get-service-tcp.hex', () => IpvsCodec.buildGetService(header, TCP_SERVICE)],
  ['dump-services.hex', () => IpvsCodec.buildDumpServices(header)],
  ['new-dest-masq.hex', () => IpvsCodec.buildNewDest(header, TCP_SERVICE, MASQ_DEST)],
  ['new-dest-gue.hex', () => IpvsCodec.buildNewDest(header, TCP_SERVICE, GUE_DEST)],
  ['set-dest-masq.hex', () => IpvsCodec.buildSetDest(header, TCP_SERVICE, { ...MASQ_DEST, weight: 5, upperThreshold: 0, lowerThreshold: 0 })],
  ['del-dest.hex', () => IpvsCodec.buildDelDest(header, TCP_SERVICE, MASQ_DEST)],
  ['dump-dests.hex', () => IpvsCodec.buildDumpDests(header, TCP_SERVICE)],
  ['new-daemon-backup.hex', () => IpvsCodec.buildNewDaemon(header, BACKUP_DAEMON)],
  ['del-daemon-master.hex', () => IpvsCodec.buildDelDaemon(header, 'master')],
  ['dump-daemons.hex', () => IpvsCodec.buildDumpDaemons(header)],
  ['set-config.hex', () => IpvsCodec.buildSetConfig(header, { tcp: 1000, tcpFin: 100, udp: 200 })],
  ['get-config.hex', () => IpvsCodec.buildGetConfig(header)],
  ['get-info.hex', () => IpvsCodec.buildGetInfo(header)],
  ['zero-all.hex', () => IpvsCodec.buildZero(header)],
  ['zero-service.hex', () => IpvsCodec.buildZero(header, TCP_SERVICE)],
  ['flush.hex', () => IpvsCodec.buildFlush(header)],
];

describe('IPVS requests match the hand-derived golden bytes', () => {
  it.each(GOLDEN)('%s', (file, build) => {
    expect(hex(build())).toBe(hex(readHexFixture(`requests/${file}`)));
  });

  it('covers every IPVS command that user space sends', () => {
    const commands = new Set(GOLDEN.map(([, build]) => build()[16]));
    // All IPVS_CMD_* except UNSPEC (0) and SET_INFO (14, reply only).
    expect([...commands].sort((a = 0, b = 0) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17]);
  });

  it('builds the request an operation stands for', () => {
    expect(hex(IpvsCodec.buildOperation(header, { kind: 'add-service', service: TCP_SERVICE }))).toBe(hex(readHexFixture('requests/new-service-tcp.hex')));
    expect(hex(IpvsCodec.buildOperation(header, { kind: 'delete-dest', service: TCP_SERVICE, dest: MASQ_DEST }))).toBe(
      hex(readHexFixture('requests/del-dest.hex')),
    );
  });
});

describe('request validation', () => {
  const bad: readonly [string, () => Uint8Array, RegExp][] = [
    ['scheduler name of 16 characters', () => IpvsCodec.buildNewService(header, { ...TCP_SERVICE, scheduler: 'x'.repeat(16) }), /scheduler name/],
    ['empty scheduler name', () => IpvsCodec.buildNewService(header, { ...TCP_SERVICE, scheduler: '' }), /scheduler name/],
    ['port above 65535', () => IpvsCodec.buildDelService(header, { ...TCP_SERVICE, port: 65536 }), /port/],
    ['IPv6 address on an IPv4 service', () => IpvsCodec.buildNewService(header, { ...TCP_SERVICE, address: '2001:db8::1' }), /address family/],
    ['firewall mark 0', () => IpvsCodec.buildNewService(header, { ...FWMARK_SERVICE, fwmark: 0 }), /firewall mark/],
    ['IPv4 netmask /33', () => IpvsCodec.buildNewService(header, { ...TCP_SERVICE, netmask: 33 }), /netmask/],
    ['IPv6 netmask /0', () => IpvsCodec.buildNewService(header, { ...UDP6_SERVICE, netmask: 0 }), /netmask/],
    ['negative weight', () => IpvsCodec.buildNewDest(header, TCP_SERVICE, { ...MASQ_DEST, weight: -1 }), /weight/],
    ['weight beyond an int', () => IpvsCodec.buildNewDest(header, TCP_SERVICE, { ...MASQ_DEST, weight: 2 ** 31 }), /weight/],
    ['not an address', () => IpvsCodec.buildNewDest(header, TCP_SERVICE, { ...MASQ_DEST, address: '198.51.100.256' }), /not a usable IP address/],
    ['interface name of 16 characters', () => IpvsCodec.buildNewDaemon(header, { ...BACKUP_DAEMON, interface: 'x'.repeat(16) }), /interface name/],
    ['timeout beyond an int', () => IpvsCodec.buildSetConfig(header, { tcp: 2 ** 31 }), /timeout/],
  ];

  it.each(bad)('rejects %s with a typed error', (_, build, message) => {
    expect(build).toThrow(message);
  });
});
