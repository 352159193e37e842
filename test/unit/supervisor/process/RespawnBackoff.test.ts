import { describe, expect, it } from 'vitest';
import { DEFAULT_RESPAWN_POLICY, RespawnBackoff } from '../../../../src/supervisor/process/RespawnBackoff.js';

describe('RespawnBackoff', () => {
  it('restarts at once after a healthy run, then backs off exponentially on a crash loop, capped', () => {
    const b = new RespawnBackoff({ firstDelayMs: 0, baseDelayMs: 500, maxDelayMs: 4_000, healthyRunMs: 60_000 });
    expect([0, 1, 2, 3, 4, 5, 6].map(() => b.nextDelay(100))).toEqual([0, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(b.crashesInARow).toBe(7);
  });

  it('a child that ran long enough starts a new series', () => {
    const b = new RespawnBackoff(DEFAULT_RESPAWN_POLICY);
    b.nextDelay(10);
    b.nextDelay(10);
    expect(b.nextDelay(10)).toBe(1_000);
    expect(b.nextDelay(DEFAULT_RESPAWN_POLICY.healthyRunMs)).toBe(0);
    expect(b.crashesInARow).toBe(1);
    expect(b.nextDelay(DEFAULT_RESPAWN_POLICY.healthyRunMs - 1)).toBe(500);
  });
});
