import type { Action, TimerName } from './Action.js';

/** One armed timer of one owner (an instance name). */
export interface ArmedTimer {
  readonly owner: string;
  readonly timer: TimerName;
  readonly dueMs: number;
  /** Arming order: breaks ties between timers due at the same millisecond. */
  readonly seq: number;
}

/**
 * Turns the machines' `set-timer` / `cancel-timer` actions into due times and hands back the
 * timers that have fallen due, earliest first (ties in arming order), so replays are
 * deterministic. Holds no clock and schedules nothing itself: a test drives it with a
 * `VirtualClock`; the runtime with one real timeout for `nextDue()`.
 */
export class TimerSet {
  private readonly armed = new Map<string, ArmedTimer>();
  private seq = 0;

  /** Applies the timer actions in `actions` (others are ignored), relative to `nowMs`. */
  apply(owner: string, actions: readonly Action[], nowMs: number): void {
    for (const action of actions) {
      if (action.type === 'set-timer') this.arm(owner, action.timer, nowMs + action.delayMs);
      else if (action.type === 'cancel-timer') this.cancel(owner, action.timer);
    }
  }

  /** Arms (or re-arms, replacing) `timer` of `owner`. */
  arm(owner: string, timer: TimerName, dueMs: number): void {
    this.armed.set(key(owner, timer), { owner, timer, dueMs, seq: this.seq++ });
  }

  cancel(owner: string, timer: TimerName): boolean {
    return this.armed.delete(key(owner, timer));
  }

  /** Drops every timer of `owner`. */
  cancelOwner(owner: string): void {
    for (const [k, entry] of this.armed) if (entry.owner === owner) this.armed.delete(k);
  }

  get(owner: string, timer: TimerName): ArmedTimer | undefined {
    return this.armed.get(key(owner, timer));
  }

  get size(): number {
    return this.armed.size;
  }

  /** The earliest armed timer, without removing it. */
  nextDue(): ArmedTimer | undefined {
    let best: ArmedTimer | undefined;
    for (const entry of this.armed.values()) {
      if (best === undefined || entry.dueMs < best.dueMs || (entry.dueMs === best.dueMs && entry.seq < best.seq)) best = entry;
    }
    return best;
  }

  /** Removes and returns the earliest timer due at or before `nowMs`, if any. */
  takeDue(nowMs: number): ArmedTimer | undefined {
    const next = this.nextDue();
    if (next === undefined || next.dueMs > nowMs) return undefined;
    this.armed.delete(key(next.owner, next.timer));
    return next;
  }

  list(): ArmedTimer[] {
    return [...this.armed.values()].sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
  }
}

function key(owner: string, timer: TimerName): string {
  return `${owner}\u0000${timer}`;
}
