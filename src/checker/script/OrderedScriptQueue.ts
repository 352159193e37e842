import { runScript, type ScriptOutcome } from './ScriptProcess.js';

/** One script to run, with its own timeout. */
export interface ScriptJob {
  readonly argv: readonly string[];
  readonly uid: number | null;
  readonly gid: number | null;
  readonly timeoutMs: number;
  /** What the script is for, for the log (`notify_up for [198.51.100.11]:tcp:80`). */
  readonly label: string;
}

export type ScriptJobRunner = (job: ScriptJob) => Promise<ScriptOutcome>;
export type ScriptJobListener = (queueKey: string, job: ScriptJob, outcome: ScriptOutcome) => void;

const runJob: ScriptJobRunner = (job) => runScript({ argv: job.argv, uid: job.uid, gid: job.gid, timeoutMs: job.timeoutMs });

/**
 * Runs scripts one at a time per key, in the order they were queued, each awaited (with its
 * timeout) before the next starts; different keys run independently. keepalived fires notify
 * scripts and forgets them, so a slow notify_down can finish after the notify_up that
 * followed it (keepalived issue #996); here it cannot. Generic: the checker keys by real or
 * virtual server, VRRP can key by instance.
 */
export class OrderedScriptQueue {
  private readonly tails = new Map<string, { tail: Promise<void>; count: number }>();
  private total = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly onDone: ScriptJobListener = () => undefined,
    private readonly run: ScriptJobRunner = runJob,
  ) {}

  /** Queues `job` behind the others of `queueKey`; resolves with its outcome. */
  enqueue(queueKey: string, job: ScriptJob): Promise<ScriptOutcome> {
    const slot = this.tails.get(queueKey) ?? { tail: Promise.resolve(), count: 0 };
    const result = slot.tail.then(() => this.runOne(queueKey, job));
    slot.tail = result.then(
      () => this.settled(queueKey),
      () => this.settled(queueKey),
    );
    slot.count++;
    this.total++;
    this.tails.set(queueKey, slot);
    return result;
  }

  /** Jobs queued or running, for one key or for all. */
  pending(queueKey?: string): number {
    return queueKey === undefined ? this.total : (this.tails.get(queueKey)?.count ?? 0);
  }

  /** Resolves when every queued job has finished. */
  drain(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async runOne(queueKey: string, job: ScriptJob): Promise<ScriptOutcome> {
    let outcome: ScriptOutcome;
    try {
      outcome = await this.run(job);
    } catch (err) {
      outcome = { kind: 'spawn-failed', error: err instanceof Error ? err.message : String(err), durationMs: 0 };
    }
    try {
      this.onDone(queueKey, job, outcome);
    } catch {
      // A failing listener must not stall the queue.
    }
    return outcome;
  }

  private settled(queueKey: string): void {
    const slot = this.tails.get(queueKey);
    if (slot && --slot.count === 0) this.tails.delete(queueKey);
    if (--this.total === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
