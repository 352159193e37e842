import type { MonotonicClock } from './MonotonicClock.js';
import type { TimerWakeup } from './TimerWakeup.js';

/** The timer functions used, injectable so the drift correction can be tested. */
export interface TimeoutFunctions {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `callback` on the next turn of the event loop (Node's setImmediate). */
  setImmediate(callback: () => void): unknown;
  clearImmediate(handle: unknown): void;
}

const NODE_TIMEOUTS: TimeoutFunctions = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  clearImmediate: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

/**
 * Below this much time to go, the wake-up polls once per event-loop turn instead of
 * arming a timer. Node timers have millisecond granularity and measure from the loop's
 * cached time, which lags the monotonic clock by however long the current turn has run,
 * so a timeout may end up to ~1 ms early or late; re-arming a 1 ms timeout after an early
 * wake-up would add a whole extra millisecond to every Master_Down_Timer.
 */
const SPIN_BELOW_MS = 2;

/**
 * One `setTimeout` for the earliest due time, with the delay always recomputed from the
 * absolute due time on a monotonic clock, so lateness never accumulates; the last
 * millisecond or two are covered by polling each loop turn, so the wake-up lands within
 * a turn of the due time and never before it (a Master_Down_Timer must not expire early).
 */
export class SystemTimerWakeup implements TimerWakeup {
  private due: number | undefined;
  private timeout: unknown;
  private immediate: unknown;
  private closed = false;

  constructor(
    private readonly clock: MonotonicClock,
    private readonly onWake: () => void,
    private readonly timeouts: TimeoutFunctions = NODE_TIMEOUTS,
  ) {}

  wakeAt(dueMs: number | undefined): void {
    if (this.closed) return;
    if (dueMs === this.due && (this.timeout !== undefined || this.immediate !== undefined)) return;
    this.disarm();
    this.due = dueMs;
    if (dueMs !== undefined) this.arm();
  }

  close(): void {
    this.closed = true;
    this.disarm();
    this.due = undefined;
  }

  private arm(): void {
    const due = this.due;
    if (due === undefined) return;
    const remaining = due - this.clock.nowMs;
    if (remaining < SPIN_BELOW_MS) {
      this.immediate = this.timeouts.setImmediate(() => this.fire());
      return;
    }
    this.timeout = this.timeouts.setTimeout(() => this.fire(), Math.floor(remaining - SPIN_BELOW_MS / 2));
  }

  private disarm(): void {
    if (this.timeout !== undefined) this.timeouts.clearTimeout(this.timeout);
    if (this.immediate !== undefined) this.timeouts.clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
  }

  private fire(): void {
    this.timeout = undefined;
    this.immediate = undefined;
    if (this.closed || this.due === undefined) return;
    if (this.clock.nowMs < this.due) {
      this.arm();
      return;
    }
    this.due = undefined;
    this.onWake();
  }
}
