/**
 * When to restart a crashed child. keepalived restarts at once; a child that crashes
 * again straight after starting (a crash loop) would then spin, so consecutive quick
 * crashes back off exponentially, and a child that ran long enough earns a fresh start.
 */
export interface RespawnPolicy {
  /** Delay before the first restart after a healthy run. */
  readonly firstDelayMs: number;
  /** Delay after the second quick crash in a row; doubles with each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A child that ran at least this long was healthy: its crash starts a new series. */
  readonly healthyRunMs: number;
}

export const DEFAULT_RESPAWN_POLICY: RespawnPolicy = { firstDelayMs: 0, baseDelayMs: 500, maxDelayMs: 30_000, healthyRunMs: 60_000 };

export class RespawnBackoff {
  private quickCrashes = 0;

  constructor(private readonly policy: RespawnPolicy = DEFAULT_RESPAWN_POLICY) {}

  /** A child that ran `ranForMs` exited unexpectedly: how long to wait before starting another. */
  nextDelay(ranForMs: number): number {
    if (ranForMs >= this.policy.healthyRunMs) this.quickCrashes = 0;
    this.quickCrashes++;
    if (this.quickCrashes === 1) return this.policy.firstDelayMs;
    return Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (this.quickCrashes - 2));
  }

  /** Consecutive quick crashes so far (for logs and status). */
  get crashesInARow(): number {
    return this.quickCrashes;
  }
}
