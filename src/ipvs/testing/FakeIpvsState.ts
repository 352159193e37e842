import type { IpvsStats } from '../IpvsModel.js';

/**
 * The fake kernel's in-memory records, shaped like the kernel's own
 * `struct ip_vs_service` / `struct ip_vs_dest` rather than Vigil's model, so the
 * fake can answer with the bytes the kernel would.
 */

export interface FakeCounters {
  activeConnections: number;
  inactiveConnections: number;
  persistentConnections: number;
  stats: IpvsStats;
}

export interface FakeDestRecord extends FakeCounters {
  af: number;
  /** 16-byte nf_inet_addr; for IPv4 only the first 4 bytes are ever non-zero. */
  addr: Uint8Array;
  port: number;
  /** IP_VS_CONN_F_FWD_MASK bits. */
  forwarding: number;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnelType: number;
  tunnelPort: number;
  tunnelFlags: number;
}

export interface FakeServiceRecord {
  af: number;
  /** IPPROTO_TCP for fwmark services, as ip_vs_genl_parse_service() sets it. */
  protocol: number;
  addr: Uint8Array;
  port: number;
  /** 0 for address-based services. */
  fwmark: number;
  /** null when the scheduler is "none". */
  scheduler: string | null;
  persistenceEngine: string | null;
  /** Includes IP_VS_SVC_F_HASHED, as svc->flags does while the service is in the table. */
  flags: number;
  timeout: number;
  /** The raw 4 bytes of IPVS_SVC_ATTR_NETMASK (a __be32 mask, or a host-order prefix for IPv6). */
  netmask: Uint8Array;
  stats: IpvsStats;
  /** Newest first: ip_vs_add_dest() links new dests at the head of svc->destinations. */
  dests: FakeDestRecord[];
}

export interface FakeDaemonRecord {
  state: number;
  interface: string;
  syncId: number;
  maxLength: number;
  port: number;
  ttl: number;
  /** AF_INET or AF_INET6 and the raw group address. */
  groupAf: number;
  group: Uint8Array;
}
