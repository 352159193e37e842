import { describe, expect, it } from 'vitest';
import { formatSpreadCell, spread } from '../../../bench/failover/FailoverStats.js';

describe('spread', () => {
  it('gives min, median (mean of the middle two for an even count) and max', () => {
    expect(spread([3, 1, 2])).toEqual({ n: 3, min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ n: 4, min: 1, median: 2.5, max: 4 });
    expect(spread([])).toBeUndefined();
  });
});

describe('formatSpreadCell', () => {
  it('prints min / median / max and the run count only when runs were lost', () => {
    expect(formatSpreadCell(spread([61.1, 62.24, 74.4]), 3)).toBe('61.1 / 62.2 / 74.4');
    expect(formatSpreadCell(spread([61.1, 62.24]), 7)).toBe('61.1 / 61.7 / 62.2 (n=2)');
    expect(formatSpreadCell(undefined, 7)).toBe('n/a');
  });
});
