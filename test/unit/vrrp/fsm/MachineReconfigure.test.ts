import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/vrrp/fsm/Action.js';
import type { InstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';
import { VrrpInstanceMachine } from '../../../../src/vrrp/fsm/VrrpInstanceMachine.js';
import { masterDownIntervalUs, skewTimeUs } from '../../../../src/vrrp/fsm/VrrpTimerMath.js';

const spec: InstanceSpec = {
  name: 'VI_1',
  vrid: 51,
  version: 2,
  family: 'ipv4',
  basePriority: 100,
  advertIntervalCs: 100,
  preempt: true,
  primaryAddress: '192.0.2.1',
  vips: ['192.0.2.100'],
};

const ofType = <T extends Action['type']>(actions: readonly Action[], type: T): Extract<Action, { type: T }>[] =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);

const ms = (us: number): number => us / 1000;

describe("VrrpInstanceMachine 'reconfigure' (a reload's in-place changes)", () => {
  it('moves a Backup Master_Down_Timer by the change in Skew_Time and takes the new VIP list', () => {
    const m = new VrrpInstanceMachine(spec);
    m.handle({ type: 'startup' }, 1000);
    const due = m.snapshot().timers['master-down'];
    expect(due).toBe(1000 + ms(masterDownIntervalUs(2, 100, 100)));
    const actions = m.handle({ type: 'reconfigure', basePriority: 200, vips: ['192.0.2.100', '192.0.2.101'] }, 1200);
    expect(m.state).toBe('BACKUP');
    expect(m.effectivePriority).toBe(200);
    expect(m.spec.basePriority).toBe(200);
    expect(m.spec.vips).toEqual(['192.0.2.100', '192.0.2.101']);
    // RFC 3768 §6.1: Skew_Time = (256 - priority) / 256 s, so 609 ms at 100 and 218 ms at 200.
    const shift = skewTimeUs(2, 200, 100) - skewTimeUs(2, 100, 100);
    expect(m.snapshot().timers['master-down']).toBeCloseTo((due ?? 0) + shift / 1000, 9);
    expect(ofType(actions, 'log').map((a) => a.message)).toEqual(['(VI_1) Changing effective priority from 100 to 200']);
    expect(ofType(actions, 'state-changed')).toEqual([]);
  });

  it('lets a Master carry a new priority in its next advert without a transition, and add-vips / GARPs use the new list', () => {
    const m = new VrrpInstanceMachine({ ...spec, garp: { masterRefreshMs: 0 } });
    m.handle({ type: 'startup' }, 0);
    m.handle({ type: 'timer-expired', timer: 'master-down' }, 4000);
    expect(m.state).toBe('MASTER');
    const reconfigured = m.handle({ type: 'reconfigure', basePriority: 50, vips: ['192.0.2.102'] }, 4100);
    expect(ofType(reconfigured, 'send-advert')).toEqual([]);
    const tick = m.handle({ type: 'timer-expired', timer: 'advert' }, 5000);
    expect(ofType(tick, 'send-advert')).toEqual([{ type: 'send-advert', priority: 50, advertIntervalCs: 100 }]);
    const leave = m.handle({ type: 'shutdown' }, 5100);
    expect(ofType(leave, 'remove-vips')).toEqual([{ type: 'remove-vips', vips: ['192.0.2.102'] }]);
  });

  it('keeps tracker weights on top of the new base priority', () => {
    const m = new VrrpInstanceMachine(spec);
    m.handle({ type: 'startup' }, 0);
    m.handle({ type: 'tracker', kind: 'weight', weight: -30 }, 10);
    m.handle({ type: 'reconfigure', basePriority: 120, vips: spec.vips }, 20);
    expect(m.effectivePriority).toBe(90);
    expect(m.snapshot().basePriority).toBe(120);
  });

  it('refuses to move a priority to or from the address owner in place, with a warning', () => {
    const m = new VrrpInstanceMachine(spec);
    m.handle({ type: 'startup' }, 0);
    const actions = m.handle({ type: 'reconfigure', basePriority: 255, vips: spec.vips }, 10);
    expect(m.effectivePriority).toBe(100);
    expect(ofType(actions, 'log').map((a) => a.message)).toEqual(['(VI_1) priority 100 -> 255 cannot be applied in place - ignored']);
    const owner = new VrrpInstanceMachine({ ...spec, basePriority: 255 });
    owner.handle({ type: 'startup' }, 0);
    owner.handle({ type: 'reconfigure', basePriority: 200, vips: spec.vips }, 10);
    expect(owner.effectivePriority).toBe(255);
    expect(owner.state).toBe('MASTER');
  });
});
