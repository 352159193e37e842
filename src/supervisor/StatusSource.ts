import type { CheckerSnapshot } from '../checker/CheckerOutput.js';
import type { IpvsSyncStatus } from '../ipvs/IpvsSync.js';
import type { VrrpState } from '../vrrp/fsm/VrrpState.js';
import type { ReceiveStatsSnapshot } from '../vrrp/runtime/ReceiveStats.js';
import type { TrackerStatus } from '../vrrp/runtime/VrrpEngine.js';

/**
 * What the running daemon tells the operations side (`vigil status`, the state dump,
 * metrics). The daemon implements it over VrrpEngine, CheckerOutput and IpvsSync; tests use
 * a fake. Every call returns a fresh plain-data copy (safe to serialise as JSON).
 */
export interface StatusSource {
  /** Brings `status()` up to date when parts of it live in other processes (the children). */
  refresh?(detail?: boolean): Promise<void>;
  status(): VigilStatus;
  /**
   * Everything for a full state dump (SIGUSR1, `dump`): the status plus the running
   * configuration and anything else worth having at 3 a.m. May contain secrets: the
   * dump writer redacts them, the source need not.
   */
  dumpState(): Record<string, unknown>;
  /** Re-read and apply the configuration (as on SIGHUP). */
  reload(): Promise<ReloadOutcome>;
}

export interface VigilStatus {
  /** Wall time (ms since the epoch) of this status. */
  readonly takenAt: number;
  readonly daemon: DaemonStatus;
  /** `null` when this process does not run the VRRP side (`-C`). */
  readonly vrrp: VrrpStatus | null;
  /** `null` when this process does not run the checker side (`-P`). */
  readonly checkers: CheckerSnapshot | null;
  readonly ipvs: IpvsStatus | null;
}

/** The kernel could not be programmed (no IPVS module, no CAP_NET_ADMIN): checkers still run. */
export interface IpvsUnavailableStatus {
  readonly running: false;
  /** `CODE: message`, e.g. `IPVS_UNAVAILABLE: ...`. */
  readonly unavailable: string;
}

export type IpvsStatus = IpvsSyncStatus | IpvsUnavailableStatus;

export function isIpvsUnavailable(status: IpvsStatus): status is IpvsUnavailableStatus {
  return 'unavailable' in status;
}

/** One of the daemon's children (keepalived's VRRP and Healthcheck children), as the parent sees it. */
export interface ChildProcessStatus {
  readonly role: 'vrrp' | 'checker';
  readonly pid: number | null;
  readonly running: boolean;
  /** Restarts after a crash since the daemon started. */
  readonly restarts: number;
  /** Wall time the current process started, `null` while none runs. */
  readonly since: number | null;
  /** How the previous one ended (`exit 1`, `signal SIGKILL`), `null` if none ended yet. */
  readonly lastExit: string | null;
}

export interface DaemonStatus {
  readonly pid: number;
  readonly version: string;
  readonly configFile: string;
  /** Wall time the daemon started. */
  readonly startedAt: number;
  readonly lastReload: ReloadRecord | null;
  /** The children of a daemon running as parent + children; absent in a single process. */
  readonly children?: readonly ChildProcessStatus[];
}

export interface VrrpStatus {
  readonly instances: readonly VrrpInstanceStatus[];
  readonly receive: ReceiveStatsSnapshot;
  /** vrrp_script verdicts and tracked interfaces, with their weight and faults per instance. */
  readonly trackers: TrackerStatus;
}

export interface VrrpInstanceStatus {
  readonly name: string;
  readonly vrid: number;
  readonly interface: string;
  readonly state: VrrpState;
  /** Effective priority (configured, adjusted by trackers). */
  readonly priority: number;
  readonly configuredPriority: number;
  /** Address of the current master as seen from here (ours when MASTER), `null` when unknown. */
  readonly master: string | null;
  /** Wall time of the last state change. */
  readonly since: number;
  /** Why the last transition happened (the machine's `TransitionReason`, e.g. `master-down-timer`). */
  readonly lastTransitionReason: string | null;
  readonly holdingVips: boolean;
  /** Adverts sent since the instance (re)started. */
  readonly advertsSent: number;
  /** Adverts that passed the receive checks (RFC 5798 §7.1) and reached the state machine. */
  readonly advertsReceived: number;
  /** Priority of the last such advert, `null` before the first. */
  readonly lastAdvertPriority: number | null;
}

export type ReloadOutcomeKind = 'applied' | 'unchanged' | 'refused' | 'failed';

export interface ReloadOutcome {
  /** `refused`: the new configuration is invalid and the old one keeps running. `failed`: applying it went wrong. */
  readonly outcome: ReloadOutcomeKind;
  readonly message: string;
  /** Diagnostic lines of a refused configuration. */
  readonly diagnostics: readonly string[];
}

export interface ReloadRecord extends ReloadOutcome {
  readonly at: number;
}
