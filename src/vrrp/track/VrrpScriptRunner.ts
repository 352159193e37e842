import type { ScriptOutcome } from '../../checker/script/ScriptProcess.js';
import type { VrrpLog } from '../runtime/VrrpLog.js';
import { ScriptHealth } from './ScriptHealth.js';
import type { TrackedStatus } from './TrackedStatus.js';

/** One run of a `vrrp_script` child: argv, identity and hard timeout. */
export interface ScriptRunRequest {
  readonly argv: readonly string[];
  readonly uid: number | null;
  readonly gid: number | null;
  readonly timeoutMs: number;
}

/** Runs a script to completion (process group killed on timeout); `runScript` from src/checker fits. */
export type ScriptExecutor = (request: ScriptRunRequest) => Promise<ScriptOutcome>;

/** Schedules one callback; returns its cancel function. Injected so tests need no real time. */
export type DelayScheduler = (delayMs: number, callback: () => void) => () => void;

export const SYSTEM_DELAY_SCHEDULER: DelayScheduler = (delayMs, callback) => {
  const handle = setTimeout(callback, delayMs);
  return () => clearTimeout(handle);
};

export interface VrrpScriptRunnerOptions {
  readonly name: string;
  readonly argv: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
  /** Resolved `user` (or the global script_user); null runs as ourselves. */
  readonly uid: number | null;
  readonly gid: number | null;
  readonly execute: ScriptExecutor;
  readonly schedule?: DelayScheduler;
  readonly nowMs?: () => number;
  readonly log: VrrpLog;
}

/**
 * Runs one `vrrp_script` every `interval`, never two at once, each as a child process in
 * its own process group with a hard timeout (the group is killed when it overruns, see
 * `runScript`), so a hung script never blocks the event loop or piles up children. Each
 * exit status feeds `ScriptHealth` (rise/fall); a change of verdict is reported to the
 * listener. A run that times out or is killed counts as a failure, as in keepalived.
 */
export class VrrpScriptRunner {
  readonly name: string;
  private readonly health: ScriptHealth;
  private readonly schedule: DelayScheduler;
  private readonly now: () => number;
  private readonly listeners = new Set<(status: TrackedStatus) => void>();
  private cancelNext: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private runs = 0;

  constructor(private readonly options: VrrpScriptRunnerOptions) {
    this.name = options.name;
    this.health = new ScriptHealth(options.rise, options.fall, options.initFail);
    this.schedule = options.schedule ?? SYSTEM_DELAY_SCHEDULER;
    this.now = options.nowMs ?? (() => performance.now());
  }

  get status(): TrackedStatus {
    return this.health.status;
  }

  /** Completed runs so far. */
  get completedRuns(): number {
    return this.runs;
  }

  onStatusChange(listener: (status: TrackedStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts at once (keepalived runs every script right after start-up), then every interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.cancelNext = this.schedule(0, () => this.runOnce());
  }

  /** Stops scheduling; resolves when a run in progress has finished (its timeout bounds that). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelNext?.();
    this.cancelNext = undefined;
    await this.running;
  }

  private runOnce(): void {
    this.cancelNext = undefined;
    if (this.stopped) return;
    const started = this.now();
    this.running = this.runAndRecord().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      // The next run starts one interval after this one started, or at once if it overran.
      const wait = Math.max(0, this.options.intervalMs - (this.now() - started));
      this.cancelNext = this.schedule(wait, () => this.runOnce());
    });
  }

  private async runAndRecord(): Promise<void> {
    const { argv, uid, gid, timeoutMs, log, name } = this.options;
    let outcome: ScriptOutcome;
    try {
      outcome = await this.options.execute({ argv, uid, gid, timeoutMs });
    } catch (e) {
      outcome = { kind: 'spawn-failed', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    this.runs++;
    if (this.stopped) return;
    const success = outcome.kind === 'exited' && outcome.code === 0;
    const fields = { script: name, outcome: outcome.kind, ...outcomeFields(outcome) };
    if (outcome.kind === 'signaled' && outcome.timedOut) log.info(fields, `VRRP_Script(${name}) timed out`);
    else if (outcome.kind === 'spawn-failed') log.warn(fields, `VRRP_Script(${name}) cannot be run: ${outcome.error}`);
    else log.debug(fields, `VRRP_Script(${name}) ${success ? 'succeeded' : 'failed'} (run ${this.runs})`);
    const change = this.health.record(success);
    if (change === null) return;
    log.info(fields, `VRRP_Script(${name}) ${change}`);
    const status = this.health.status;
    for (const listener of [...this.listeners]) {
      try {
        listener(status);
      } catch (e) {
        log.error({ script: name, error: e instanceof Error ? e.message : String(e) }, `VRRP_Script(${name}) status listener failed`);
      }
    }
  }
}

function outcomeFields(outcome: ScriptOutcome): Record<string, unknown> {
  switch (outcome.kind) {
    case 'exited':
      return { code: outcome.code, durationMs: Math.round(outcome.durationMs) };
    case 'signaled':
      return { signal: outcome.signal, timedOut: outcome.timedOut, durationMs: Math.round(outcome.durationMs) };
    case 'spawn-failed':
      return { error: outcome.error };
  }
}
