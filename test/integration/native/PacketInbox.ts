/**
 * Collects what a socket listener receives so a test can await "the next packet that
 * matches". The wait is bounded: a packet that never comes fails the test with a
 * description instead of hanging it. Nothing here measures time.
 */
export class PacketInbox<M> {
  private readonly received: { data: Buffer; meta: M }[] = [];
  private readonly waiters = new Set<() => void>();

  /** Use as the socket's packet listener: `socket.onPacket(inbox.listener)`. */
  readonly listener = (data: Buffer, meta: M): void => {
    this.received.push({ data, meta });
    for (const w of [...this.waiters]) w();
  };

  get all(): readonly { data: Buffer; meta: M }[] {
    return this.received;
  }

  /**
   * Resolves with the first packet, in arrival order from the start, that satisfies
   * `match` and has not been taken before; everything before it is discarded.
   */
  next(match: (data: Buffer, meta: M) => boolean, description: string, timeoutMs = 10_000): Promise<{ data: Buffer; meta: M }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.received.findIndex((p) => match(p.data, p.meta));
        if (index < 0) return false;
        const [found] = this.received.splice(0, index + 1).slice(-1);
        if (found === undefined) return false;
        resolve(found);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no packet arrived for: ${description} (saw ${this.received.length} others)`));
      }, timeoutMs);
      const waiter = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
        }
      };
      this.waiters.add(waiter);
    });
  }

  /** Drops everything received so far. */
  clear(): void {
    this.received.length = 0;
  }
}
