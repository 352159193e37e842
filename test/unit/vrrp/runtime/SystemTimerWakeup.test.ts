import { describe, expect, it } from 'vitest';
import { SystemTimerWakeup } from '../../../../src/vrrp/runtime/SystemTimerWakeup.js';
import { FakeTimeouts } from './TimerFakes.js';
import { SerialTaskQueue } from '../../../../src/vrrp/runtime/SerialTaskQueue.js';

describe('SystemTimerWakeup without the addon (setTimeout)', () => {
  it('sleeps until a millisecond before the due time, then polls each loop turn until it is reached', () => {
    const clock = { nowMs: 1000.4 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, { timeouts, timerFd: null });
    wakeup.wakeAt(2000);
    expect(timeouts.armed()).toBe(998); // floor(999.6 - 1)
    clock.nowMs = 1999.1;
    timeouts.fireOnly();
    expect(woken).toBe(0);
    expect(timeouts.armed()).toBe('immediate');
    clock.nowMs = 1999.8;
    timeouts.fireOnly();
    expect(woken).toBe(0);
    clock.nowMs = 2000.05;
    timeouts.fireOnly();
    expect(woken).toBe(1);
    expect(timeouts.pending.size).toBe(0);
  });

  it('never wakes before the due time, even when Node runs the timeout early', () => {
    const clock = { nowMs: 0 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, { timeouts, timerFd: null });
    wakeup.wakeAt(100);
    clock.nowMs = 97; // the loop's cached time lagged: the timeout ran 3 ms early
    timeouts.fireOnly();
    expect(woken).toBe(0);
    expect(timeouts.armed()).toBe(2);
  });

  it('computes each delay from the absolute due time, so lateness does not accumulate', () => {
    const clock = { nowMs: 0 };
    const timeouts = new FakeTimeouts();
    const wakeup = new SystemTimerWakeup(clock, () => undefined, { timeouts, timerFd: null });
    wakeup.wakeAt(1000);
    clock.nowMs = 1007; // woke 7 ms late
    timeouts.fireOnly();
    wakeup.wakeAt(2000); // the next advert is due at 2000 (the engine re-arms from the due time)
    expect(timeouts.armed()).toBe(992);
  });

  it('polls at once for a due time already passed, replaces earlier requests and stops when closed', () => {
    const clock = { nowMs: 50 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, { timeouts, timerFd: null });
    wakeup.wakeAt(10);
    expect(timeouts.armed()).toBe('immediate');
    wakeup.wakeAt(500);
    expect(timeouts.armed()).toBe(449);
    wakeup.wakeAt(undefined);
    expect(timeouts.pending.size).toBe(0);
    wakeup.wakeAt(60);
    wakeup.close();
    expect(timeouts.pending.size).toBe(0);
    wakeup.wakeAt(70);
    expect(timeouts.pending.size).toBe(0);
    expect(woken).toBe(0);
  });
});

describe('SerialTaskQueue', () => {
  it('runs tasks one at a time in order, reports failures and goes on', async () => {
    const failures: string[] = [];
    const queue = new SerialTaskQueue((e, label) => failures.push(`${label}: ${(e as Error).message}`));
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    queue.push('slow', async () => {
      order.push('slow start');
      await gate;
      order.push('slow end');
    });
    queue.push('broken', () => {
      order.push('broken');
      throw new Error('boom');
    });
    queue.push('last', () => {
      order.push('last');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['slow start']);
    expect(queue.pending).toBe(3);
    release();
    await queue.idle();
    expect(order).toEqual(['slow start', 'slow end', 'broken', 'last']);
    expect(failures).toEqual(['broken: boom']);
    expect(queue.pending).toBe(0);
  });
});
