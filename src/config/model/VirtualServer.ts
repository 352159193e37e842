import type { SourcePos } from '../SourcePos.js';
import type { AddressFamily, IpAddress, ScriptCommand } from './Common.js';
import type { Checker } from './Checker.js';

/** How the virtual server is named: `IP PORT`, `fwmark N`, or `group NAME`. */
export type VirtualServerKey =
  | { readonly kind: 'address'; readonly address: IpAddress; readonly port: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number }
  | { readonly kind: 'group'; readonly group: string };

export type LvsMethodName = 'NAT' | 'DR' | 'TUN';

/** `lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (ip_vs.h IP_VS_CONN_F_*). */
export interface LvsMethod {
  readonly method: LvsMethodName;
  /** Tunnel encapsulation for TUN; `null` otherwise. */
  readonly tunnelType: 'ipip' | 'gue' | 'gre' | null;
  /** UDP port for GUE tunnels. */
  readonly tunnelPort: number | null;
  readonly tunnelChecksum: 'nocsum' | 'csum' | 'remcsum' | null;
}

export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface SorryServer {
  readonly address: IpAddress;
  readonly port: number | null;
  readonly inhibit: boolean;
  readonly lvsMethod: LvsMethod | null;
  readonly pos: SourcePos;
}

export interface RealServer {
  readonly pos: SourcePos;
  readonly address: IpAddress;
  /**
   * The port connections go to. For an `IP PORT` service a port-less real server gets the
   * service's port (as keepalived does); `null` for fwmark and group services written without one.
   */
  readonly port: number | null;
  readonly weight: number;
  /** `null`: the virtual server's method applies. */
  readonly lvsMethod: LvsMethod | null;
  readonly inhibitOnFailure: boolean;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly notifyUp: ScriptCommand | null;
  readonly notifyDown: ScriptCommand | null;
  readonly alpha: boolean;
  readonly virtualhost: string | null;
  readonly smtpAlert: boolean | null;
  /** Real-server-level checker defaults as written (`null` = inherit); checkers hold resolved values. */
  readonly retry: number | null;
  readonly delayBeforeRetrySeconds: number | null;
  readonly warmupSeconds: number | null;
  readonly delayLoopSeconds: number | null;
  readonly connectTimeoutSeconds: number | null;
  readonly checkers: readonly Checker[];
}

export interface VirtualServer {
  readonly pos: SourcePos;
  readonly key: VirtualServerKey;
  /** Address family of the service (from the address, `ip_family`, or the real servers). */
  readonly family: AddressFamily;
  readonly delayLoopSeconds: number;
  readonly lvsScheduler: string;
  readonly lvsMethod: LvsMethod;
  /** `null` for fwmark services (IPVS ignores the protocol there). */
  readonly protocol: LvsProtocol | null;
  /** `true` when `protocol` was written. */
  readonly protocolConfigured: boolean;
  readonly persistenceTimeoutSeconds: number | null;
  /** IPv4 netmask (dotted quad) or IPv6 prefix length as text. */
  readonly persistenceGranularity: string | null;
  readonly persistenceEngine: string | null;
  readonly sorryServer: SorryServer | null;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp: ScriptCommand | null;
  readonly quorumDown: ScriptCommand | null;
  readonly inhibitOnFailure: boolean;
  readonly alpha: boolean;
  readonly omega: boolean;
  readonly virtualhost: string | null;
  readonly haSuspend: boolean;
  readonly smtpAlert: boolean | null;
  /** IPVS service flags (ip_vs.h IP_VS_SVC_F_*). */
  readonly flags: {
    readonly onePacketScheduling: boolean;
    readonly flag1: boolean;
    readonly flag2: boolean;
    readonly flag3: boolean;
    readonly shPort: boolean;
    readonly shFallback: boolean;
    readonly mhPort: boolean;
    readonly mhFallback: boolean;
  };
  /** Virtual-server-level checker defaults as written (`null` = keepalived default). */
  readonly retry: number | null;
  readonly delayBeforeRetrySeconds: number | null;
  readonly warmupSeconds: number | null;
  readonly connectTimeoutSeconds: number | null;
  readonly realServers: readonly RealServer[];
}
