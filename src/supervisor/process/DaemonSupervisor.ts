import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../../config/loadConfig.js';
import { formatDiagnosticLine } from '../../config/Diagnostic.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { Logger } from '../../log/Logger.js';
import type { VigilMetrics } from '../Metrics.js';
import type { ReloadOutcome } from '../StatusSource.js';
import type { ChildMessage, ChildReloadResult, ChildRunOptions, ErrorRecord } from './ChildMessages.js';
import type { ChildRole } from './ChildRole.js';
import { ChildSupervisor } from './ChildSupervisor.js';
import { applyMetricEvents } from './MetricsForwarder.js';
import { ReloadQueue } from './ReloadQueue.js';
import type { RespawnPolicy } from './RespawnBackoff.js';

export interface DaemonSupervisorOptions {
  readonly config: VigilConfig;
  /** Reads and validates the configuration file again (SIGHUP). */
  readonly load: () => LoadedConfig;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  /** -P / -C: which sides may run at all. */
  readonly sides: { readonly vrrp: boolean; readonly checker: boolean };
  readonly childOptions: Record<ChildRole, ChildRunOptions>;
  /** false with -R. */
  readonly respawn: boolean;
  readonly respawnPolicy?: RespawnPolicy;
  /** A child died and -R forbids restarting it: the daemon must stop. */
  readonly onGaveUp: (why: string) => void;
}

export type DaemonSupervisorStart = { readonly ok: true; readonly supervisor: DaemonSupervisor } | { readonly ok: false; readonly errors: readonly ErrorRecord[] };

/** The children get this long for their graceful stop (VRRP: priority-0 adverts, VIPs; IPVS release). */
const CHILD_STOP_TIMEOUT_MS = 20_000;

/**
 * keepalived's parent: starts the VRRP child and the checker + IPVS child for the sides
 * the configuration uses, keeps them running, relays between them (VRRP roles for
 * lvs_sync_daemon), and runs reloads as one transaction over both.
 */
export class DaemonSupervisor {
  private running: VigilConfig;
  private readonly slots = new Map<ChildRole, ChildSupervisor>();
  private readonly reloads: ReloadQueue<ReloadOutcome>;
  private stopped = false;

  private constructor(private readonly opts: DaemonSupervisorOptions) {
    this.running = opts.config;
    this.reloads = new ReloadQueue(() => this.reloadOnce());
  }

  static async start(opts: DaemonSupervisorOptions): Promise<DaemonSupervisorStart> {
    const supervisor = new DaemonSupervisor(opts);
    const wanted = supervisor.wantedRoles(opts.config);
    const results = await Promise.all(wanted.map(async (role) => ({ role, result: await supervisor.startChild(role) })));
    const errors = results.flatMap((r) => (r.result.ok ? [] : r.result.errors));
    if (errors.length > 0) {
      await supervisor.stop();
      return { ok: false, errors };
    }
    return { ok: true, supervisor };
  }

  get config(): VigilConfig {
    return this.running;
  }

  children(): ChildSupervisor[] {
    return [...this.slots.values()];
  }

  /** SIGHUP: queued behind a running reload; requests made meanwhile share one run. */
  reload(): Promise<ReloadOutcome> {
    if (this.stopped) return Promise.resolve({ outcome: 'failed', message: 'Vigil is stopping', diagnostics: [] });
    return this.reloads.request();
  }

