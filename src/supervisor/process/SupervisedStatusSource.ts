import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VigilMetrics } from '../Metrics.js';
import type { ReloadOutcome, ReloadRecord, StatusSource, VigilStatus } from '../StatusSource.js';
import type { ChildSupervisor } from './ChildSupervisor.js';

/** How long a status request waits for a child before using its last report. */
const CHILD_STATUS_TIMEOUT_MS = 1_000;

export interface SupervisedStatusSourceOptions {
  readonly version: string;
  readonly configFile: string;
  readonly config: () => VigilConfig;
  readonly children: () => readonly ChildSupervisor[];
  readonly reload: () => Promise<ReloadOutcome>;
  readonly metrics?: VigilMetrics;
  readonly now?: () => number;
}

/**
 * The parent's StatusSource: the children report their parts (VRRP; checkers + IPVS),
 * the parent adds itself, its children and the last reload. `refresh()` asks the
 * children for fresh parts first; `status()` uses the latest ones.
 */
export class SupervisedStatusSource implements StatusSource {
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastReload: ReloadRecord | null = null;

  constructor(private readonly opts: SupervisedStatusSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
  }

  async refresh(detail = false): Promise<void> {
    await Promise.all(this.opts.children().map((c) => c.refreshStatus(CHILD_STATUS_TIMEOUT_MS, detail)));
  }

  status(): VigilStatus {
    const children = this.opts.children();
    const vrrpPart = children.find((c) => c.role === 'vrrp')?.statusPart ?? null;
    const checkerPart = children.find((c) => c.role === 'checker')?.statusPart ?? null;
    return {
      takenAt: this.now(),
      daemon: {
        pid: process.pid,
        version: this.opts.version,
        configFile: this.opts.configFile,
        startedAt: this.startedAt,
        lastReload: this.lastReload,
        children: children.map((c) => c.status()),
      },
      vrrp: vrrpPart?.role === 'vrrp' ? vrrpPart.vrrp : null,
      checkers: checkerPart?.role === 'checker' ? checkerPart.checkers : null,
      ipvs: checkerPart?.role === 'checker' ? checkerPart.ipvs : null,
    };
  }

  /** keepalived's dumps leave out checkers and IPVS (keepalived#2673); this one has both, and the table. */
  dumpState(): Record<string, unknown> {
    const checkerPart = this.opts.children().find((c) => c.role === 'checker')?.statusPart;
    const ipvsRules = checkerPart?.role === 'checker' ? (checkerPart.ipvsRules ?? null) : null;
    return { status: this.status(), ipvsTable: ipvsRules, config: this.opts.config() };
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
}
