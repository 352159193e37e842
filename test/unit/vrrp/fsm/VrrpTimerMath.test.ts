import { describe, expect, it } from 'vitest';
import { masterDownIntervalUs, skewTimeUs, usToMs } from '../../../../src/vrrp/fsm/VrrpTimerMath.js';

/*
 * Hand derivations (µs, truncating like keepalived's VRRP_TIMER_SKEW_CALC):
 *
 * v2 — Skew = (256 - p) * 1_000_000 / 256, independent of the interval (RFC 3768 §6.1):
 *   p=1:   255 * 1e6 / 256 = 996093.75 → 996093   MDI(1 s) = 3_000_000 + 996093 = 3_996_093 → 3997 ms
 *   p=100: 156 * 1e6 / 256 = 609375             MDI(1 s) = 3_609_375 → 3610 ms
 *   p=254:   2 * 1e6 / 256 = 7812.5   → 7812     MDI(1 s) = 3_007_812 → 3008 ms
 *   p=255:   1 * 1e6 / 256 = 3906.25  → 3906     MDI(1 s) = 3_003_906 → 3004 ms
 *
 * v3 — Skew = (256 - p) * cs * 625 / 16 (= (256-p) * cs * 10000 / 256, RFC 5798 §6.1):
 *   100 cs gives the same numbers as v2 at 1 s (255*100*625/16 = 996093.75 → 996093 ...).
 *   10 cs:
 *   p=1:   255 * 10 * 625 / 16 = 99609.375 → 99609   MDI = 300_000 + 99609 = 399_609 → 400 ms
 *   p=100: 156 * 10 * 625 / 16 = 60937.5   → 60937   MDI = 360_937 → 361 ms
 *   p=254:   2 * 10 * 625 / 16 = 781.25    → 781     MDI = 300_781 → 301 ms
 *   p=255:   1 * 10 * 625 / 16 = 390.625   → 390     MDI = 300_390 → 301 ms
 */
const cases: { version: 2 | 3; cs: number; priority: number; skew: number; mdi: number }[] = [
  { version: 2, cs: 100, priority: 1, skew: 996_093, mdi: 3_996_093 },
  { version: 2, cs: 100, priority: 100, skew: 609_375, mdi: 3_609_375 },
  { version: 2, cs: 100, priority: 254, skew: 7_812, mdi: 3_007_812 },
  { version: 2, cs: 100, priority: 255, skew: 3_906, mdi: 3_003_906 },
  { version: 3, cs: 100, priority: 1, skew: 996_093, mdi: 3_996_093 },
  { version: 3, cs: 100, priority: 100, skew: 609_375, mdi: 3_609_375 },
  { version: 3, cs: 100, priority: 254, skew: 7_812, mdi: 3_007_812 },
  { version: 3, cs: 100, priority: 255, skew: 3_906, mdi: 3_003_906 },
  { version: 3, cs: 10, priority: 1, skew: 99_609, mdi: 399_609 },
  { version: 3, cs: 10, priority: 100, skew: 60_937, mdi: 360_937 },
  { version: 3, cs: 10, priority: 254, skew: 781, mdi: 300_781 },
  { version: 3, cs: 10, priority: 255, skew: 390, mdi: 300_390 },
];

describe('VRRP timer arithmetic', () => {
  for (const c of cases) {
    it(`v${c.version} ${c.cs} cs priority ${c.priority}: skew ${c.skew} µs, Master_Down_Interval ${c.mdi} µs`, () => {
      expect(skewTimeUs(c.version, c.priority, c.cs)).toBe(c.skew);
      expect(masterDownIntervalUs(c.version, c.priority, c.cs)).toBe(c.mdi);
      // The timer action carries the interval to the microsecond (the timerfd honours it).
      expect(usToMs(masterDownIntervalUs(c.version, c.priority, c.cs)) * 1000).toBe(c.mdi);
    });
  }

  it('v2 skew does not depend on the interval; v3 skew scales with Master_Adver_Interval', () => {
    // v2 at 3 s: 9_000_000 + 609_375.
    expect(masterDownIntervalUs(2, 100, 300)).toBe(9_609_375);
    expect(skewTimeUs(2, 100, 300)).toBe(skewTimeUs(2, 100, 100));
    // v3 at 50 cs (a learned interval): 156 * 50 * 625 / 16 = 304687.5 → 304687; MDI 1_804_687.
    expect(skewTimeUs(3, 100, 50)).toBe(304_687);
    expect(masterDownIntervalUs(3, 100, 50)).toBe(1_804_687);
  });

  it('stays exact at the largest v3 interval (4095 cs) and honours down_timer_adverts', () => {
    // 255 * 4095 * 625 / 16 = 40_790_039.0625 → 40_790_039; 3 * 40.95 s = 122_850_000.
    expect(skewTimeUs(3, 1, 4095)).toBe(40_790_039);
    expect(masterDownIntervalUs(3, 1, 4095)).toBe(163_640_039);
    // down_timer_adverts 1: 1 * 1 s + 609_375.
    expect(masterDownIntervalUs(2, 100, 100, 1)).toBe(1_609_375);
  });

  it('keeps microseconds as a fraction of a millisecond, neither rounded up nor down', () => {
    expect(usToMs(0)).toBe(0);
    expect(usToMs(1)).toBe(0.001);
    expect(usToMs(1000)).toBe(1);
    expect(usToMs(3_609_375)).toBe(3609.375);
  });
});
