import { VigilError } from '../../core/VigilError.js';
import type { ArmedTimer, TimerSet } from './TimerSet.js';

/**
 * A millisecond clock that only moves when told to. `advanceTo` fires the timers of a
 * `TimerSet` that fall due on the way, one at a time in due order, with the clock set to each
 * timer's due time — so a timer armed by a firing timer is honoured in the same advance.
 */
export class VirtualClock {
  private current: number;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  get nowMs(): number {
    return this.current;
  }

  /**
   * Moves to `targetMs`, calling `onExpire` for each timer due at or before it. `onExpire`
   * typically feeds a `timer-expired` event to the owner and applies the resulting actions
   * back to `timers`. `maxFirings` bounds a runaway loop (e.g. a zero-delay timer re-arming).
   */
  advanceTo(targetMs: number, timers: TimerSet, onExpire: (timer: ArmedTimer) => void, maxFirings = 100_000): void {
    if (targetMs < this.current) {
      throw new VigilError('VIRTUAL_CLOCK_BACKWARDS', `cannot move clock back from ${this.current} to ${targetMs} ms`);
    }
    let fired = 0;
    for (let due = timers.takeDue(targetMs); due !== undefined; due = timers.takeDue(targetMs)) {
      if (++fired > maxFirings) {
        throw new VigilError('VIRTUAL_CLOCK_RUNAWAY', `more than ${maxFirings} timers fired before ${targetMs} ms`);
      }
      // A timer armed in the past (delay 0 after the clock moved) still fires "now", never earlier.
      this.current = Math.max(this.current, due.dueMs);
      onExpire(due);
    }
    this.current = targetMs;
  }

  advanceBy(deltaMs: number, timers: TimerSet, onExpire: (timer: ArmedTimer) => void): void {
    this.advanceTo(this.current + deltaMs, timers, onExpire);
  }
}
