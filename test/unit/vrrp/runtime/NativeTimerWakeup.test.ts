import { describe, expect, it } from 'vitest';
import { NativeTimerWakeup } from '../../../../src/vrrp/runtime/NativeTimerWakeup.js';
import { SystemTimerWakeup } from '../../../../src/vrrp/runtime/SystemTimerWakeup.js';
import { FakeTimeline, FakeTimeouts, FakeTimerFdSource, RecordingLog } from './TimerFakes.js';

const ORIGIN_NS = 5_000_000_000_000n; // CLOCK_MONOTONIC when the process started (~83 min uptime)

function setup(nowMs: number) {
  const time = new FakeTimeline(ORIGIN_NS, nowMs);
  const source = new FakeTimerFdSource();
  const timeouts = new FakeTimeouts();
  const log = new RecordingLog();
  const woken: number[] = [];
  const wakeup = new SystemTimerWakeup(time, () => woken.push(time.nowMs), { timerFd: source, monotonicNs: time.nowNs, timeouts, log });
  return { time, source, timeouts, log, woken, wakeup };
}

/** CLOCK_MONOTONIC at engine time `ms`. */
const at = (ms: number): bigint => ORIGIN_NS + BigInt(Math.round(ms * 1e6));

describe('SystemTimerWakeup on a timerfd', () => {
  it('arms one absolute CLOCK_MONOTONIC deadline at the due time, to the nanosecond', () => {
    const { time, source, timeouts, log, wakeup } = setup(1000.4);
    expect(wakeup.mechanism).toBe('timerfd');
    // keepalived's v2 Master_Down_Interval at priority 100: 3609.375 ms after 1000.4 ms.
    wakeup.wakeAt(4609.775);
    expect(source.only.deadlines).toEqual([at(4609.775)]);
    expect(time.readsNs).toBe(2); // one read each side of the engine clock's
    expect(timeouts.pending.size).toBe(0); // no setTimeout, no per-turn polling
    expect(log.lines).toEqual([]);
  });

  it('wakes the engine once, when the timerfd expires', () => {
    const { time, source, woken, wakeup } = setup(0);
    wakeup.wakeAt(60.9375);
    time.setMs(60.94);
    source.only.expire();
    expect(woken).toEqual([60.94]);
    expect(source.only.armed).toBeUndefined();
    expect(source.only.deadlines).toHaveLength(1);
  });

  it('never wakes before the due time: an expiry that finds the clock short re-arms instead', () => {
    const { time, source, woken, wakeup } = setup(0);
    wakeup.wakeAt(100);
    time.setMs(99.999999); // 1 ns short: the two clocks disagree by a rounding step
    source.only.expire();
    expect(woken).toEqual([]);
    expect(source.only.deadlines).toEqual([at(100), at(100)]);
    time.setMs(100);
    source.only.expire();
    expect(woken).toEqual([100]);
  });

  it('arms a due time already passed for "now" (reported on the next loop turn, not inside wakeAt)', () => {
    const { time, source, woken, wakeup } = setup(50);
    wakeup.wakeAt(10);
    expect(woken).toEqual([]);
    expect(source.only.deadlines).toEqual([time.ns]);
    source.only.expire();
    expect(woken).toEqual([50]);
  });

  it('keeps an armed deadline for the same due time, replaces it for another, disarms for none', () => {
    const { source, wakeup } = setup(0);
    wakeup.wakeAt(1000);
    wakeup.wakeAt(1000);
    expect(source.only.deadlines).toEqual([at(1000)]);
    wakeup.wakeAt(300.25);
    expect(source.only.deadlines).toEqual([at(1000), at(300.25)]);
    expect(source.only.armed).toBe(at(300.25));
    wakeup.wakeAt(undefined);
    expect(source.only.armed).toBeUndefined();
    expect(source.only.disarms).toBe(1);
    wakeup.wakeAt(undefined); // nothing armed: no call
    expect(source.only.disarms).toBe(1);
  });

  it('takes the next due time from inside the wake-up callback (the engine re-arms while handling timers)', () => {
    const time = new FakeTimeline(ORIGIN_NS, 0);
    const source = new FakeTimerFdSource();
    const woken: number[] = [];
    const wakeup: SystemTimerWakeup = new SystemTimerWakeup(
      time,
      () => {
        woken.push(time.nowMs);
        wakeup.wakeAt(time.nowMs + 100);
      },
      { timerFd: source, monotonicNs: time.nowNs, timeouts: new FakeTimeouts(), log: new RecordingLog() },
    );
    wakeup.wakeAt(100);
    time.setMs(100.5);
    source.only.expire();
    expect(woken).toEqual([100.5]);
    expect(source.only.armed).toBe(at(200.5));
  });

  it('ignores an expiry collected before a disarm', () => {
    const { source, woken, wakeup } = setup(0);
    wakeup.wakeAt(20);
    wakeup.wakeAt(undefined);
    source.only.expireStale();
    expect(woken).toEqual([]);
  });

  it('computes each deadline from the absolute due time, so lateness does not accumulate', () => {
    const { time, source, woken, wakeup } = setup(0);
    wakeup.wakeAt(1000);
    time.setMs(1007.5); // the loop was busy: woken 7.5 ms late
    source.only.expire();
    wakeup.wakeAt(2000); // the engine re-arms from the due time (DRIFT_CORRECTION_LIMIT_MS)
    expect(woken).toEqual([1007.5]);
    expect(source.only.deadlines).toEqual([at(1000), at(2000)]);
  });

  it('reads the clocks again when preempted between its reads, so the delay is not carried into the deadline', () => {
    const { time, source, wakeup } = setup(0);
    // The first pair of CLOCK_MONOTONIC reads straddles a 4 ms preemption (after the engine
    // clock's read): taken as is, the deadline would be 4 ms late.
    time.onReadNs = (read) => {
      if (read === 2) time.ns += 4_000_000n;
    };
    wakeup.wakeAt(500);
    expect(time.readsNs).toBe(4);
    // The tight second pair: due 500 ms, engine clock 4 ms, CLOCK_MONOTONIC 4 ms.
    expect(source.only.deadlines).toEqual([at(500)]);
  });

  it('errs late, never early, when the engine clock is read later than the CLOCK_MONOTONIC read before it', () => {
    const { time, source, wakeup } = setup(0);
    time.onReadNs = (read) => {
      if (read === 1) time.ns += 300n; // 300 ns pass between each read
      if (read === 2) time.ns += 300n;
    };
    wakeup.wakeAt(10);
    // The engine clock read 0.0003 ms; the deadline is taken from the later read (600 ns).
    expect(source.only.deadlines).toEqual([at(10) + 300n]);
  });

  it('closes the timerfd on close and ignores later requests and expiries', () => {
    const { source, woken, wakeup } = setup(0);
    wakeup.wakeAt(5);
    wakeup.close();
    expect(source.only.closes).toBe(1);
    wakeup.wakeAt(7);
    expect(source.only.deadlines).toEqual([at(5)]);
    source.only.expireStale();
    wakeup.close();
    expect(source.only.closes).toBe(1);
    expect(woken).toEqual([]);
  });
});

