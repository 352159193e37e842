import { expect } from 'vitest';
import type { NativeTimerExpiry, NativeTimerFd } from '../../../../src/vrrp/io/VigilNetBinding.js';
import type { TimerFdSource } from '../../../../src/vrrp/runtime/NativeTimerWakeup.js';
import type { TimeoutFunctions } from '../../../../src/vrrp/runtime/SystemTimerWakeup.js';

/** Fake timers whose callbacks the test runs, and a clock the test sets. */
export class FakeTimeouts implements TimeoutFunctions {
  readonly pending = new Map<number, { callback: () => void; delayMs: number | 'immediate' }>();
  private next = 1;
  setTimeout(callback: () => void, delayMs: number): unknown {
    return this.add(callback, delayMs);
  }
  setImmediate(callback: () => void): unknown {
    return this.add(callback, 'immediate');
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  clearImmediate(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** How the only pending callback was armed: a delay in ms, or 'immediate'. */
  armed(): number | 'immediate' | undefined {
    expect(this.pending.size).toBeLessThanOrEqual(1);
    return [...this.pending.values()][0]?.delayMs;
  }
  /** Runs the only pending callback. */
  fireOnly(): void {
    expect(this.pending.size).toBe(1);
    const [id, entry] = [...this.pending][0] ?? [];
    if (id === undefined || entry === undefined) return;
    this.pending.delete(id);
    entry.callback();
  }
  private add(callback: () => void, delayMs: number | 'immediate'): number {
    const id = this.next++;
    this.pending.set(id, { callback, delayMs });
    return id;
  }
}

/**
 * One time line read two ways, as on Linux: `nowNs` is CLOCK_MONOTONIC (process.hrtime.bigint),
 * `nowMs` the engine's clock (performance.now: the same clock minus the process's origin).
 * `readsNs` counts the nanosecond reads; `onReadNs` lets a test move time between reads.
 */
export class FakeTimeline {
  ns: bigint;
  readsNs = 0;
  onReadNs: ((read: number) => void) | undefined;
  constructor(
    readonly originNs: bigint,
    nowMs: number,
  ) {
    this.ns = originNs + BigInt(Math.round(nowMs * 1e6));
  }
  get nowMs(): number {
    return Number(this.ns - this.originNs) / 1e6;
  }
  setMs(ms: number): void {
    this.ns = this.originNs + BigInt(Math.round(ms * 1e6));
  }
  readonly nowNs = (): bigint => {
    this.readsNs++;
    this.onReadNs?.(this.readsNs);
    return this.ns;
  };
}

/** A timerfd whose expiry the test triggers; arm/disarm answers can be scripted. */
export class FakeTimerFd implements NativeTimerFd {
  readonly deadlines: bigint[] = [];
  disarms = 0;
  closes = 0;
  armed: bigint | undefined;
  armErrno = 0;
  disarmErrno = 0;
  constructor(private readonly onExpiry: NativeTimerExpiry) {}
  get closed(): boolean {
    return this.closes > 0;
  }
  arm(deadlineNs: bigint): number {
    if (this.closed) return 9; // EBADF, as the addon answers
    if (this.armErrno !== 0) return this.armErrno;
    this.deadlines.push(deadlineNs);
    this.armed = deadlineNs;
    return 0;
  }
  disarm(): number {
    this.disarms++;
    this.armed = undefined;
    return this.disarmErrno;
  }
  close(): void {
    this.closes++;
    this.armed = undefined;
  }
  /** The kernel reports the armed deadline as reached (one-shot: it is disarmed). */
  expire(): void {
    expect(this.armed).toBeDefined();
    this.armed = undefined;
    this.onExpiry(0, 1);
  }
  /** An expiry the loop had already collected when the timer was disarmed or closed. */
  expireStale(): void {
    this.onExpiry(0, 1);
  }
  /** The poll on the descriptor failed with `errno`. */
  fail(errno: number): void {
    this.armed = undefined;
    this.onExpiry(errno, 0);
  }
}

/** Hands out FakeTimerFds, or answers `openErrno` as timerfd_create(2) would. */
export class FakeTimerFdSource implements TimerFdSource {
  readonly opened: FakeTimerFd[] = [];
  openErrno = 0;
  openTimerFd(onExpiry: NativeTimerExpiry): NativeTimerFd | number {
    if (this.openErrno !== 0) return this.openErrno;
    const timer = new FakeTimerFd(onExpiry);
    this.opened.push(timer);
    return timer;
  }
  get only(): FakeTimerFd {
    expect(this.opened).toHaveLength(1);
    const [timer] = this.opened;
    if (timer === undefined) throw new Error('no timerfd opened');
    return timer;
  }
}

/** Collects what the wake-up logs. */
export class RecordingLog {
  readonly lines: { level: 'debug' | 'warn'; fields: Record<string, unknown>; message: string }[] = [];
  debug(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'debug', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
}
