import { describe, expect, it } from 'vitest';
import { SystemTimerWakeup, type TimeoutFunctions } from '../../../../src/vrrp/runtime/SystemTimerWakeup.js';
import { SerialTaskQueue } from '../../../../src/vrrp/runtime/SerialTaskQueue.js';

/** A fake setTimeout whose callbacks the test runs, and a clock the test sets. */
class FakeTimeouts implements TimeoutFunctions {
  readonly pending = new Map<number, { callback: () => void; delayMs: number }>();
  private next = 1;
  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.next++;
    this.pending.set(id, { callback, delayMs });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs the only pending callback; returns the delay it had been armed with. */
  fireOnly(): number {
    expect(this.pending.size).toBe(1);
    const [[id, entry]] = [...this.pending] as [[number, { callback: () => void; delayMs: number }]];
    this.pending.delete(id);
    entry.callback();
    return entry.delayMs;
  }
}

describe('SystemTimerWakeup', () => {
  it('arms for the remaining time on the monotonic clock, rounded up', () => {
    const clock = { nowMs: 1000.4 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, timeouts);
    wakeup.wakeAt(2000);
    expect([...timeouts.pending.values()][0]?.delayMs).toBe(1000); // ceil(999.6)
    clock.nowMs = 2000.2;
    timeouts.fireOnly();
    expect(woken).toBe(1);
  });

  it('re-arms instead of waking when the callback runs before the due time', () => {
    const clock = { nowMs: 0 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, timeouts);
    wakeup.wakeAt(100);
    clock.nowMs = 99.3; // Node ran the 100 ms timeout a little early
    timeouts.fireOnly();
    expect(woken).toBe(0);
    expect([...timeouts.pending.values()][0]?.delayMs).toBe(1);
    clock.nowMs = 100;
    timeouts.fireOnly();
    expect(woken).toBe(1);
  });

  it('computes each delay from the absolute due time, so lateness does not accumulate', () => {
    const clock = { nowMs: 0 };
    const timeouts = new FakeTimeouts();
    const wakeup = new SystemTimerWakeup(clock, () => undefined, timeouts);
    wakeup.wakeAt(1000);
    clock.nowMs = 1007; // woke 7 ms late
    timeouts.fireOnly();
    wakeup.wakeAt(2000); // the next advert is due at 2000 (the engine re-arms from the due time)
    expect([...timeouts.pending.values()][0]?.delayMs).toBe(993);
  });

  it('fires at once for a due time already passed, replaces earlier requests and stops when closed', () => {
    const clock = { nowMs: 50 };
    const timeouts = new FakeTimeouts();
    let woken = 0;
    const wakeup = new SystemTimerWakeup(clock, () => woken++, timeouts);
    wakeup.wakeAt(10);
    expect([...timeouts.pending.values()][0]?.delayMs).toBe(0);
    wakeup.wakeAt(500);
    expect(timeouts.pending.size).toBe(1);
    expect([...timeouts.pending.values()][0]?.delayMs).toBe(450);
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
