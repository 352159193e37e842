import type { RtnlTimers } from '../../../../src/netlink/rtnl/RtnlTimers.js';

/** Timers a test fires by hand: nothing runs unless `fire` is called. */
export class ManualTimers implements RtnlTimers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers armed now. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Runs every armed timer whose delay is `ms` (all when omitted). */
  fire(ms?: number): number {
    let count = 0;
    for (const [id, timer] of [...this.pending]) {
      if (ms !== undefined && timer.ms !== ms) continue;
      this.pending.delete(id);
      timer.callback();
      count++;
    }
    return count;
  }
}
