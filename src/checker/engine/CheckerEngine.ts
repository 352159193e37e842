import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { CheckerOutput, CheckerOutputEvent, CheckerOutputListener, CheckerSnapshot, ProbeStatistics, VirtualServerDesiredState } from '../CheckerOutput.js';
import { networkProbeRunner, type ProbeRunner } from '../probe/ProbeRunner.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../probe/ProbeSpec.js';
import type { ProbeOutcome } from '../probe/ProbeOutcome.js';
import { OrderedScriptQueue, type ScriptJobRunner } from '../script/OrderedScriptQueue.js';
import { fsScriptInspector } from '../script/FsScriptInspector.js';
import type { ScriptInspector } from '../script/ScriptSecurity.js';
import type { ScriptOutcome } from '../script/ScriptProcess.js';
import { ScriptUserTable } from '../script/ScriptUserTable.js';
import { CheckerCycle, type CycleMemory } from '../state/CheckerCycle.js';
import { carryOverCheckerStates, NO_CARRY_OVER, type CheckerCarryOver } from '../state/CheckerStateCarryOver.js';
import type { NotifyRequest, ServiceEffects } from '../state/ServiceEffects.js';
import { VirtualServerState } from '../state/VirtualServerState.js';
import { systemClock, type CheckerClock } from '../time/CheckerClock.js';
import { TimerQueue, type TimerId } from '../time/TimerQueue.js';
import { SystemWakeupTimer, type WakeupTimer } from '../time/WakeupTimer.js';
import { planCheckers, type CheckerPlanSet, type ProbePlan, type ResolvedScript } from './CheckerPlan.js';
import { checkerMessage } from './CheckerMessages.js';
import { silentCheckerLog, type CheckerLog } from './CheckerLog.js';
import { ConcurrencyGate } from './ConcurrencyGate.js';
import { LatenessHistogram } from './LatenessHistogram.js';
import { defaultProbeFdBudget } from './OpenFileLimit.js';

export interface CheckerEngineOptions {
  readonly clock?: CheckerClock;
  readonly wakeup?: WakeupTimer;
  readonly runner?: ProbeRunner;
  /** Uniform in [0, 1): places first probes within warmup. */
  readonly random?: () => number;
  readonly log?: CheckerLog;
  /** File descriptors probes may hold at once (a TCP/HTTP probe holds 1, a script 2). */
  readonly probeFdBudget?: number;
  /** Limit for each notify / quorum script (keepalived has none; a hung script would block its queue). */
  readonly notifyTimeoutMs?: number;
  readonly scriptRunner?: ScriptJobRunner;
  readonly users?: ScriptUserTable;
  readonly scriptInspector?: ScriptInspector;
  readonly maxResponseBytes?: number;
  /** keepalived's BOOTSTRAP_DELAY (scheduler.h: TIMER_HZ, 1 s) before the first probes. */
  readonly bootstrapDelayMs?: number;
}

interface Subscription {
  readonly vs: VirtualServerState;
  readonly rsIndex: number;
  readonly checkerIndex: number;
  enabled: boolean;
}

interface SharedProbe {
  readonly plan: ProbePlan;
  readonly cycle: CheckerCycle;
  readonly subs: Subscription[];
  readonly cost: number;
  timer: TimerId | null;
  dueAt: number;
  /** Reason of the latest failure, for real servers that learn the state late (ha_suspend). */
  lastFailure: ProbeOutcome | null;
}

/** A probe's memory handed to the same probe of a successor engine in this process. */
export interface ProbeMemory {
  readonly cycle: CycleMemory;
  /** When it was next due (monotonic), so a reload keeps the rhythm; `null` when unknown. */
  readonly dueAt: number | null;
  readonly lastFailure: ProbeOutcome | null;
}

/**
 * What a new engine continues from: the states of its predecessor (the engine before a
 * reload, or the last snapshot of a crashed checker process).
 */
export interface CheckerPredecessor {
  readonly virtualServers: readonly VirtualServerDesiredState[];
  /** By probe plan key; only an engine of this process has them (exact retry counters, schedule). */
  readonly probes?: ReadonlyMap<string, ProbeMemory>;
}

export const DEFAULT_NOTIFY_TIMEOUT_MS = 30_000;
const BOOTSTRAP_DELAY_MS = 1000;

