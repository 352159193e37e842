import type { AF_INET, AF_INET6 } from './IpvsConstants.js';

/**
 * The typed model of an IPVS table: what a virtual service (`ip_vs_service`) and a
 * real server (`ip_vs_dest`) look like to user space. Addresses are text in the
 * canonical form `IpvsAddress.canonicalAddress()` produces; ports are host numbers.
 */

export type IpvsAddressFamily = typeof AF_INET | typeof AF_INET6;

/** Protocols an address-based service can have (ipvsadm -t / -u / --sctp-service). */
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';

/** The forwarding method, IP_VS_CONN_F_FWD_MASK bits of a dest's conn_flags. */
export type IpvsForwardingMethod = 'masq' | 'local' | 'tunnel' | 'droute' | 'bypass';

/** IP_VS_CONN_F_TUNNEL_TYPE_*: encapsulation for `tunnel` forwarding (Linux 5.3+). */
export type IpvsTunnelType = 'ipip' | 'gue' | 'gre';

/** Settings every service has, whatever identifies it. Optional fields take the defaults ipvsadm uses. */
export interface IpvsServiceSettings {
  readonly af: IpvsAddressFamily;
  /** Scheduler module name without the `ip_vs_` prefix ("rr", "wlc", ...); "none" means no scheduler. */
  readonly scheduler: string;
  /** IP_VS_SVC_F_* flags a user may set (PERSISTENT, ONEPACKET, SCHED1..3); default 0. */
  readonly flags?: number;
  /** Persistence timeout in seconds; default 0. */
  readonly timeout?: number;
  /** Persistence netmask as a prefix length: 0..32 for IPv4 (default 32), 1..128 for IPv6 (default 128). */
  readonly netmask?: number;
  /** Persistence engine ("sip"); absent for none. */
  readonly persistenceEngine?: string;
}

/** A service identified by protocol, virtual address and port. */
export interface IpvsInetService extends IpvsServiceSettings {
  readonly kind: 'inet';
  readonly protocol: IpvsProtocol;
  readonly address: string;
  readonly port: number;
}

/** A service identified by a firewall mark (and address family). */
export interface IpvsFwmarkService extends IpvsServiceSettings {
  readonly kind: 'fwmark';
  readonly fwmark: number;
}

export type IpvsService = IpvsInetService | IpvsFwmarkService;

/** The fields the kernel looks a service up by. */
export type IpvsServiceId =
  | Pick<IpvsInetService, 'kind' | 'af' | 'protocol' | 'address' | 'port'>
  | Pick<IpvsFwmarkService, 'kind' | 'af' | 'fwmark'>;

/** A real server. Optional fields default to 0 / `ipip`, as in ipvsadm. */
export interface IpvsDest {
  /** Family of `address`; may differ from the service's only for `tunnel` forwarding. */
  readonly af: IpvsAddressFamily;
  readonly address: string;
  readonly port: number;
  readonly forwarding: IpvsForwardingMethod;
  readonly weight: number;
  /** Upper connection threshold; 0 means none. */
  readonly upperThreshold?: number;
  /** Lower connection threshold; 0 means none. */
  readonly lowerThreshold?: number;
  readonly tunnelType?: IpvsTunnelType;
  /** GUE destination port (required non-zero by the kernel for `gue`). */
  readonly tunnelPort?: number;
  /** IP_VS_TUNNEL_ENCAP_FLAG_* bits. */
  readonly tunnelFlags?: number;
}

/** The fields the kernel looks a dest up by inside its service. */
export type IpvsDestId = Pick<IpvsDest, 'af' | 'address' | 'port'>;

/** Counters of a service or dest (`struct ip_vs_kstats`). 64-bit in STATS64, truncated to 32 in STATS. */
export interface IpvsStats {
  readonly conns: bigint;
  readonly inpkts: bigint;
  readonly outpkts: bigint;
  readonly inbytes: bigint;
  readonly outbytes: bigint;
  readonly cps: bigint;
  readonly inpps: bigint;
  readonly outpps: bigint;
  readonly inbps: bigint;
  readonly outbps: bigint;
}

/** What a service dump returns: the service plus its counters. */
export type IpvsServiceEntry = IpvsService & {
  readonly stats?: IpvsStats;
  readonly stats64?: IpvsStats;
};

/** What a dest dump returns: the dest plus connection counts and counters. */
export interface IpvsDestEntry extends IpvsDest {
  readonly activeConnections: number;
  readonly inactiveConnections: number;
  readonly persistentConnections: number;
  readonly stats?: IpvsStats;
  readonly stats64?: IpvsStats;
}

/** One virtual service and its real servers. */
export interface IpvsTableEntry {
  readonly service: IpvsService;
  readonly dests: readonly IpvsDest[];
}

/** A whole IPVS table (one network namespace). Order carries no meaning. */
export type IpvsTable = readonly IpvsTableEntry[];

/** IPVS_CMD_GET_INFO reply. */
export interface IpvsInfo {
  /** IP_VS_VERSION_CODE, e.g. 0x010201. */
  readonly version: number;
  /** "1.2.1" */
  readonly versionText: string;
  readonly connectionTableSize: number;
}

/** IPVS_CMD_GET_CONFIG reply / SET_CONFIG request: protocol timeouts in seconds (0 = leave unchanged). */
export interface IpvsTimeouts {
  readonly tcp: number;
  readonly tcpFin: number;
  readonly udp: number;
}

export type IpvsSyncDaemonState = 'master' | 'backup';

/** A connection-synchronisation daemon (ipvsadm --start-daemon). */
export interface IpvsSyncDaemon {
  readonly state: IpvsSyncDaemonState;
  /** Interface the sync messages go out on / come in from. */
  readonly interface: string;
  readonly syncId: number;
  /** Maximum sync message payload; absent lets the kernel derive it from the MTU. */
  readonly maxLength?: number;
  /** Multicast group (IPv4 or IPv6 text); absent means 224.0.0.81. */
  readonly group?: string;
  /** Multicast port; absent means 8848. */
  readonly port?: number;
  /** Multicast TTL; absent means 1. */
  readonly ttl?: number;
}
