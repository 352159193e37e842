/**
 * Rate limit for repeated identical warnings and errors (a flapping link, a peer sending
 * bad adverts every second): the first `burst` of a message within `windowMs` are logged,
 * the rest are only counted, and when the window closes one line says how many were
 * held back. Transitions and other info lines are never limited.
 */
export interface RepeatLimitPolicy {
  readonly windowMs: number;
  readonly burst: number;
}

export const DEFAULT_REPEAT_LIMIT: RepeatLimitPolicy = { windowMs: 60_000, burst: 3 };

export interface HeldBack {
  readonly key: string;
  readonly level: number;
  readonly msg: string;
  readonly count: number;
  readonly windowMs: number;
}

interface Window {
  readonly openedAt: number;
  seen: number;
  held: number;
  readonly level: number;
  readonly msg: string;
}

export class RepeatedMessageLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly policy: RepeatLimitPolicy = DEFAULT_REPEAT_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether to write this line now. `closed` lists windows that ended before it (their
   * held-back counts are to be reported first).
   */
  admit(level: number, msg: string): { readonly write: boolean; readonly closed: readonly HeldBack[] } {
    const closed = this.expire();
    const key = `${level}\u0000${msg}`;
    const w = this.windows.get(key);
    if (w === undefined) {
      this.windows.set(key, { openedAt: this.now(), seen: 1, held: 0, level, msg });
      return { write: true, closed };
    }
    w.seen++;
    if (w.seen <= this.policy.burst) return { write: true, closed };
    w.held++;
    return { write: false, closed };
  }

  /** Windows that have ended, removed; call on a timer too so the last summary is not lost. */
  expire(): HeldBack[] {
    const now = this.now();
    const closed: HeldBack[] = [];
    for (const [key, w] of this.windows) {
      if (now - w.openedAt < this.policy.windowMs) continue;
      this.windows.delete(key);
      if (w.held > 0) closed.push({ key, level: w.level, msg: w.msg, count: w.held, windowMs: this.policy.windowMs });
    }
    return closed;
  }

  get tracking(): number {
    return this.windows.size;
  }
}
