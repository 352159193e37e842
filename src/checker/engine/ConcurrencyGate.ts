/**
 * A counting semaphore with FIFO waiters: at most `capacity` units (file descriptors) are held
 * by running probes; the rest wait their turn in arrival order.
 */
export class ConcurrencyGate {
  private used = 0;
  private readonly waiters: { cost: number; start: () => void }[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  /** Calls `start` now if `cost` units are free (and nobody waits), else when they are. */
  run(cost: number, start: () => void): void {
    const c = Math.min(cost, this.capacity);
    if (this.waiting === 0 && this.used + c <= this.capacity) {
      this.used += c;
      start();
    } else this.waiters.push({ cost: c, start });
  }

  release(cost: number): void {
    this.used -= Math.min(cost, this.capacity);
    if (this.used < 0) this.used = 0;
    while (this.head < this.waiters.length) {
      const w = this.waiters[this.head] as { cost: number; start: () => void };
      if (this.used + w.cost > this.capacity) break;
      this.head++;
      this.used += w.cost;
      w.start();
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length - this.head;
  }
}
