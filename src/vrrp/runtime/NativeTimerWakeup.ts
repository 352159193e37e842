import type { NativeTimerFd, VigilNetTimerFunctions } from '../io/VigilNetBinding.js';
import type { MonotonicClock } from './MonotonicClock.js';
import type { TimerWakeup } from './TimerWakeup.js';

/** The slice of the vigil_net addon this wake-up needs; tests inject a fake. */
export type TimerFdSource = Pick<VigilNetTimerFunctions, 'openTimerFd'>;

/** Reads CLOCK_MONOTONIC in nanoseconds, the clock timerfd deadlines are on. */
export type MonotonicNanosClock = () => bigint;

/**
 * `process.hrtime.bigint()` is libuv's uv_hrtime(), clock_gettime(CLOCK_MONOTONIC) on Linux
 * (libuv src/unix/linux.c, UV_CLOCK_PRECISE): the timerfd's clock, read without a native call.
 * `performance.now()` (SYSTEM_MONOTONIC_CLOCK) is the same uv_hrtime() minus a fixed origin.
 */
export const HRTIME_MONOTONIC_NS: MonotonicNanosClock = () => process.hrtime.bigint();

const NANOS_PER_MS = 1_000_000;

/**
 * Two CLOCK_MONOTONIC reads further apart than this around one read of the engine's clock
 * mean the thread was preempted in between: read again rather than carry the delay into
 * the deadline. Consecutive reads normally differ by well under a microsecond.
 */
const MAX_CLOCK_READ_GAP_NS = 20_000n;
const CLOCK_READ_ATTEMPTS = 3;

/** Why the timerfd was given up, and the due time still wanted (for the owner's fallback). */
export interface NativeTimerFailure {
  readonly errno: number;
  readonly syscall: 'timerfd_settime' | 'poll';
  readonly pendingDueMs: number | undefined;
}

export type NativeTimerWakeupOpen = { ok: true; wakeup: NativeTimerWakeup } | { ok: false; errno: number };

/**
 * The engine's wake-up on a timerfd: one absolute CLOCK_MONOTONIC deadline in nanoseconds,
 * so a due time of X.3 ms is met at X.3 ms (plus the kernel's and the loop's latency), not
 * at the next whole millisecond of Node's timer list, and without polling each loop turn.
 * It never wakes the engine before the due time on its own clock: the deadline errs late by
 * the few hundred nanoseconds between two clock reads, and an expiry that still finds the
 * clock short of the due time (rounding between the clocks) re-arms instead of waking.
 */
export class NativeTimerWakeup implements TimerWakeup {
  private due: number | undefined;
  private armed = false;
  private closed = false;
  private timer: NativeTimerFd | undefined;

  private constructor(
    private readonly clock: MonotonicClock,
    private readonly onWake: () => void,
    /** Told once of an errno from the timer; the wake-up is closed by then. */
    private readonly onFailure: (failure: NativeTimerFailure) => void,
    private readonly nowNs: MonotonicNanosClock,
  ) {}

  /** Opens the timerfd; `{ ok: false, errno }` when timerfd_create(2) fails (EMFILE...). */
  static open(
    clock: MonotonicClock,
    onWake: () => void,
    onFailure: (failure: NativeTimerFailure) => void,
    source: TimerFdSource,
    nowNs: MonotonicNanosClock = HRTIME_MONOTONIC_NS,
  ): NativeTimerWakeupOpen {
    const wakeup = new NativeTimerWakeup(clock, onWake, onFailure, nowNs);
    const timer = source.openTimerFd((errno, expirations) => wakeup.expired(errno, expirations));
    if (typeof timer === 'number') return { ok: false, errno: timer };
    wakeup.timer = timer;
    return { ok: true, wakeup };
  }

  wakeAt(dueMs: number | undefined): void {
    if (this.closed) return;
    if (dueMs === this.due && this.armed) return;
    this.due = dueMs;
    if (dueMs === undefined) {
      this.disarm();
      return;
    }
    this.arm(dueMs);
  }

  close(): void {
    this.closed = true;
    this.armed = false;
    this.due = undefined;
    this.timer?.close();
  }

  private arm(dueMs: number): void {
    const errno = this.timer?.arm(this.deadlineNs(dueMs)) ?? 0;
    if (errno !== 0) {
      this.fail(errno, 'timerfd_settime');
      return;
    }
    this.armed = true;
  }

  private disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    const errno = this.timer?.disarm() ?? 0;
    if (errno !== 0) this.fail(errno, 'timerfd_settime');
  }

  /**
   * The CLOCK_MONOTONIC instant at which the engine's clock reads `dueMs`. The engine's
   * clock is read between two CLOCK_MONOTONIC reads and the later one is used, so the
   * deadline can only be late (by the gap), never early.
   */
  private deadlineNs(dueMs: number): bigint {
    let best = this.readClocks(dueMs);
    for (let attempt = 1; attempt < CLOCK_READ_ATTEMPTS && best.gapNs > MAX_CLOCK_READ_GAP_NS; attempt++) {
      const again = this.readClocks(dueMs);
      if (again.gapNs < best.gapNs) best = again;
    }
    // A due time already passed becomes "now", which a timerfd reports at once.
    const remainingNs = Math.max(0, Math.ceil(best.remainingMs * NANOS_PER_MS));
    return best.afterNs + BigInt(remainingNs);
  }

  private readClocks(dueMs: number): { remainingMs: number; afterNs: bigint; gapNs: bigint } {
    const beforeNs = this.nowNs();
    const remainingMs = dueMs - this.clock.nowMs;
    const afterNs = this.nowNs();
    return { remainingMs, afterNs, gapNs: afterNs - beforeNs };
  }

  private expired(errno: number, expirations: number): void {
    this.armed = false;
    if (this.closed || this.due === undefined) return;
    if (errno !== 0) {
      this.fail(errno, 'poll');
      return;
    }
    // Short of the due time on the engine's clock (float rounding between the two clocks):
    // a deadline that close is re-armed and reported again within the same loop turn or the next.
    if (expirations < 1 || this.clock.nowMs < this.due) {
      this.arm(this.due);
      return;
    }
    this.due = undefined;
    this.onWake();
  }

  /** Gives up on the timer; the owner takes over the pending due time. */
  private fail(errno: number, syscall: NativeTimerFailure['syscall']): void {
    const pendingDueMs = this.due;
    this.close();
    this.onFailure({ errno, syscall, pendingDueMs });
  }
}