/**
 * The health-check engine: one timer queue for every probe, probes deduplicated across
 * virtual servers and fanned out, a concurrency gate on file descriptors, keepalived's
 * per-checker retry logic and per-virtual-server pool logic, ordered notify scripts, and the
 * `CheckerOutput` stream for the IPVS side.
 */
export class CheckerEngine implements CheckerOutput {
  private readonly clock: CheckerClock;
  private readonly timers: TimerQueue;
  private readonly runner: ProbeRunner;
  private readonly random: () => number;
  private readonly log: CheckerLog;
  private readonly gate: ConcurrencyGate;
  private readonly scripts: OrderedScriptQueue;
  private readonly notifyTimeoutMs: number;
  private readonly bootstrapDelayMs: number;
  private readonly states: VirtualServerState[];
  private readonly probes: SharedProbe[];
  /** Every checker instance in config order, with the probe that feeds it. */
  private readonly instances: { readonly probe: SharedProbe; readonly sub: Subscription }[] = [];
  private readonly plans: CheckerPlanSet;
  private readonly listeners = new Set<CheckerOutputListener>();
  private readonly haSuspendCount = new Map<VirtualServerState, number>();
  private idleWaiters: (() => void)[] = [];
  private running = false;
  private stopped = false;
  /** handOver() is waiting for running probes: their results count, nothing new starts. */
  private handingOver = false;
  private startedCount = 0;
  private inFlight = 0;
  readonly lateness = new LatenessHistogram();

