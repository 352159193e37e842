import type { VigilError } from '../../core/VigilError.js';

export type PacketListener<M> = (data: Buffer, meta: M) => void;
export type IoErrorListener = (error: VigilError) => void;

/**
 * The listeners of one socket. Receiving is armed while at least one packet listener is
 * registered, so a socket nobody reads from does not keep the event loop busy.
 * Receive errors with no error listener are kept as `lastError` (and counted) rather than
 * thrown from inside the event loop.
 */
export class PacketListeners<M> {
  private readonly packets = new Set<PacketListener<M>>();
  private readonly errors = new Set<IoErrorListener>();
  private errorCount = 0;
  private lastErrorSeen: VigilError | undefined;

  constructor(private readonly onActiveChange: (active: boolean) => void) {}

  /** Registers `listener`; returns the function that removes it. */
  addPacketListener(listener: PacketListener<M>): () => void {
    const wasActive = this.packets.size > 0;
    this.packets.add(listener);
    if (!wasActive) {
      try {
        this.onActiveChange(true);
      } catch (e) {
        this.packets.delete(listener);
        throw e;
      }
    }
    return () => {
      if (this.packets.delete(listener) && this.packets.size === 0) this.onActiveChange(false);
    };
  }

  addErrorListener(listener: IoErrorListener): () => void {
    this.errors.add(listener);
    return () => {
      this.errors.delete(listener);
    };
  }

  emitPacket(data: Buffer, meta: M): void {
    for (const l of [...this.packets]) l(data, meta);
  }

  emitError(error: VigilError): void {
    this.errorCount++;
    this.lastErrorSeen = error;
    for (const l of [...this.errors]) l(error);
  }

  clear(): void {
    this.packets.clear();
    this.errors.clear();
  }

  get receiveErrors(): number {
    return this.errorCount;
  }

  get lastError(): VigilError | undefined {
    return this.lastErrorSeen;
  }
}
