import type { VigilError } from '../../core/VigilError.js';
import { isWouldBlock } from './VrrpIoError.js';

/** The one-shot "tell me when I can send again" a non-blocking socket offers. */
export interface WritableNotifier {
  awaitWritable(callback: (error: Error | null) => void): void;
}

/** Sends that hit a full socket buffer this many times in a row give up. */
export const DEFAULT_MAX_SEND_ATTEMPTS = 16;

/**
 * Runs sends one after another, in call order, on a non-blocking socket. A send that
 * fails with EAGAIN waits for the socket to become writable and is retried, so a burst
 * (say, gratuitous ARPs for many addresses) is neither reordered nor dropped for lack of
 * buffer space. Any other error rejects that send only.
 */
export class OrderedSender {
  private tail: Promise<unknown> = Promise.resolve();
  private pendingWait: { reject: (e: Error) => void } | undefined;
  private abortedWith: VigilError | undefined;

  constructor(
    private readonly notifier: WritableNotifier,
    private readonly maxAttempts: number = DEFAULT_MAX_SEND_ATTEMPTS,
  ) {}

  /** Queues `attempt` (one non-blocking send returning bytes sent). */
  send(attempt: () => number): Promise<number> {
    const run = this.tail.then(() => this.attemptUntilSent(attempt));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Rejects the send waiting for writability and every later one with `error`. */
  abort(error: VigilError): void {
    this.abortedWith ??= error;
    const waiting = this.pendingWait;
    this.pendingWait = undefined;
    waiting?.reject(error);
  }

  private async attemptUntilSent(attempt: () => number): Promise<number> {
    for (let tries = 1; ; tries++) {
      if (this.abortedWith !== undefined) throw this.abortedWith;
      try {
        return attempt();
      } catch (e) {
        if (!isWouldBlock(e) || tries >= this.maxAttempts) throw e;
      }
      await this.writable();
    }
  }

  private writable(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingWait = { reject };
      this.notifier.awaitWritable((error) => {
        if (this.pendingWait?.reject !== reject) return; // aborted meanwhile
        this.pendingWait = undefined;
        if (error === null) resolve();
        else reject(error);
      });
    });
  }
}
