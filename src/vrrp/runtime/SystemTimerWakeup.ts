import { debuglog } from 'node:util';
import { isVigilError } from '../../core/VigilError.js';
import { loadVigilNet } from '../io/VigilNetBinding.js';
import type { MonotonicClock } from './MonotonicClock.js';
import { NativeTimerWakeup, type MonotonicNanosClock, type NativeTimerFailure, type TimerFdSource } from './NativeTimerWakeup.js';
import type { TimerWakeup } from './TimerWakeup.js';
import type { VrrpLog } from './VrrpLog.js';

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

export type TimerWakeupLog = Pick<VrrpLog, 'debug' | 'warn'>;

/** Without the daemon's logger: `NODE_DEBUG=vigil-timer` shows these lines. */
const NODE_DEBUG_LOG: TimerWakeupLog = (() => {
  const write = debuglog('vigil-timer');
  const line = (fields: Record<string, unknown>, message: string): void => write('%s %j', message, fields);
  return { debug: line, warn: line };
})();

export interface SystemTimerWakeupOptions {
  /** Node's timers by default: the fallback path. */
  readonly timeouts?: TimeoutFunctions;
  /** The addon's timerfd; `null` forces the setTimeout path. Default: vigil_net when it loads. */
  readonly timerFd?: TimerFdSource | null;
  /** CLOCK_MONOTONIC in nanoseconds for timerfd deadlines (default `process.hrtime.bigint()`). */
  readonly monotonicNs?: MonotonicNanosClock;
  readonly log?: TimerWakeupLog;
}

export type TimerWakeupMechanism = 'timerfd' | 'setTimeout';

/**
 * Below this much time to go, the setTimeout path polls once per event-loop turn instead
 * of arming a timer. Node timers have millisecond granularity and measure from the loop's
 * cached time, which lags the monotonic clock by however long the current turn has run,
 * so a timeout may end up to ~1 ms early or late; re-arming a 1 ms timeout after an early
 * wake-up would add a whole extra millisecond to every Master_Down_Timer.
 */
const SPIN_BELOW_MS = 2;

/** The addon's timer functions, or null (with the reason logged) when it cannot be loaded. */
function addonTimerFdSource(log: TimerWakeupLog): TimerFdSource | null {
  try {
    return loadVigilNet();
  } catch (e) {
    const code = isVigilError(e) ? e.code : 'NATIVE_ADDON_LOAD_FAILED';
    log.debug({ code, reason: (e as Error).message }, 'vigil_net not loaded: VRRP timers use setTimeout (millisecond resolution)');
    return null;
  }
}

/**
 * The daemon's wake-up for the engine's earliest timer. With the vigil_net addon it is a
 * timerfd (`NativeTimerWakeup`: nanosecond deadlines on CLOCK_MONOTONIC, the clock
 * `performance.now()` reads). Without it, or should the timerfd fail, it is one
 * `setTimeout` for the earliest due time, the delay always recomputed from the absolute
 * due time on the monotonic clock so lateness never accumulates, and the last millisecond
 * or two covered by polling each loop turn. Either way it never wakes before the due time
 * (a Master_Down_Timer must not expire early).
 */
export class SystemTimerWakeup implements TimerWakeup {
  private precise: NativeTimerWakeup | undefined;
  private readonly timeouts: TimeoutFunctions;
  private readonly log: TimerWakeupLog;
  private due: number | undefined;
  private timeout: unknown;
  private immediate: unknown;
  private closed = false;

  constructor(
    private readonly clock: MonotonicClock,
    private readonly onWake: () => void,
    options: SystemTimerWakeupOptions = {},
  ) {
    this.timeouts = options.timeouts ?? NODE_TIMEOUTS;
    this.log = options.log ?? NODE_DEBUG_LOG;
    const source = options.timerFd === undefined ? addonTimerFdSource(this.log) : options.timerFd;
    if (source === null) return;
    const opened = NativeTimerWakeup.open(clock, onWake, (failure) => this.timerFdFailed(failure), source, options.monotonicNs);
    if (opened.ok) {
      this.precise = opened.wakeup;
    } else {
      this.log.debug({ errno: opened.errno, syscall: 'timerfd_create' }, 'no timerfd: VRRP timers use setTimeout (millisecond resolution)');
    }
  }

  get mechanism(): TimerWakeupMechanism {
    return this.precise !== undefined ? 'timerfd' : 'setTimeout';
  }

  wakeAt(dueMs: number | undefined): void {
    if (this.closed) return;
    if (this.precise !== undefined) {
      this.precise.wakeAt(dueMs);
      return;
    }
    if (dueMs === this.due && (this.timeout !== undefined || this.immediate !== undefined)) return;
    this.disarm();
    this.due = dueMs;
    if (dueMs !== undefined) this.arm();
  }

  close(): void {
    this.closed = true;
    this.precise?.close();
    this.precise = undefined;
    this.disarm();
    this.due = undefined;
  }

  /** The timerfd gave up (it has closed itself): the setTimeout path takes over its due time. */
  private timerFdFailed(failure: NativeTimerFailure): void {
    this.precise = undefined;
    this.log.warn({ errno: failure.errno, syscall: failure.syscall }, 'timerfd failed: VRRP timers use setTimeout from now on');
    if (failure.pendingDueMs !== undefined) this.wakeAt(failure.pendingDueMs);
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
