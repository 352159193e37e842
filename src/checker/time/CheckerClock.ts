/**
 * The two clocks the checker needs. Monotonic time drives schedules and timeouts (it never
 * jumps when the wall clock is set); wall time only stamps what `vigil status` shows.
 */
export interface CheckerClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
  /** Milliseconds since the Unix epoch. */
  wallMs(): number;
}

export const systemClock: CheckerClock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};