  constructor(
    readonly config: VigilConfig,
    options: CheckerEngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerQueue(this.clock, options.wakeup ?? new SystemWakeupTimer());
    this.runner = options.runner ?? networkProbeRunner;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentCheckerLog;
    this.gate = new ConcurrencyGate(options.probeFdBudget ?? defaultProbeFdBudget());
    this.notifyTimeoutMs = options.notifyTimeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
    this.bootstrapDelayMs = options.bootstrapDelayMs ?? BOOTSTRAP_DELAY_MS;
    this.scripts = new OrderedScriptQueue((key, job, outcome) => this.logScriptOutcome(key, job.label, outcome), options.scriptRunner);

    this.plans = planCheckers(config, {
      users: options.users ?? ScriptUserTable.fromSystem(),
      inspector: options.scriptInspector ?? fsScriptInspector,
      ownIds: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    for (const m of this.plans.messages) this.log[m.level]({}, m.msg);

    const effects: ServiceEffects = {
      log: (level, msg, fields) => this.log[level](fields, msg),
      notify: (r) => this.runNotify(r),
    };
    const now = this.clock.wallMs();
    this.states = config.virtualServers.map((vs, i) => new VirtualServerState(vs, i, this.plans.checkerAlpha[i] ?? [], effects, now, this.plans.checkerFingerprints[i] ?? []));
    const byKey = new Map<string, SharedProbe>();
    for (const plan of this.plans.probes.values()) {
      byKey.set(plan.key, { plan, cycle: new CheckerCycle(plan.cycle), subs: [], cost: plan.spec.kind === 'misc' ? 2 : 1, timer: null, dueAt: 0, lastFailure: null });
    }
    for (const s of this.plans.subscriptions) {
      const vs = this.states[s.vsIndex];
      const probe = byKey.get(s.planKey);
      if (!vs || !probe) continue;
      const sub: Subscription = { vs, rsIndex: s.rsIndex, checkerIndex: s.checkerIndex, enabled: true };
      probe.subs.push(sub);
      this.instances.push({ probe, sub });
    }
    this.probes = [...byKey.values()];
  }

  /**
   * Adds every virtual server's initial state and arms the first probes (spread over warmup).
   * With a `predecessor`, real servers it knew (same virtual server key, same address and
   * port, same checkers) continue from its state without being announced again, and probes
   * it ran continue their retry counting; the rest start fresh. Returns what was carried.
   */
  start(predecessor: CheckerPredecessor | null = null): CheckerCarryOver {
    if (this.running || this.stopped) return NO_CARRY_OVER;
    this.running = true;
    const carried = predecessor ? carryOverCheckerStates(predecessor.virtualServers, this.config, this.plans.checkerFingerprints) : NO_CARRY_OVER;
    const now = this.clock.wallMs();
    for (const st of this.states) {
      // Only a virtual server with an address has a VIP to wait for (fwmark and group ones run).
      const suspended = st.cfg.haSuspend && st.cfg.key.kind === 'address' && (this.haSuspendCount.get(st) ?? 0) === 0;
      st.setCheckersActive(!suspended);
      st.init(now, carried.virtualServers.get(st.configIndex) ?? null);
    }
    for (const { sub } of this.instances) {
      sub.enabled = sub.vs.checkersActive;
      this.log.info({ vs: sub.vs.text, rs: sub.vs.realServerText(sub.rsIndex) }, `${sub.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${sub.vs.realServerText(sub.rsIndex)} for VS ${sub.vs.text}`);
    }
    const monotonicNow = this.clock.monotonicMs();
    for (const p of this.probes) {
      const memory = predecessor?.probes?.get(p.plan.key);
      if (memory) {
        p.cycle.restore(memory.cycle);
        p.lastFailure = memory.lastFailure;
      } else if (predecessor) this.seedFromSubscribers(p);
      if (memory && memory.dueAt !== null) {
        this.schedule(p, Math.max(monotonicNow, memory.dueAt));
        continue;
      }
      const warmup = p.plan.warmupMs > 0 ? p.plan.warmupMs * this.random() : 0;
      this.schedule(p, monotonicNow + this.bootstrapDelayMs + warmup);
    }
    // A new real server sharing a probe that already has a verdict learns it now, before anything is emitted.
    if (predecessor) for (const { probe, sub } of this.instances) if (sub.enabled) this.catchUp(probe, sub);
    for (const st of this.states) this.emitIfDirty(st, true);
    return carried;
  }

  /**
   * Stops probing so that a successor engine can take over (reload): running probes finish
   * and their results still count (bounded by `probeWaitMs`), then the engine returns what the
   * successor continues from. Unlike `stop()`, nothing is shut down: no omega notifiers, no
   * `stopped` event; the real servers stay where they are.
   */
  async handOver(options: { readonly probeWaitMs?: number } = {}): Promise<CheckerPredecessor> {
    if (!this.running) return { virtualServers: this.states.map((s) => s.snapshot()) };
    this.handingOver = true;
    for (const p of this.probes) if (p.timer !== null) this.timers.cancel(p.timer);
    await this.waitForProbes(options.probeWaitMs);
    this.running = false;
    this.stopped = true;
    this.handingOver = false;
    this.timers.clear();
    const probes = new Map<string, ProbeMemory>();
    for (const p of this.probes) probes.set(p.plan.key, { cycle: p.cycle.memory(), dueAt: p.dueAt > 0 ? p.dueAt : null, lastFailure: p.lastFailure });
    for (const st of this.states) st.takeDirty();
    return { virtualServers: this.states.map((s) => s.snapshot()), probes };
  }

  /** Number of probes running now. */
  get probesInFlight(): number {
    return this.inFlight;
  }
  /**
   * Stops probing, waits for running probes, applies keepalived's shutdown (omega notifiers)
   * and emits `stopped`. Waits for queued notify scripts too.
   */
  async stop(options: { readonly probeWaitMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    const wasRunning = this.running;
    this.stopped = true;
    this.running = false;
    this.timers.clear();
    if (!wasRunning) return;
    await this.waitForProbes(options.probeWaitMs);
    this.timers.clear();
    const now = this.clock.wallMs();
    for (const st of this.states) st.shutdown(now);
    const states = this.states.map((s) => s.snapshot());
    for (const st of this.states) st.takeDirty();
    this.emit({ kind: 'stopped', states });
    await this.scripts.drain();
  }

  /**
   * ha_suspend hook (check_api.c update_checker_activity): the VRRP side reports a virtual
   * address appearing on or leaving this host; checkers of ha_suspend virtual servers with
   * that address run only while it is present.
   */
  setVirtualAddressPresent(address: string, present: boolean): void {
    for (const st of this.states) {
      const key = st.cfg.key;
      if (!st.cfg.haSuspend || key.kind !== 'address' || key.address.address !== address) continue;
      const count = Math.max(0, (this.haSuspendCount.get(st) ?? 0) + (present ? 1 : -1));
      this.haSuspendCount.set(st, count);
      if (!this.running) continue;
      const enable = count > 0;
      for (const { probe, sub } of this.instances) {
        if (sub.vs !== st || sub.enabled === enable) continue;
        this.log.info({ vs: st.text, rs: st.realServerText(sub.rsIndex) }, `${enable ? 'Activat' : 'Suspend'}ing healthchecker for service ${st.realServerText(sub.rsIndex)} for VS ${st.text}`);
        sub.enabled = enable;
        if (enable) this.catchUp(probe, sub);
      }
      st.setCheckersActive(enable);
      this.emitIfDirty(st);
    }
  }

  snapshot(): CheckerSnapshot {
    return { takenAt: this.clock.wallMs(), virtualServers: this.states.map((s) => s.snapshot()), probes: this.statistics() };
  }

  subscribe(listener: CheckerOutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  statistics(): ProbeStatistics {
    return {
      distinct: this.probes.length,
      subscriptions: this.plans.subscriptions.length,
      started: this.startedCount,
      inFlight: this.inFlight,
      queued: this.gate.waiting,
    };
  }

  /**
   * Resolves when no probe runs, or after `maxMs` (on this engine's clock) with a warning:
   * a probe that never settles must not hold a reload or a shutdown.
   */
  private async waitForProbes(maxMs: number | undefined): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (deadline !== null) this.timers.cancel(deadline);
        resolve();
      };
      const deadline =
        maxMs === undefined
          ? null
          : this.timers.after(maxMs, () => {
              this.log.warn({ inFlight: this.inFlight }, `Gave up waiting for ${this.inFlight} running health check(s) after ${maxMs} ms`);
              finish();
            });
      this.idleWaiters.push(finish);
    });
  }

