import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../../../src/checker/time/TimerQueue.js';
import { VirtualTime } from '../../../../src/checker/time/VirtualTime.js';

describe('TimerQueue', () => {
  it('fires in deadline order, ties in insertion order, each at its own time', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    const fired: string[] = [];
    q.at(300, () => fired.push(`c@${t.monotonicMs()}`));
    q.at(100, () => fired.push(`a@${t.monotonicMs()}`));
    q.at(100, () => fired.push(`b@${t.monotonicMs()}`));
    q.at(200, () => fired.push(`x@${t.monotonicMs()}`));
    t.advanceTo(1000);
    expect(fired).toEqual(['a@100', 'b@100', 'x@200', 'c@300']);
  });

  it('keeps a single wake-up armed for the earliest deadline', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    q.at(500, () => undefined);
    expect(t.nextWakeup()).toBe(500);
    q.at(200, () => undefined);
    expect(t.nextWakeup()).toBe(200);
    q.at(900, () => undefined);
    expect(t.nextWakeup()).toBe(200);
  });

  it('cancelled timers never fire and do not hold the wake-up', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    let n = 0;
    const id = q.at(100, () => n++);
    q.at(400, () => n++);
    q.cancel(id);
    expect(q.size).toBe(1);
    expect(q.nextDeadline()).toBe(400);
    t.advanceTo(1000);
    expect(n).toBe(1);
  });

  it('timers added while firing run in the same pass when already due', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    const fired: number[] = [];
    q.at(100, () => {
      fired.push(1);
      q.at(50, () => fired.push(2));
      q.at(150, () => fired.push(3));
    });
    t.advanceTo(120);
    expect(fired).toEqual([1, 2]);
    t.advanceTo(200);
    expect(fired).toEqual([1, 2, 3]);
  });

  it('handles many timers (heap order under random inserts)', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    const got: number[] = [];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const at = seed % 100_000;
      q.at(at, () => got.push(at));
    }
    t.advanceTo(100_000);
    expect(got).toHaveLength(5000);
    expect(got.every((v, i) => i === 0 || (got[i - 1] as number) <= v)).toBe(true);
  });

  it('clear() cancels everything', () => {
    const t = new VirtualTime();
    const q = new TimerQueue(t, t);
    let n = 0;
    q.at(10, () => n++);
    q.clear();
    t.advanceTo(100);
    expect(n).toBe(0);
    expect(t.nextWakeup()).toBeNull();
  });
});