describe('SystemTimerWakeup falling back to setTimeout', () => {
  it('uses setTimeout, with a debug line, when timerfd_create fails', () => {
    const time = new FakeTimeline(ORIGIN_NS, 0);
    const source = new FakeTimerFdSource();
    source.openErrno = 24; // EMFILE
    const timeouts = new FakeTimeouts();
    const log = new RecordingLog();
    const wakeup = new SystemTimerWakeup(time, () => undefined, { timerFd: source, monotonicNs: time.nowNs, timeouts, log });
    expect(wakeup.mechanism).toBe('setTimeout');
    wakeup.wakeAt(100);
    expect(timeouts.armed()).toBe(99);
    expect(log.lines).toEqual([
      { level: 'debug', fields: { errno: 24, syscall: 'timerfd_create' }, message: expect.stringContaining('setTimeout') },
    ]);
  });

  it('hands the pending due time to setTimeout when arming the timerfd fails', () => {
    const { source, timeouts, log, woken, wakeup } = setup(0);
    wakeup.wakeAt(1000);
    source.only.armErrno = 22;
    wakeup.wakeAt(2000);
    expect(wakeup.mechanism).toBe('setTimeout');
    expect(source.only.closed).toBe(true);
    expect(timeouts.armed()).toBe(1999);
    expect(log.lines.map((l) => [l.level, l.fields])).toEqual([['warn', { errno: 22, syscall: 'timerfd_settime' }]]);
    expect(woken).toEqual([]);
  });

  it('hands the pending due time to setTimeout when watching the timerfd fails', () => {
    const { time, source, timeouts, woken, wakeup } = setup(0);
    wakeup.wakeAt(30);
    source.only.fail(5); // EIO from the poll
    expect(wakeup.mechanism).toBe('setTimeout');
    expect(timeouts.armed()).toBe(29);
    time.setMs(30);
    timeouts.fireOnly();
    expect(woken).toEqual([30]);
  });
});

describe('NativeTimerWakeup.open', () => {
  it('answers the errno of timerfd_create instead of throwing', () => {
    const source = new FakeTimerFdSource();
    source.openErrno = 23; // ENFILE
    const opened = NativeTimerWakeup.open({ nowMs: 0 }, () => undefined, () => undefined, source);
    expect(opened).toEqual({ ok: false, errno: 23 });
  });
});
