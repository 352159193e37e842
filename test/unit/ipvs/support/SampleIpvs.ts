import {
  AF_INET,
  AF_INET6,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED_SH_PORT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
} from '../../../../src/ipvs/IpvsConstants.js';
import type { IpvsDest, IpvsFwmarkService, IpvsInetService, IpvsSyncDaemon } from '../../../../src/ipvs/IpvsModel.js';

/**
 * The services and dests the golden fixtures, the ipvsadm strace and the VM probe
 * all use, so one definition drives every comparison.
 */

export const TCP_SERVICE: IpvsInetService = {
  kind: 'inet',
  af: AF_INET,
  protocol: 'tcp',
  address: '192.0.2.1',
  port: 80,
  scheduler: 'wrr',
  flags: 0,
  timeout: 0,
  netmask: 32,
};

/** `ipvsadm -E -t 192.0.2.1:80 -s lc -p 120 -M 255.255.255.0` */
export const TCP_SERVICE_EDITED: IpvsInetService = { ...TCP_SERVICE, scheduler: 'lc', flags: IP_VS_SVC_F_PERSISTENT, timeout: 120, netmask: 24 };

/** `ipvsadm -A -f 7 -6 -s sh -b sh-port -p 300` */
export const FWMARK_SERVICE: IpvsFwmarkService = {
  kind: 'fwmark',
  af: AF_INET6,
  fwmark: 7,
  scheduler: 'sh',
  flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_PORT,
  timeout: 300,
  netmask: 128,
};

/** `ipvsadm -A -u [2001:db8::1]:53 -s rr -p 60 -M 64` (plus `--pe sip` in the golden fixture) */
export const UDP6_SERVICE: IpvsInetService = {
  kind: 'inet',
  af: AF_INET6,
  protocol: 'udp',
  address: '2001:db8::1',
  port: 53,
  scheduler: 'rr',
  flags: IP_VS_SVC_F_PERSISTENT,
  timeout: 60,
  netmask: 64,
};

/** `-r 198.51.100.2:8080 -m -w 3 -x 10 -y 2` */
export const MASQ_DEST: IpvsDest = {
  af: AF_INET,
  address: '198.51.100.2',
  port: 8080,
  forwarding: 'masq',
  weight: 3,
  upperThreshold: 10,
  lowerThreshold: 2,
};

/** `-r 198.51.100.4:80 -i --tun-type gue --tun-port 6080 --tun-csum -w 2` */
export const GUE_DEST: IpvsDest = {
  af: AF_INET,
  address: '198.51.100.4',
  port: 80,
  forwarding: 'tunnel',
  weight: 2,
  tunnelType: 'gue',
  tunnelPort: 6080,
  tunnelFlags: IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
};

/** `--start-daemon backup --mcast-interface lo --syncid 6 --sync-maxlen 1400 --mcast-group 239.1.2.3 --mcast-port 8849 --mcast-ttl 3` */
export const BACKUP_DAEMON: IpvsSyncDaemon = {
  state: 'backup',
  interface: 'lo',
  syncId: 6,
  maxLength: 1400,
  group: '239.1.2.3',
  port: 8849,
  ttl: 3,
};
