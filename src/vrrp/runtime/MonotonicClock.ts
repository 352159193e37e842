/**
 * A millisecond clock that never goes backwards. `VirtualClock` (src/vrrp/fsm) fits, so
 * unit tests drive the runtime in virtual time; the daemon uses `SYSTEM_MONOTONIC_CLOCK`.
 */
export interface MonotonicClock {
  readonly nowMs: number;
}

/** performance.now(): monotonic, unaffected by wall-clock steps (NTP, settimeofday). */
export const SYSTEM_MONOTONIC_CLOCK: MonotonicClock = {
  get nowMs(): number {
    return performance.now();
  },
};
