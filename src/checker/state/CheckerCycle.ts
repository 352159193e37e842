import type { ProbeOutcome } from '../probe/ProbeOutcome.js';

export type CycleKind = 'tcp' | 'http' | 'misc';

export interface CycleSettings {
  readonly kind: CycleKind;
  readonly retry: number;
  readonly delayLoopMs: number;
  readonly delayBeforeRetryMs: number;
  /** Start as failed until the first success. */
  readonly alpha: boolean;
  /** HTTP fast_recovery: no delay_loop wait while recovering. */
  readonly fastRecovery: boolean;
  /** log_all_failures: log every failed attempt while the checker is up. */
  readonly logAllFailures: boolean;
}

/** Checker-level log line to print (the engine formats it with the service text). */
export type CheckerLogEvent =
  | { readonly kind: 'success' }
  /** HTTP: a url answered correctly while the checker is down ("HTTP status code success to ..."). */
  | { readonly kind: 'url-success' }
  /** The checker goes down; `retries` > 0 prints "... failed after N retries." */
  | { readonly kind: 'failed'; readonly retries: number }
  /** One failed attempt (log_all_failures); `attempt` counts the failures so far (retry_it). */
  | { readonly kind: 'attempt-failed'; readonly attempt: number; readonly retry: number };

export interface CycleStep {
  /** keepalived's update_svr_checker_state(alive): tell the real server(s), or `null`. */
  readonly report: boolean | null;
  /** Checker-level log lines, in order. */
  readonly logs: readonly CheckerLogEvent[];
  /** Wait before the next probe. */
  readonly nextDelayMs: number;
  /** MISC_CHECK counts the wait from the start of the run, the others from its end. */
  readonly fromStart: boolean;
  /** MISC_CHECK exit status that changed since the last one: weights must be recomputed. */
  readonly weightExitCode: number | null;
  /** MISC_CHECK went down: its weight adjustment is dropped (check_misc.c, no log). */
  readonly weightReset: boolean;
}

/**
 * One checker's retry logic, exactly as keepalived 2.2.7 runs it (check_tcp.c tcp_epilog,
 * check_http.c epilog/timeout_epilog, check_misc.c misc_check_child_thread), fed with probe
 * outcomes instead of socket events:
 *
 * - At start every checker has `retry_it = retry` (check_data.c: "For non alpha mode, one
 *   failure is enough initially"): the first failure takes a server down at once.
 * - While up, a failure is retried after delay_before_retry; after `retry` retries (retry + 1
 *   consecutive failures) the checker goes down.
 * - One success brings a TCP or MISC checker up. An HTTP checker that went down must first
 *   re-check the failed url and then all urls (one delay_loop apart unless fast_recovery),
 *   so recovery takes two successful rounds.
 * - `alpha` starts the checker down (check_data.c set_checker_state(checker, false)).
 *
 * Deliberate differences: an HTTP round checks all urls at once (keepalived checks one url per
 * delay_loop while recovering), so multi-url checkers recover sooner; and fast_recovery does
 * not retry a failing url at once (keepalived would spin on a refusing server).
 */
/** What a cycle remembers between probes; a reload hands it to the successor checker. */
export interface CycleMemory {
  readonly up: boolean;
  readonly ran: boolean;
  readonly retryIt: number;
  readonly failedUrl: boolean;
  readonly lastExitCode: number;
}

export class CheckerCycle {
  private up: boolean;
  private ran = false;
  private retryIt: number;
  private failedUrl = false;
  private lastExitCode = 0;

  constructor(readonly settings: CycleSettings) {
    this.up = !settings.alpha;
    this.retryIt = settings.retry;
  }

  get isUp(): boolean {
    return this.up;
  }

  get hasRun(): boolean {
    return this.ran;
  }

  memory(): CycleMemory {
    return { up: this.up, ran: this.ran, retryIt: this.retryIt, failedUrl: this.failedUrl, lastExitCode: this.lastExitCode };
  }

  /** Continues exactly where a predecessor with the same settings stopped (reload). */
  restore(memory: CycleMemory): void {
    this.up = memory.up;
    this.ran = memory.ran;
    this.retryIt = memory.retryIt;
    this.failedUrl = memory.failedUrl;
    this.lastExitCode = memory.lastExitCode;
  }

  /**
   * Starts from a verdict known only from a snapshot (a respawned checker process): the state
   * a checker is in after it settled on `up`. An up checker gets its full retries before going
   * down (not the start-up "one failure is enough"); a down HTTP checker recovers through the
   * failed url first, as after a failure.
   */
  seed(up: boolean): void {
    this.up = up;
    this.ran = true;
    this.retryIt = 0;
    this.failedUrl = !up && this.settings.kind === 'http';
  }

