import type { SourcePos } from '../SourcePos.js';
import type { ChildProcessTuning } from './ChildProcessTuning.js';
import type { IpAddress, PassThroughKeyword, ScriptUser } from './Common.js';

/** `lvs_sync_daemon INTERFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]`. */
export interface LvsSyncDaemon {
  readonly interface: string;
  readonly vrrpInstance: string;
  /** Sync id; `null` means keepalived uses the VRRP instance's virtual_router_id. */
  readonly syncId: number | null;
  readonly maxlen: number | null;
  readonly port: number | null;
  readonly ttl: number | null;
  readonly group: IpAddress | null;
  readonly pos: SourcePos;
}

/** `lvs_timeouts [tcp N] [tcpfin N] [udp N]`; `null` leaves the kernel's value alone. */
export interface LvsTimeouts {
  readonly tcpSeconds: number | null;
  readonly tcpFinSeconds: number | null;
  readonly udpSeconds: number | null;
  readonly pos: SourcePos;
}

export interface SmtpServer {
  /** Address or host name as written. */
  readonly host: string;
  readonly port: number;
  readonly pos: SourcePos;
}

/** What `lvs_flush_on_stop` removes when the daemon stops. */
export type LvsFlushOnStop = 'disabled' | 'all' | 'vs';

/** `global_defs { ... }` with keepalived 2.2.7's defaults filled in. */
export interface GlobalDefs {
  /** Position of the (first) `global_defs` keyword; `null` when the file has none. */
  readonly pos: SourcePos | null;
  /** `null`: keepalived uses the host name at run time. */
  readonly routerId: string | null;
  readonly vrrpVersion: 2 | 3;
  readonly vrrpMcastGroup4: string;
  readonly vrrpMcastGroup6: string;
  readonly vrrpStrict: boolean;
  readonly vrrpGarpMasterDelaySeconds: number;
  readonly vrrpGarpMasterRepeat: number;
  readonly vrrpGarpMasterRefreshSeconds: number;
  readonly vrrpGarpMasterRefreshRepeat: number;
  readonly vrrpGarpLowerPrioDelaySeconds: number;
  readonly vrrpGarpLowerPrioRepeat: number;
  readonly vrrpGarpIntervalSeconds: number;
  readonly vrrpGnaIntervalSeconds: number;
  readonly vrrpLowerPrioNoAdvert: boolean;
  readonly vrrpHigherPrioSendAdvert: boolean;
  readonly vrrpCheckUnicastSrc: boolean;
  readonly vrrpSkipCheckAdvAddr: boolean;
  /** `null`: keepalived's default script user (`keepalived_script` if it exists, else root). */
  readonly scriptUser: ScriptUser | null;
  readonly enableScriptSecurity: boolean;
  readonly lvsSyncDaemon: LvsSyncDaemon | null;
  readonly lvsTimeouts: LvsTimeouts | null;
  readonly lvsFlush: boolean;
  readonly lvsFlushOnStop: LvsFlushOnStop;
  readonly notificationEmail: readonly string[];
  readonly notificationEmailFrom: string | null;
  readonly smtpServer: SmtpServer | null;
  readonly smtpConnectTimeoutSeconds: number;
  readonly enableTraps: boolean;
  readonly dynamicInterfaces: boolean;
  /** `dynamic_interfaces allow_if_changes`. */
  readonly dynamicInterfacesAllowIfChanges: boolean;
  /** Real-time priority ceiling for auto-priority; `null` when not configured (feature off). */
  readonly maxAutoPriority: number | null;
  /** `vrrp_priority`, `vrrp_no_swap`, `vrrp_rt_priority`, `vrrp_rlimit_rttime`, `vrrp_cpu_affinity`. */
  readonly vrrpProcess: ChildProcessTuning;
  /** The same keywords with the `checker_` prefix, for the Healthcheck child. */
  readonly checkerProcess: ChildProcessTuning;
  /** Known keepalived global keywords Vigil accepts but does not act on. */
  readonly passThrough: readonly PassThroughKeyword[];
}
