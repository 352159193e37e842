import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import { TimerSet, type ArmedTimer } from '../../../../src/vrrp/fsm/TimerSet.js';
import { VirtualClock } from '../../../../src/vrrp/fsm/VirtualClock.js';

describe('TimerSet', () => {
  it('turns set-timer / cancel-timer actions into due times and re-arming replaces', () => {
    const timers = new TimerSet();
    timers.apply('VI_1', [
      { type: 'set-timer', timer: 'master-down', delayMs: 3610 },
      { type: 'log', level: 'info', message: 'ignored' },
      { type: 'set-timer', timer: 'advert', delayMs: 1000 },
    ], 100);
    expect(timers.get('VI_1', 'master-down')?.dueMs).toBe(3710);
    timers.apply('VI_1', [{ type: 'set-timer', timer: 'master-down', delayMs: 10 }], 200);
    expect(timers.get('VI_1', 'master-down')?.dueMs).toBe(210);
    timers.apply('VI_1', [{ type: 'cancel-timer', timer: 'advert' }], 300);
    expect(timers.size).toBe(1);
  });

  it('hands back due timers earliest first, ties in arming order, owners kept apart', () => {
    const timers = new TimerSet();
    timers.arm('B', 'advert', 50);
    timers.arm('A', 'advert', 50);
    timers.arm('A', 'master-down', 20);
    expect(timers.takeDue(10)).toBeUndefined();
    expect(timers.takeDue(100)).toMatchObject({ owner: 'A', timer: 'master-down', dueMs: 20 });
    expect(timers.takeDue(100)).toMatchObject({ owner: 'B', timer: 'advert' });
    expect(timers.takeDue(100)).toMatchObject({ owner: 'A', timer: 'advert' });
    expect(timers.takeDue(100)).toBeUndefined();
    timers.arm('A', 'advert', 5);
    timers.arm('B', 'advert', 6);
    timers.cancelOwner('A');
    expect(timers.list().map((t) => t.owner)).toEqual(['B']);
  });
});

describe('VirtualClock', () => {
  it('fires due timers in order at their due time, including timers armed while firing', () => {
    const clock = new VirtualClock(0);
    const timers = new TimerSet();
    timers.arm('VI_1', 'advert', 1000);
    const fired: string[] = [];
    const onExpire = (t: ArmedTimer): void => {
      fired.push(`${t.timer}@${clock.nowMs}`);
      if (t.timer === 'advert' && clock.nowMs < 3000) timers.arm('VI_1', 'advert', clock.nowMs + 1000);
    };
    clock.advanceTo(3500, timers, onExpire);
    expect(fired).toEqual(['advert@1000', 'advert@2000', 'advert@3000']);
    expect(clock.nowMs).toBe(3500);
    clock.advanceBy(10, timers, onExpire);
    expect(clock.nowMs).toBe(3510);
  });

  it('refuses to go backwards and stops a runaway zero-delay loop', () => {
    const clock = new VirtualClock(100);
    const timers = new TimerSet();
    try {
      clock.advanceTo(50, timers, () => undefined);
      expect.unreachable();
    } catch (e) {
      expect(isVigilError(e, 'VIRTUAL_CLOCK_BACKWARDS')).toBe(true);
    }
    timers.arm('VI_1', 'advert', 100);
    try {
      clock.advanceTo(200, timers, () => timers.arm('VI_1', 'advert', clock.nowMs), 50);
      expect.unreachable();
    } catch (e) {
      expect(isVigilError(e, 'VIRTUAL_CLOCK_RUNAWAY')).toBe(true);
    }
  });
});