  /**
   * A probe with no memory of its own (respawn from a snapshot, or a new probe of a kept real
   * server) starts from the verdict its first subscriber carried, so it does not treat the
   * next failure as a start-up one.
   */
  private seedFromSubscribers(p: SharedProbe): void {
    for (const sub of p.subs) {
      const up = sub.vs.checkerUp(sub.rsIndex, sub.checkerIndex);
      if (up !== null && sub.vs.checkerRan(sub.rsIndex, sub.checkerIndex)) {
        p.cycle.seed(up);
        return;
      }
    }
  }

  // ---- scheduling ----

  private schedule(p: SharedProbe, at: number): void {
    if (!this.running) return;
    p.dueAt = at;
    // Handing over: the successor arms it at this time.
    if (this.handingOver) return;
    p.timer = this.timers.at(at, () => this.due(p));
  }

  private due(p: SharedProbe): void {
    p.timer = null;
    if (!p.subs.some((s) => s.enabled)) {
      this.schedule(p, this.clock.monotonicMs() + p.cycle.skip().nextDelayMs);
      return;
    }
    this.gate.run(p.cost, () => this.launch(p));
  }

  private launch(p: SharedProbe): void {
    if (!this.running || this.handingOver) {
      this.gate.release(p.cost);
      return;
    }
    const startedAt = this.clock.monotonicMs();
    this.lateness.record(startedAt - p.dueAt);
    this.startedCount++;
    this.inFlight++;
    let outcome: Promise<ProbeOutcome>;
    try {
      outcome = this.runner.run(p.plan.spec);
    } catch (err) {
      outcome = Promise.reject(err);
    }
    outcome.then(
      (o) => this.settle(p, o, startedAt),
      (err: unknown) => this.settle(p, { ok: false, reason: 'connect-error', detail: err instanceof Error ? err.message : String(err), exitCode: null }, startedAt),
    );
  }

