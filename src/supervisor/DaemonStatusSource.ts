import type { CheckerOutput } from '../checker/CheckerOutput.js';
import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VrrpState } from '../vrrp/fsm/VrrpState.js';
import type { InstanceStatus } from '../vrrp/runtime/VrrpEngine.js';
import type { ReceiveStatsSnapshot } from '../vrrp/runtime/ReceiveStats.js';
import type { VigilMetrics } from './Metrics.js';
import type { IpvsStatus, ReloadOutcome, ReloadRecord, StatusSource, VigilStatus, VrrpInstanceStatus } from './StatusSource.js';

/** What DaemonStatusSource reads from the VRRP engine (VrrpEngine satisfies it). */
export interface VrrpEngineView {
  status(): readonly InstanceStatus[];
  /** `reason` is optional so that the engine can start passing its transition reason later. */
  onTransition(listener: (instance: string, from: VrrpState, to: VrrpState, reason?: string) => void): () => void;
  readonly stats: { snapshot(): ReceiveStatsSnapshot };
}

/** What it reads from the IPVS side (IpvsSync satisfies it). */
export interface IpvsSyncView {
  status(): IpvsStatus;
}

export interface DaemonStatusSourceOptions {
  readonly version: string;
  readonly configFile: string;
  /** The configuration running now (it changes on reload). */
  readonly config: () => VigilConfig;
  readonly vrrp: VrrpEngineView | null;
  readonly checker: CheckerOutput | null;
  readonly ipvs: IpvsSyncView | null;
  /** The daemon's reload (the same one SIGHUP runs). */
  readonly reload: () => Promise<ReloadOutcome>;
  /** Transitions and reload outcomes are counted here when given. */
  readonly metrics?: VigilMetrics;
  readonly pid?: number;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
}

interface TransitionRecord {
  since: number;
  reason: string | null;
}

/**
 * The daemon's StatusSource over the running pieces. It remembers what the engine does
 * not keep: when each instance entered its state and the last reload's outcome.
 *
 * Not known yet from the engine (shown as such): the current master's address while
 * BACKUP (`master: null`), adverts sent (0) and, until the engine passes it, the
 * transition reason.
 */
export class DaemonStatusSource implements StatusSource {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly transitions = new Map<string, TransitionRecord>();
  private readonly unsubscribe: (() => void) | null;
  private lastReload: ReloadRecord | null = null;

  constructor(private readonly opts: DaemonStatusSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.unsubscribe =
      opts.vrrp?.onTransition((instance, from, to, reason) => {
        this.transitions.set(instance, { since: this.now(), reason: reason ?? `${from} -> ${to}` });
        opts.metrics?.vrrpTransition(instance, from, to);
      }) ?? null;
  }

  status(): VigilStatus {
    const o = this.opts;
    return {
      takenAt: this.now(),
      daemon: { pid: o.pid ?? process.pid, version: o.version, configFile: o.configFile, startedAt: this.startedAt, lastReload: this.lastReload },
      vrrp: o.vrrp ? { instances: o.vrrp.status().map((i) => this.instanceStatus(i)), receive: o.vrrp.stats.snapshot() } : null,
      checkers: o.checker ? o.checker.snapshot() : null,
      ipvs: o.ipvs ? o.ipvs.status() : null,
    };
  }

  dumpState(): Record<string, unknown> {
    return { status: this.status(), config: this.opts.config() };
  }

  async reload(): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      outcome = await this.opts.reload();
    } catch (err) {
      outcome = { outcome: 'failed', message: err instanceof Error ? err.message : String(err), diagnostics: [] };
    }
    this.lastReload = { ...outcome, at: this.now() };
    this.opts.metrics?.reload(outcome.outcome);
    return outcome;
  }

  /** Stops listening to the engine (before the engine is replaced or stopped). */
  close(): void {
    this.unsubscribe?.();
  }

  private instanceStatus(i: InstanceStatus): VrrpInstanceStatus {
    const configured = this.opts.config().vrrpInstances.find((c) => c.name === i.name);
    const t = this.transitions.get(i.name);
    return {
      name: i.name,
      vrid: i.vrid,
      interface: i.interface,
      state: i.state,
      priority: i.effectivePriority,
      configuredPriority: configured?.priority ?? i.effectivePriority,
      master: i.state === 'MASTER' ? i.source : null,
      since: t?.since ?? this.startedAt,
      lastTransitionReason: t?.reason ?? null,
      holdingVips: i.holdingVips,
      advertsSent: 0,
    };
  }
}