  /** Graceful stop of both children, in parallel (they are independent). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.reloads.idle();
    await Promise.all(this.children().map((c) => c.stop(CHILD_STOP_TIMEOUT_MS)));
  }

  private wantedRoles(config: VigilConfig): ChildRole[] {
    const roles: ChildRole[] = [];
    if (this.opts.sides.vrrp && config.vrrpInstances.length > 0) roles.push('vrrp');
    if (this.opts.sides.checker && config.virtualServers.length > 0) roles.push('checker');
    return roles;
  }

  private async startChild(role: ChildRole): Promise<{ ok: true } | { ok: false; errors: readonly ErrorRecord[] }> {
    const slot = new ChildSupervisor({
      role,
      runOptions: this.opts.childOptions[role],
      config: () => this.running,
      log: this.opts.log,
      respawn: this.opts.respawn,
      ...(this.opts.respawnPolicy !== undefined && { policy: this.opts.respawnPolicy }),
      onMessage: (m) => this.relay(role, m),
      onGaveUp: (why) => this.opts.onGaveUp(why),
    });
    this.slots.set(role, slot);
    const started = await slot.start();
    if (!started.ok) {
      this.slots.delete(role);
      await slot.stop(CHILD_STOP_TIMEOUT_MS);
    }
    return started;
  }

  private relay(role: ChildRole, message: ChildMessage): void {
    switch (message.type) {
      case 'transition':
        this.opts.metrics.vrrpTransition(message.instance, message.from, message.to, message.reason);
        return;
      case 'role':
        // lvs_sync_daemon follows a VRRP instance: the checker child runs the IPVS side.
        this.slots.get('checker')?.send({ type: 'vrrp-role', event: message.event });
        return;
      case 'metrics':
        applyMetricEvents(message.events, this.opts.metrics);
        return;
      default:
        return;
    }
  }

  /**
   * One reload: parse and validate everything first; a refused configuration changes
   * nothing. Then the VRRP child applies its difference, then the checker child; if the
   * checker child refuses, the VRRP child is put back on the old configuration.
   */
  private async reloadOnce(): Promise<ReloadOutcome> {
    const log = this.opts.log;
    log.info({ reason: 'reload' }, 'Reloading configuration');
    const loaded = this.opts.load();
    const diagnostics = loaded.diagnostics.map(formatDiagnosticLine);
    for (const d of loaded.diagnostics) {
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info';
      log[level]({ code: d.code, reason: 'reload', ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}) }, formatDiagnosticLine(d));
    }
    const next = loaded.model;
    if (next === null) {
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      log.error({ reason: 'config-invalid', errors }, `Reload refused: the new configuration has ${errors} error(s) - still running the previous one`);
      return { outcome: 'refused', message: `Configuration refused (${errors} error(s)); the running configuration is unchanged`, diagnostics: diagnostics.filter((_, i) => loaded.diagnostics[i]?.severity === 'error') };
    }
    if (next.netNamespace?.name !== this.running.netNamespace?.name) {
      // keepalived.conf(5): "the namespace cannot be changed on a configuration reload".
      const message = `net_namespace cannot change on a reload (${this.running.netNamespace?.name ?? 'none'} -> ${next.netNamespace?.name ?? 'none'}): restart Vigil to move it`;
      log.error({ reason: 'reload-refused' }, `Reload refused: ${message}`);
      return { outcome: 'refused', message, diagnostics: [] };
    }
    if (isDeepStrictEqual(withoutPositions(next), withoutPositions(this.running))) {
      this.running = next;
      log.info({ reason: 'reload' }, 'Reload: configuration unchanged');
      return { outcome: 'unchanged', message: 'Configuration unchanged', diagnostics: [] };
    }
    const previous = this.running;
    const wanted = new Set(this.wantedRoles(next));
    const changes: string[] = [];

    const vrrp = await this.applyToRole('vrrp', next, wanted.has('vrrp'));
    if (!vrrp.ok) return this.refusedByChild('vrrp', vrrp.errors);
    changes.push(...vrrp.changes);
    const checker = await this.applyToRole('checker', next, wanted.has('checker'));
    if (!checker.ok) {
      if (vrrp.applied) {
        const back = await this.slots.get('vrrp')?.reload(previous);
        if (back !== undefined && !back.ok) log.error({ reason: 'reload-rollback-failed' }, `Reload: putting the VRRP side back failed: ${back.errors.map((e) => e.message).join('; ')}`);
      }
      return this.refusedByChild('checker', checker.errors);
    }
    changes.push(...checker.changes);
    this.running = next;
    // Sides the new configuration no longer uses stop once everything else is in place.
    for (const role of ['vrrp', 'checker'] as const) {
      const slot = this.slots.get(role);
      if (slot !== undefined && !wanted.has(role)) {
        this.slots.delete(role);
        await slot.stop(CHILD_STOP_TIMEOUT_MS);
        changes.push(`${slot.label} stopped (nothing left to run)`);
      }
    }
    for (const change of changes) log.info({ reason: 'reload' }, `Reload: ${change}`);
    log.info({ reason: 'reload' }, 'Reload: new configuration applied');
    return { outcome: 'applied', message: changes.length > 0 ? `Applied: ${changes.join('; ')}` : 'Applied', diagnostics: [] };
  }

  /** Reloads a running child, or starts one the new configuration needs. */
  private async applyToRole(role: ChildRole, next: VigilConfig, wanted: boolean): Promise<{ ok: true; applied: boolean; changes: string[] } | { ok: false; errors: readonly ErrorRecord[] }> {
    const slot = this.slots.get(role);
    if (slot !== undefined && wanted) {
      const result: ChildReloadResult = await slot.reload(next);
      return result.ok ? { ok: true, applied: true, changes: result.summary.changes.map((c) => `${slot.label}: ${c}`) } : { ok: false, errors: result.errors };
    }
    if (slot === undefined && wanted) {
      const previous = this.running;
      this.running = next;
      const started = await this.startChild(role);
      this.running = previous;
      return started.ok ? { ok: true, applied: false, changes: [`${role === 'vrrp' ? 'VRRP' : 'Healthcheck'} child started`] } : { ok: false, errors: started.errors };
    }
    return { ok: true, applied: false, changes: [] };
  }

  private refusedByChild(role: ChildRole, errors: readonly ErrorRecord[]): ReloadOutcome {
    const lines = errors.map((e) => `${e.code}: ${e.message}`);
    for (const line of lines) this.opts.log.error({ child: role, reason: 'reload-refused' }, `Reload refused: ${line}`);
    this.opts.log.error({ reason: 'reload-refused' }, 'Reload refused - still running the previous configuration');
    return { outcome: 'refused', message: `The ${role === 'vrrp' ? 'VRRP' : 'checker'} side refused the new configuration; the running one is unchanged`, diagnostics: lines };
  }
}

/** Two loads of the same text differ only in where things were read (file names stay). */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof RegExp || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'pos') out[k] = withoutPositions(v);
  return out;
}