  private settle(p: SharedProbe, o: ProbeOutcome, startedAt: number): void {
    this.inFlight--;
    this.gate.release(p.cost);
    try {
      if (this.running) this.complete(p, o, startedAt);
    } catch (err) {
      // A bug in the fan-out must not stop this probe for good.
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, `checker for ${p.plan.type} failed to process a result`);
      if (p.timer === null) this.schedule(p, this.clock.monotonicMs() + p.plan.cycle.delayLoopMs);
    } finally {
      if (this.inFlight === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  private complete(p: SharedProbe, o: ProbeOutcome, startedAt: number): void {
    const step = p.cycle.onOutcome(o);
    if (!o.ok) p.lastFailure = o;
    const wall = this.clock.wallMs();
    const active = p.subs.filter((s) => s.enabled);
    const first = active[0];
    if (first) {
      for (const ev of step.logs) {
        const rs = first.vs.realServerText(first.rsIndex);
        const msg = checkerMessage(ev, o, { type: p.plan.type, rs, vs: first.vs.text, program: p.plan.spec.kind === 'misc' ? (p.plan.spec.argv[0] ?? '') : '', urlCheck: urlCheckOf(p.plan) });
        this.log.info({ rs, vs: first.vs.text, checker: p.plan.type, ...(active.length > 1 ? { sharedBy: active.length } : {}), ...(o.ok ? {} : { reason: o.reason, detail: o.detail }) }, msg);
      }
    }
    for (const s of active) {
      s.vs.recordCheck(s.rsIndex, wall);
      if (step.weightExitCode !== null) s.vs.checkerExitCode(s.rsIndex, s.checkerIndex, step.weightExitCode, wall);
      if (step.weightReset) s.vs.checkerWeightReset(s.rsIndex, s.checkerIndex);
      if (step.report !== null) s.vs.checkerReport(s.rsIndex, s.checkerIndex, step.report, o.ok ? null : o.reason, wall);
    }
    for (const s of active) this.emitIfDirty(s.vs);
    this.schedule(p, (step.fromStart ? startedAt : this.clock.monotonicMs()) + step.nextDelayMs);
  }

  /** A re-activated subscriber missed transitions while suspended: give it the probe's current verdict. */
  private catchUp(p: SharedProbe, sub: Subscription): void {
    if (!p.cycle.hasRun || sub.vs.checkerUp(sub.rsIndex, sub.checkerIndex) === p.cycle.isUp) return;
    const reason = p.lastFailure && !p.lastFailure.ok ? p.lastFailure.reason : null;
    sub.vs.checkerReport(sub.rsIndex, sub.checkerIndex, p.cycle.isUp, p.cycle.isUp ? null : reason, this.clock.wallMs());
  }

  // ---- output ----

  private emitIfDirty(st: VirtualServerState, force = false): void {
    if (!st.takeDirty() && !force) return;
    this.emit({ kind: 'virtual-server', state: st.snapshot() });
  }

  private emit(e: CheckerOutputEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'checker output listener failed');
      }
    }
  }

  // ---- notify scripts ----

  private runNotify(r: NotifyRequest): void {
    const resolved: ResolvedScript | null | undefined = this.plans.notifyScripts.get(r.command);
    if (!resolved) return;
    const target = r.rs ? `service ${r.rs} in VS ${r.vs}` : `VS ${r.vs}`;
    this.log.info({ vs: r.vs, ...(r.rs ? { rs: r.rs } : {}), script: r.kind }, `Executing [${r.command.command}] for ${target}`);
    void this.scripts.enqueue(r.queueKey, { argv: resolved.argv, uid: resolved.uid, gid: resolved.gid, timeoutMs: this.notifyTimeoutMs, label: `${r.kind} [${r.command.command}] for ${target}` });
  }

  private logScriptOutcome(queueKey: string, label: string, o: ScriptOutcome): void {
    const fields = { queue: queueKey, durationMs: Math.round(o.durationMs) };
    if (o.kind === 'exited' && o.code === 0) this.log.info(fields, `${label} finished`);
    else if (o.kind === 'exited') this.log.warn({ ...fields, exitCode: o.code }, `${label} exited with status ${o.code}`);
    else if (o.kind === 'signaled') this.log.warn({ ...fields, signal: o.signal }, `${label} ${o.timedOut ? 'timed out and was killed' : `died of ${o.signal}`}`);
    else this.log.warn(fields, `${label} could not start: ${o.error}`);
  }
}

/** check_http.c http_handle_response: what the success line names for the (last) url. */
function urlCheckOf(plan: ProbePlan): { what: string; path: string } | undefined {
  if (plan.spec.kind !== 'http') return undefined;
  const u = plan.spec.urls.at(-1);
  if (!u) return undefined;
  return { what: u.regex !== null ? 'Regex match' : u.digest !== null ? 'MD5 digest' : 'HTTP status code', path: u.path };
}

export type { VirtualServerDesiredState };
