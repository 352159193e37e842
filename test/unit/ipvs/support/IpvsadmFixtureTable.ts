import type { IpvsTable } from '../../../../src/ipvs/IpvsModel.js';

/** The table test/fixtures/ipvs/ipvsadm/build-table.sh builds with ipvsadm, in Vigil's model. */
export const IPVSADM_FIXTURE_TABLE: IpvsTable = [
  {
    service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'rr' },
    dests: [
      { af: 2, address: '198.51.100.2', port: 8080, forwarding: 'masq', weight: 3, upperThreshold: 10, lowerThreshold: 2 },
      { af: 2, address: '198.51.100.3', port: 80, forwarding: 'droute', weight: 0 },
      { af: 2, address: '198.51.100.4', port: 80, forwarding: 'tunnel', weight: 1, tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 0 },
      { af: 2, address: '198.51.100.5', port: 80, forwarding: 'tunnel', weight: 1, tunnelType: 'gre', tunnelFlags: 1 },
      { af: 2, address: '198.51.100.6', port: 80, forwarding: 'tunnel', weight: 1, tunnelType: 'gue', tunnelPort: 6081, tunnelFlags: 2 },
      { af: 2, address: '198.51.100.7', port: 80, forwarding: 'tunnel', weight: 1, tunnelType: 'ipip' },
    ],
  },
  {
    service: { kind: 'inet', af: 2, protocol: 'udp', address: '192.0.2.2', port: 53, scheduler: 'sh', flags: 0x1 | 0x4 | 0x8 | 0x10, timeout: 300, netmask: 24 },
    dests: [{ af: 2, address: '198.51.100.8', port: 53, forwarding: 'droute', weight: 1 }],
  },
  { service: { kind: 'inet', af: 2, protocol: 'sctp', address: '192.0.2.3', port: 3868, scheduler: 'mh', flags: 0x1 | 0x8 | 0x10, timeout: 60, persistenceEngine: 'sip' }, dests: [] },
  {
    service: { kind: 'inet', af: 10, protocol: 'tcp', address: '2001:db8::1', port: 443, scheduler: 'wlc', flags: 0x1, timeout: 120, netmask: 64 },
    dests: [{ af: 10, address: '2001:db8::10', port: 443, forwarding: 'masq', weight: 5 }],
  },
  { service: { kind: 'fwmark', af: 2, fwmark: 7, scheduler: 'lc' }, dests: [{ af: 2, address: '198.51.100.9', port: 0, forwarding: 'droute', weight: 1 }] },
  { service: { kind: 'fwmark', af: 10, fwmark: 8, scheduler: 'wrr', flags: 0x20 }, dests: [{ af: 10, address: '2001:db8::11', port: 0, forwarding: 'droute', weight: 1 }] },
  { service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.4', port: 0, scheduler: 'dh', flags: 0x1, timeout: 360 }, dests: [] },
  { service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.5', port: 25, scheduler: 'sed', flags: 0x8 | 0x10 }, dests: [] },
];
