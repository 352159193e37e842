import type { MonotonicClock } from './MonotonicClock.js';
import type { TimerWakeup } from './TimerWakeup.js';

/** The timer functions used, injectable so the drift correction can be tested. */
export interface TimeoutFunctions {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMEOUTS: TimeoutFunctions = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One `setTimeout` for the earliest due time, with the delay always recomputed from the
 * absolute due time on a monotonic clock, so lateness never accumulates. Node rounds
 * delays to whole milliseconds and may run a callback slightly before the monotonic clock
 * reaches the due time; such an early wake-up is re-armed for the remainder rather than
 * firing a VRRP timer early (a Master_Down_Timer must never expire before its interval).
 */
export class SystemTimerWakeup implements TimerWakeup {
  private due: number | undefined;
  private handle: unknown;
  private closed = false;

  constructor(
    private readonly clock: MonotonicClock,
    private readonly onWake: () => void,
    private readonly timeouts: TimeoutFunctions = NODE_TIMEOUTS,
  ) {}

  wakeAt(dueMs: number | undefined): void {
    if (this.closed) return;
    if (dueMs === this.due && this.handle !== undefined) return;
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
    this.handle = this.timeouts.setTimeout(() => this.fire(), remaining <= 0 ? 0 : Math.ceil(remaining));
  }

  private disarm(): void {
    if (this.handle !== undefined) this.timeouts.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private fire(): void {
    this.handle = undefined;
    if (this.closed || this.due === undefined) return;
    if (this.clock.nowMs < this.due) {
      this.arm();
      return;
    }
    this.due = undefined;
    this.onWake();
  }
}
