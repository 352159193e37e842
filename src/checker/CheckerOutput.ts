import type { IpAddress } from '../config/model/Common.js';
import type { VirtualServerKey } from '../config/model/VirtualServer.js';
import type { ProbeFailureReason } from './probe/ProbeOutcome.js';

/**
 * The checker's output contract: the desired state of every real server of every virtual
 * server, which the IPVS reconciler applies and `vigil status` shows. Nothing here talks to
 * the kernel; the checker only says what it wants.
 *
 * Keys are keepalived's own texts (check_data.c format_vs / format_rs), e.g. virtual server
 * `[203.0.113.100]:tcp:80`, `FWM 7` or `[web-group]:0`, real server `[198.51.100.11]:tcp:80`,
 * so that they match keepalived's logs. The structured `key` / `address` are there for code.
 *
 * How to read a real server:
 * - `up`: the health verdict (keepalived's `rs->alive`): every checker of the real server passes.
 * - `inPool`: whether the destination should exist in the IPVS service (keepalived's `rs->set`).
 *   A down server is removed, except with `inhibit_on_failure`, where it stays with weight 0.
 *   While a sorry server stands in, healthy real servers are out of the pool (and back in when
 *   the quorum returns).
 * - `weight`: the IPVS weight to set when `inPool` (0 for an inhibited server).
 *
 * Events fire when any of `up`, `inPool`, `weight`, the quorum or the sorry server change.
 * `lastCheck` moves on every probe and is only refreshed in snapshots.
 */
export interface RealServerDesiredState {
  readonly rs: string;
  readonly address: IpAddress;
  /** `null` for fwmark services without a port. */
  readonly port: number | null;
  readonly up: boolean;
  readonly inPool: boolean;
  readonly weight: number;
  /** The configured weight (`weight`), before misc_dynamic adjustments. */
  readonly configuredWeight: number;
  /** Why the server is down (the reason of the probe that took it down); `null` while up. */
  readonly reason: ProbeFailureReason | 'alpha' | null;
  /** Wall time (ms since the epoch) of the last change of `up`, `inPool` or `weight`. */
  readonly since: number;
  /** Wall time of the latest probe result for this server, `null` before the first. */
  readonly lastCheck: number | null;
  readonly checkers: number;
  readonly failedCheckers: number;
  /**
   * Each checker Vigil runs for this server, in configuration order, so that a successor
   * (a reload, or a checker process respawned from this snapshot) can carry the verdicts
   * over. Absent in snapshots from elsewhere (tests, older versions).
   */
  readonly checkerStates?: readonly CheckerVerdict[];
}

/** One checker of a real server as its successor needs it (keepalived checker_t is_up / has_run / cur_weight). */
export interface CheckerVerdict {
  /** Fingerprint of what the checker probes and how (target, parameters, timing): equal means the same checker. */
  readonly plan: string;
  readonly up: boolean;
  /** It has reported at least once. */
  readonly ran: boolean;
  /** misc_dynamic weight adjustment it holds. */
  readonly weightDelta: number;
}

export interface SorryServerDesiredState {
  readonly rs: string;
  readonly address: IpAddress;
  readonly port: number | null;
  /** The sorry server stands in for the real servers (quorum lost). */
  readonly active: boolean;
  readonly inPool: boolean;
  readonly weight: number;
  readonly since: number;
}

export interface QuorumState {
  readonly up: boolean;
  /** Sum of the weights of healthy real servers. */
  readonly weightSum: number;
  /** Effective quorum and hysteresis (after keepalived's corrections). */
  readonly quorum: number;
  readonly hysteresis: number;
  readonly since: number;
}

export interface VirtualServerDesiredState {
  readonly vs: string;
  readonly key: VirtualServerKey;
  /** Index of the virtual server in `VigilConfig.virtualServers`. */
  readonly configIndex: number;
  /** `false` while ha_suspend holds the checkers (the virtual address is not on this host). */
  readonly checkersActive: boolean;
  readonly quorum: QuorumState;
  readonly sorryServer: SorryServerDesiredState | null;
  readonly realServers: readonly RealServerDesiredState[];
}

export interface CheckerSnapshot {
  /** Wall time of the snapshot. */
  readonly takenAt: number;
  readonly virtualServers: readonly VirtualServerDesiredState[];
  readonly probes: ProbeStatistics;
}

export interface ProbeStatistics {
  /** Distinct probes after dedup. */
  readonly distinct: number;
  /** Checker instances (per virtual server, real server and checker block). */
  readonly subscriptions: number;
  readonly started: number;
  readonly inFlight: number;
  /** Probes waiting for a concurrency slot. */
  readonly queued: number;
}

export type CheckerOutputEvent =
  /** A virtual server's desired state changed; `state` is its full new state. */
  | { readonly kind: 'virtual-server'; readonly state: VirtualServerDesiredState }
  /** The checker stopped; every service should be removed (subject to lvs_flush_on_stop). */
  | { readonly kind: 'stopped'; readonly states: readonly VirtualServerDesiredState[] };

export type CheckerOutputListener = (event: CheckerOutputEvent) => void;

/** What the engine offers to the IPVS reconciler and `vigil status`. */
export interface CheckerOutput {
  snapshot(): CheckerSnapshot;
  /** Returns an unsubscribe function. Listeners run synchronously, in order. */
  subscribe(listener: CheckerOutputListener): () => void;
}
