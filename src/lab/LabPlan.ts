import type { TopologySpec } from './netns/index.js';

/**
 * The lab's hosts and addresses, matching config/lab.conf: a client on the front segment,
 * two directors with a leg on each segment, two real servers on the back segment whose
 * default gateway is the back VIP. All addresses are documentation ranges (RFC 5737 §3).
 */
export const LAB_FRONT_VIP = '203.0.113.100';
export const LAB_BACK_VIP = '198.51.100.1';
export const LAB_CLIENT_ADDRESS = '203.0.113.10';

export type LabDirectorName = 'd1' | 'd2';
export const LAB_DIRECTORS: readonly LabDirectorName[] = ['d1', 'd2'];

/** The VRRP instances of config/lab.conf, the interface each runs on and its VIP. */
export interface LabInstance {
  name: 'FRONT' | 'BACK';
  ifname: 'eth0' | 'eth1';
  vip: string;
}
export const LAB_INSTANCES: readonly LabInstance[] = [
  { name: 'FRONT', ifname: 'eth0', vip: LAB_FRONT_VIP },
  { name: 'BACK', ifname: 'eth1', vip: LAB_BACK_VIP },
];

export interface LabRealServer {
  name: 'rs1' | 'rs2';
  address: string;
  port: number;
}
export const LAB_REAL_SERVERS: readonly LabRealServer[] = [
  { name: 'rs1', address: '198.51.100.11', port: 80 },
  { name: 'rs2', address: '198.51.100.12', port: 80 },
];

/** config/lab.conf's advert_int: adverts are 1 s apart, so a handover may overlap by up to one. */
export const LAB_ADVERT_INTERVAL_MS = 1_000;

export function labTopologySpec(): TopologySpec {
  return {
    segments: ['front', 'back'],
    hosts: [
      {
        name: 'client',
        links: [{ segment: 'front', ipv4: [`${LAB_CLIENT_ADDRESS}/24`] }],
        // No IPVS here (see VigilLab): the client reaches the real servers routed through
        // whichever director holds the front VIP, which is what the sync group keeps together.
        routes: [{ to: '198.51.100.0/24', via: LAB_FRONT_VIP }],
      },
      {
        name: 'd1',
        forwarding: true,
        links: [
          { segment: 'front', ipv4: ['203.0.113.2/24'] },
          { segment: 'back', ipv4: ['198.51.100.2/24'] },
        ],
      },
      {
        name: 'd2',
        forwarding: true,
        links: [
          { segment: 'front', ipv4: ['203.0.113.3/24'] },
          { segment: 'back', ipv4: ['198.51.100.3/24'] },
        ],
      },
      ...LAB_REAL_SERVERS.map((rs) => ({
        name: rs.name,
        links: [{ segment: 'back', ipv4: [`${rs.address}/24`] }],
        routes: [{ to: 'default', via: LAB_BACK_VIP }],
      })),
    ],
  };
}
