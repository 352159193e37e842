import { isParentMessage, type ChildMessage, type ParentMessage } from './ChildMessages.js';

/**
 * The child's end of the fork channel. Sending never throws: once the parent is gone the
 * child is shutting down anyway (see `onParentGone`), and a lost status message is harmless.
 */
export class ParentChannel {
  constructor(private readonly proc: NodeJS.Process = process) {}

  get connected(): boolean {
    return typeof this.proc.send === 'function' && this.proc.connected;
  }

  send(message: ChildMessage): void {
    if (!this.connected) return;
    try {
      this.proc.send?.(message, undefined, {}, () => undefined);
    } catch {
      // EPIPE / channel closed: the parent died; `disconnect` follows.
    }
  }

  onMessage(listener: (message: ParentMessage) => void, onInvalid: (value: unknown) => void): () => void {
    const handler = (value: unknown): void => {
      if (isParentMessage(value)) listener(value);
      else onInvalid(value);
    };
    this.proc.on('message', handler);
    return () => this.proc.off('message', handler);
  }

  /** The parent exited (even with SIGKILL): the channel's socket closed. */
  onParentGone(listener: () => void): void {
    this.proc.once('disconnect', listener);
  }
}
