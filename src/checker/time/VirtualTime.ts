import type { CheckerClock } from './CheckerClock.js';
import type { WakeupTimer } from './WakeupTimer.js';

/**
 * A clock and wake-up timer that only move when told to: tests (and simulations) advance it
 * and every wake-up that falls due runs, in order, at its own instant.
 */
export class VirtualTime implements CheckerClock, WakeupTimer {
  private now: number;
  private pending: { at: number; callback: () => void } | null = null;

  constructor(
    startMs = 0,
    private readonly wallOffsetMs = 1_700_000_000_000,
  ) {
    this.now = startMs;
  }

  monotonicMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallOffsetMs + this.now;
  }

  arm(delayMs: number, callback: () => void): void {
    this.pending = { at: this.now + Math.max(0, delayMs), callback };
  }

  disarm(): void {
    this.pending = null;
  }

  /** Time of the armed wake-up, or `null`. */
  nextWakeup(): number | null {
    return this.pending?.at ?? null;
  }

  /** Moves to `targetMs`, running each wake-up at its own time on the way. */
  advanceTo(targetMs: number): void {
    for (let guard = 0; guard < 10_000_000; guard++) {
      const p = this.pending;
      if (!p || p.at > targetMs) break;
      this.pending = null;
      if (p.at > this.now) this.now = p.at;
      p.callback();
    }
    if (targetMs > this.now) this.now = targetMs;
  }

  advanceBy(deltaMs: number): void {
    this.advanceTo(this.now + deltaMs);
  }
}
