import { describe, expect, it } from 'vitest';
import { cpuPercentOfOneCore, parseProcStatCpu } from '../../../bench/checkers/ProcessCpuTime.js';

// A real /proc/<pid>/stat line (bash), with utime 7 and stime 4 (fields 14 and 15).
const BASH_STAT =
  '6090 (bash) S 6085 6090 6090 0 -1 4194560 5692 683118 1 80 7 4 3903 670 20 0 1 0 607354 5332992 1017 18446744073709551615 93922950410240 93922951199645 140729971160768 0 0 0 65536 4 1132560123 1 0 0 17 0 0 0 0 0 0 93922951432944 93922951481188 93923860443136 140729971166075 140729971166090 140729971166090 140729971167210 0\n';

describe('parseProcStatCpu', () => {
  it('reads utime and stime (fields 14 and 15 of proc(5))', () => {
    expect(parseProcStatCpu(BASH_STAT)).toEqual({ userTicks: 7, systemTicks: 4 });
  });

  it('counts fields from the last parenthesis, so a comm with spaces and ")" does not shift them', () => {
    const tricky = BASH_STAT.replace('(bash)', '(node ) x (y)');
    expect(parseProcStatCpu(tricky)).toEqual({ userTicks: 7, systemTicks: 4 });
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStatCpu('')).toBeUndefined();
    expect(parseProcStatCpu('12 (x) S 1 2')).toBeUndefined();
  });
});

describe('cpuPercentOfOneCore', () => {
  it('turns ticks (USER_HZ 100) over a wall window into percent of one core', () => {
    // 150 ticks = 1.5 s of CPU over 3 s = 50 % of one core.
    expect(cpuPercentOfOneCore({ userTicks: 100, systemTicks: 50 }, { userTicks: 200, systemTicks: 100 }, 3000)).toBeCloseTo(50);
    // Two busy cores' worth shows above 100 %.
    expect(cpuPercentOfOneCore({ userTicks: 0, systemTicks: 0 }, { userTicks: 150, systemTicks: 50 }, 1000)).toBeCloseTo(200);
  });

  it('is 0 for an empty window rather than dividing by zero', () => {
    expect(cpuPercentOfOneCore({ userTicks: 0, systemTicks: 0 }, { userTicks: 5, systemTicks: 5 }, 0)).toBe(0);
  });
});
