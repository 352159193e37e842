import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { InstanceStatus, TrackerStatus, TransitionListener } from '../../vrrp/runtime/VrrpEngine.js';
import type { ReceiveStatsSnapshot } from '../../vrrp/runtime/ReceiveStats.js';
import type { VrrpInstanceStatus, VrrpStatus } from '../StatusSource.js';

/** What the VRRP status part reads from the engine (VrrpEngine satisfies it). */
export interface VrrpEngineView {
  status(): readonly InstanceStatus[];
  trackerStatus(): TrackerStatus;
  onTransition(listener: TransitionListener): () => void;
  readonly stats: { snapshot(): ReceiveStatsSnapshot };
}

export interface VrrpStatusPartOptions {
  readonly engine: VrrpEngineView;
  /** The configuration running now (it changes on reload): the configured priorities. */
  readonly config: () => VigilConfig;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
}

/**
 * The VRRP child's part of `vigil status`. The engine knows states, counters, the master
 * and the last transition's reason; this adds what only wall time gives: when each
 * instance entered its state. Transitions before it was created (the engine starts
 * first) are dated at its creation, a few milliseconds after the child's start.
 */
export class VrrpStatusPart {
  private readonly now: () => number;
  private readonly createdAt: number;
  private readonly since = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: VrrpStatusPartOptions) {
    this.now = opts.now ?? Date.now;
    this.createdAt = this.now();
    this.unsubscribe = opts.engine.onTransition((instance) => this.since.set(instance, this.now()));
  }

  status(): VrrpStatus {
    const instances = this.opts.engine.status();
    // A reload may remove an instance: forget it, so a later one of that name starts afresh.
    const names = new Set(instances.map((i) => i.name));
    for (const name of [...this.since.keys()]) if (!names.has(name)) this.since.delete(name);
    return { instances: instances.map((i) => this.instanceStatus(i)), receive: this.opts.engine.stats.snapshot(), trackers: this.opts.engine.trackerStatus() };
  }

  /** Stops listening to the engine (before the engine stops). */
  close(): void {
    this.unsubscribe();
  }

  private instanceStatus(i: InstanceStatus): VrrpInstanceStatus {
    const configured = this.opts.config().vrrpInstances.find((c) => c.name === i.name);
    return {
      name: i.name,
      vrid: i.vrid,
      interface: i.interface,
      state: i.state,
      priority: i.effectivePriority,
      configuredPriority: configured?.priority ?? i.effectivePriority,
      master: i.master,
      since: this.since.get(i.name) ?? this.createdAt,
      lastTransitionReason: i.lastTransition?.reason ?? null,
      holdingVips: i.holdingVips,
      advertsSent: i.advertsSent,
      advertsReceived: i.advertsReceived,
      lastAdvertPriority: i.lastAdvertPriority,
    };
  }
}
