/**
 * VRRP timer arithmetic, computed the way keepalived 2.2.7 computes it (include/vrrp.h
 * `VRRP_TIMER_SKEW_CALC`, `VRRP_MS_DOWN_TIMER`): in integer microseconds, every division
 * truncating toward zero.
 *
 * RFC 3768 §6.1 (v2): Skew_Time = (256 - Priority) / 256 seconds — independent of the interval.
 * RFC 5798 §6.1 (v3): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 centiseconds.
 * Both: Master_Down_Interval = 3 * interval + Skew_Time (v3 uses Master_Adver_Interval, the
 * interval learned from the master). keepalived makes the 3 configurable (`down_timer_adverts`).
 *
 * keepalived evaluates v3 as ((256 - p) * cs * 625) / 16 µs: 625/16 = 10000/256, reduced so the
 * product fits a uint32. The RFC's own integer centiseconds would truncate more (60.9375 cs →
 * 60 cs for priority 100 at 1 s); we follow keepalived so both daemons time out together.
 *
 * The machine's actions carry milliseconds with the microseconds kept as a fraction
 * (`usToMs`): the VRRP child's wake-up is an absolute CLOCK_MONOTONIC timerfd deadline in
 * nanoseconds, so 3609.375 ms is honoured as such instead of being rounded up to 3610 ms
 * (0.625 ms of failover for VRRPv2 at priority 100). The setTimeout fallback rounds up
 * itself, so no path fires before the interval the RFC requires.
 */

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_CENTISECOND = 10_000;

/** keepalived VRRP_DOWN_TIMER_ADVERTS; RFC 3768 §6.1 / RFC 5798 §6.1 use 3. */
export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

/** Skew_Time in microseconds for `priority` (1..255). `masterAdverIntervalCs` only matters for v3. */
export function skewTimeUs(version: 2 | 3, priority: number, masterAdverIntervalCs: number): number {
  const weight = 256 - priority;
  if (version === 3) {
    // (256 - p) * MAI_cs * 10000 / 256, as keepalived reduces it: * 625 / 16.
    return Math.trunc((weight * masterAdverIntervalCs * 625) / 16);
  }
  // (256 - p) * 1 s / 256.
  return Math.trunc((weight * MICROS_PER_SECOND) / 256);
}

/** Master_Down_Interval in microseconds: downTimerAdverts * interval + Skew_Time. */
export function masterDownIntervalUs(
  version: 2 | 3,
  priority: number,
  masterAdverIntervalCs: number,
  downTimerAdverts: number = DEFAULT_DOWN_TIMER_ADVERTS,
): number {
  return downTimerAdverts * masterAdverIntervalCs * MICROS_PER_CENTISECOND + skewTimeUs(version, priority, masterAdverIntervalCs);
}

/** Milliseconds for a timer action, exact (a whole number of microseconds as a fraction). */
export function usToMs(us: number): number {
  return us / 1000;
}

export function centisecondsToMs(cs: number): number {
  return cs * 10;
}
