import type { RtnlLog } from './RtnlLog.js';

/**
 * Listeners of one kind of event. A listener that throws is logged and skipped: it
 * runs inside a socket callback, where an exception would end the process.
 */
export class ListenerSet<E> {
  private readonly listeners = new Set<(event: E) => void>();

  constructor(
    private readonly what: string,
    private readonly log: RtnlLog,
  ) {}

  /** Registers `listener`; returns the function that removes it. */
  add(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, `Netlink: a ${this.what} listener threw`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
