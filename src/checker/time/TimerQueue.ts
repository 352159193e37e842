import type { CheckerClock } from './CheckerClock.js';
import type { WakeupTimer } from './WakeupTimer.js';

export type TimerId = number;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly id: TimerId;
  readonly fire: () => void;
}

/**
 * All checker deadlines in one binary min-heap behind a single real timer, so 10,000
 * schedules cost one `setTimeout` instead of 10,000, and due entries fire in deadline order
 * (ties in insertion order). Cancelling is O(1): the entry is skipped when it surfaces.
 */
export class TimerQueue {
  private readonly heap: Entry[] = [];
  private readonly live = new Set<TimerId>();
  private nextId = 1;
  private nextSeq = 0;
  private armedFor: number | null = null;
  private firing = false;

  constructor(
    private readonly clock: CheckerClock,
    private readonly wakeup: WakeupTimer,
  ) {}

  /** Schedules `fire` at monotonic time `atMs` (or as soon as possible if that has passed). */
  at(atMs: number, fire: () => void): TimerId {
    const id = this.nextId++;
    this.push({ at: atMs, seq: this.nextSeq++, id, fire });
    this.live.add(id);
    this.rearm();
    return id;
  }

  after(delayMs: number, fire: () => void): TimerId {
    return this.at(this.clock.monotonicMs() + delayMs, fire);
  }

  cancel(id: TimerId): void {
    this.live.delete(id);
  }

  /** Number of timers that will still fire. */
  get size(): number {
    return this.live.size;
  }

  /** Monotonic time of the earliest live timer, or `null`. */
  nextDeadline(): number | null {
    this.dropCancelledHead();
    return this.heap[0]?.at ?? null;
  }

  /** Stops the real timer; pending entries stay queued until `resume()`. */
  pause(): void {
    this.wakeup.disarm();
    this.armedFor = null;
  }

  resume(): void {
    this.rearm();
  }

  /** Cancels everything. */
  clear(): void {
    this.heap.length = 0;
    this.live.clear();
    this.pause();
  }

  /** Fires every entry whose deadline has come, in order. Called by the wake-up. */
  runDue(): void {
    if (this.firing) return;
    this.firing = true;
    this.armedFor = null;
    try {
      for (;;) {
        this.dropCancelledHead();
        const head = this.heap[0];
        if (!head || head.at > this.clock.monotonicMs()) break;
        this.pop();
        this.live.delete(head.id);
        head.fire();
      }
    } finally {
      this.firing = false;
      this.rearm();
    }
  }

  private rearm(): void {
    if (this.firing) return;
    const next = this.nextDeadline();
    if (next === null) {
      this.pause();
      return;
    }
    if (this.armedFor !== null && this.armedFor <= next) return;
    this.armedFor = next;
    this.wakeup.arm(next - this.clock.monotonicMs(), () => this.runDue());
  }

  private dropCancelledHead(): void {
    while (this.heap.length > 0 && !this.live.has((this.heap[0] as Entry).id)) this.pop();
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Entry, h[parent] as Entry)) break;
      swap(h, i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || last === undefined) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) break;
      swap(h, i, m);
      i = m;
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function swap(h: Entry[], i: number, j: number): void {
  const t = h[i] as Entry;
  h[i] = h[j] as Entry;
  h[j] = t;
}
