import { describe, expect, it } from 'vitest';
import { InstanceStateBoard } from '../../../src/lab/InstanceStateBoard.js';

const board = (): InstanceStateBoard => {
  const b = new InstanceStateBoard(['d1', 'd2'], ['FRONT', 'BACK']);
  b.markStarted('d1');
  b.markStarted('d2');
  return b;
};

const all = (b: InstanceStateBoard, d: string, to: 'MASTER' | 'BACKUP', t: number): void => {
  b.recordTransition(d, 'FRONT', to, t);
  b.recordTransition(d, 'BACK', to, t);
};

describe('InstanceStateBoard', () => {
  it('starts DOWN, then INIT once a director is started', () => {
    const b = new InstanceStateBoard(['d1'], ['FRONT']);
    expect(b.state('d1', 'FRONT')).toBe('DOWN');
    b.markStarted('d1');
    expect(b.state('d1', 'FRONT')).toBe('INIT');
  });

  it('knows the sole master only when the other director is BACKUP of every instance', () => {
    const b = board();
    all(b, 'd1', 'BACKUP', 0);
    all(b, 'd2', 'BACKUP', 0);
    b.recordTransition('d1', 'BACK', 'MASTER', 3_500);
    expect(b.isSoleMaster('d1')).toBe(false);
    b.recordTransition('d1', 'FRONT', 'MASTER', 3_501);
    expect(b.isSoleMaster('d1')).toBe(true);
    expect(b.mastersOf('FRONT')).toEqual(['d1']);
  });

  it('a killed master stops counting: failover is d2 alone holding everything', () => {
    const b = board();
    all(b, 'd1', 'MASTER', 3_000);
    all(b, 'd2', 'BACKUP', 0);
    b.markDown('d1', 10_000);
    expect(b.state('d1', 'FRONT')).toBe('DOWN');
    expect(b.mastersOf('FRONT')).toEqual([]);
    all(b, 'd2', 'MASTER', 13_600);
    expect(b.holdsAllAlone('d2')).toBe(true);
    expect(b.overlaps(20_000)).toEqual([]);
  });

  it('measures a preemption handover from log times, whatever order the lines are read in', () => {
    const b = board();
    all(b, 'd2', 'MASTER', 1_000);
    // d2's step-down line (t=5_006) is read before d1's takeover line (t=5_000).
    all(b, 'd2', 'BACKUP', 5_006);
    all(b, 'd1', 'MASTER', 5_000);
    const o = b.overlaps(9_000);
    expect(o.map((x) => [x.instance, x.durationMs])).toEqual([
      ['FRONT', 6],
      ['BACK', 6],
    ]);
    expect(b.isSoleMaster('d1')).toBe(true);
  });

  it('reports a split brain that is still going on, measured up to now', () => {
    const b = board();
    all(b, 'd1', 'MASTER', 1_000);
    all(b, 'd2', 'MASTER', 2_000);
    const o = b.overlaps(7_000);
    expect(o).toHaveLength(2);
    expect(o[0]).toMatchObject({ directors: ['d1', 'd2'], startMs: 2_000, durationMs: 5_000 });
  });
});
