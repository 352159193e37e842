/**
 * The one real timer a `TimerQueue` needs: "call me back in about this many milliseconds".
 * Re-arming replaces the previous wake-up. Tests use `VirtualTime` instead.
 */
export interface WakeupTimer {
  arm(delayMs: number, callback: () => void): void;
  disarm(): void;
}

/** `setTimeout`-backed wake-up. Keeps the process alive while armed (the daemon should run). */
export class SystemWakeupTimer implements WakeupTimer {
  private handle: NodeJS.Timeout | null = null;

  arm(delayMs: number, callback: () => void): void {
    this.disarm();
    this.handle = setTimeout(() => {
      this.handle = null;
      callback();
    }, Math.max(0, delayMs));
  }

  disarm(): void {
    if (this.handle !== null) {
      clearTimeout(this.handle);
      this.handle = null;
    }
  }
}