  /** Feeds one probe outcome; returns what to report and when to probe next. */
  onOutcome(o: ProbeOutcome): CycleStep {
    switch (this.settings.kind) {
      case 'tcp':
        return this.tcp(o);
      case 'http':
        return this.http(o);
      case 'misc':
        return this.misc(o);
    }
  }

  /** A suspended checker (ha_suspend) only re-arms its timer (check_tcp.c: `!checker->enabled`). */
  skip(): CycleStep {
    return { report: null, logs: [], nextDelayMs: this.settings.delayLoopMs, fromStart: false, weightExitCode: null, weightReset: false };
  }

  private tcp(o: ProbeOutcome): CycleStep {
    const s = this.settings;
    let report: boolean | null = null;
    let log: CheckerLogEvent | null = !o.ok && this.up && s.logAllFailures ? { kind: 'attempt-failed', attempt: this.retryIt + 1, retry: s.retry } : null;
    let delay: number;
    if (o.ok || this.retryIt >= s.retry) {
      delay = s.delayLoopMs;
      this.retryIt = 0;
      if (o.ok && (!this.up || !this.ran)) {
        log = { kind: 'success' };
        report = true;
      } else if (!o.ok && (this.up || !this.ran)) {
        log = { kind: 'failed', retries: s.retry && this.ran ? s.retry : 0 };
        report = false;
      }
    } else {
      delay = s.delayBeforeRetryMs;
      this.retryIt++;
    }
    this.ran = true;
    if (report !== null) this.up = report;
    return { report, logs: log ? [log] : [], nextDelayMs: delay, fromStart: false, weightExitCode: null, weightReset: false };
  }

  private http(o: ProbeOutcome): CycleStep {
    const s = this.settings;
    let report: boolean | null = null;
    const logs: CheckerLogEvent[] = [];
    let delay: number;
    if (o.ok) {
      this.retryIt = 0;
      if (!this.up) logs.push({ kind: 'url-success' });
      if (this.failedUrl) {
        // The failed url answers again: now every url must pass (check_http.c epilog, failed_url).
        this.failedUrl = false;
      } else if (!this.up || !this.ran) {
        logs.push({ kind: 'success' });
        report = true;
        this.ran = true;
      }
      delay = s.delayLoopMs;
      if (s.fastRecovery && (!this.ran || (!this.up && report === null && !this.failedUrl))) delay = 0;
    } else {
      if (this.up || !this.ran) {
        if (this.up && s.logAllFailures) logs.push({ kind: 'attempt-failed', attempt: this.retryIt + 1, retry: s.retry });
        this.ran = true;
        this.retryIt++;
        if (this.retryIt > s.retry) {
          if (this.up) {
            logs.push({ kind: 'failed', retries: s.retry ? this.retryIt - 1 : 0 });
            report = false;
          }
          this.failedUrl = true;
        }
      }
      // Recovering HTTP checkers wait at least delay_loop between attempts.
      delay = this.failedUrl ? Math.max(s.delayBeforeRetryMs, s.delayLoopMs) : s.delayBeforeRetryMs;
    }
    if (report !== null) this.up = report;
    return { report, logs, nextDelayMs: delay, fromStart: false, weightExitCode: null, weightReset: false };
  }

  private misc(o: ProbeOutcome): CycleStep {
    const s = this.settings;
    let report: boolean | null = null;
    let log: CheckerLogEvent | null = null;
    let weightExitCode: number | null = null;
    let weightReset = false;
    if (o.ok) {
      const code = o.exitCode ?? 0;
      if (code !== this.lastExitCode) {
        weightExitCode = code;
        this.lastExitCode = code;
      }
      if (!this.up || !this.ran) {
        log = { kind: 'success' };
        report = true;
      }
      this.retryIt = 0;
    } else if (this.up || !this.ran) {
      if (this.retryIt < s.retry) {
        this.retryIt++;
        if (s.logAllFailures) log = { kind: 'attempt-failed', attempt: this.retryIt, retry: s.retry };
      } else {
        this.retryIt = 0;
        if (o.exitCode !== null) {
          // Only an exit status (not a signal) drops the weight adjustment (check_misc.c 2.2.7).
          this.lastExitCode = o.exitCode;
          weightReset = true;
        }
        log = { kind: 'failed', retries: s.retry };
        report = false;
      }
    }
    this.ran = true;
    if (report !== null) this.up = report;
    return { report, logs: log ? [log] : [], nextDelayMs: this.retryIt ? s.delayBeforeRetryMs : s.delayLoopMs, fromStart: true, weightExitCode, weightReset };
  }
}
