import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import type { Action, TimerName } from '../../../../src/vrrp/fsm/Action.js';
import type { InstanceEvent } from '../../../../src/vrrp/fsm/InstanceEvent.js';
import type { InstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';
import { SyncGroupCoordinator } from '../../../../src/vrrp/fsm/SyncGroupCoordinator.js';
import { TimerSet } from '../../../../src/vrrp/fsm/TimerSet.js';
import { VirtualClock } from '../../../../src/vrrp/fsm/VirtualClock.js';
import { VrrpInstanceMachine } from '../../../../src/vrrp/fsm/VrrpInstanceMachine.js';
import type { VrrpState } from '../../../../src/vrrp/fsm/VrrpState.js';

const v2: InstanceSpec = {
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

const advert = (priority: number, extra: Partial<{ advertIntervalCs: number; version: 2 | 3; source: string }> = {}): InstanceEvent => ({
  type: 'advert-received',
  advert: {
    vrid: 51,
    version: extra.version ?? 2,
    priority,
    advertIntervalCs: extra.advertIntervalCs ?? 100,
    source: extra.source ?? '192.0.2.2',
    vips: ['192.0.2.100'],
    authOk: true,
  },
});

const ofType = <T extends Action['type']>(actions: readonly Action[], type: T): Extract<Action, { type: T }>[] =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);

describe('VrrpInstanceMachine', () => {
  it('rejects an invalid spec with VRRP_INSTANCE_SPEC_INVALID', () => {
    try {
      new VrrpInstanceMachine({ ...v2, vrid: 0, basePriority: 300 });
      expect.unreachable();
    } catch (e) {
      expect(isVigilError(e, 'VRRP_INSTANCE_SPEC_INVALID')).toBe(true);
      expect((e as Error).message).toContain('virtual_router_id 0');
    }
  });

  it('exposes a snapshot of state, priorities, faults and armed timers', () => {
    const m = new VrrpInstanceMachine(v2);
    m.handle({ type: 'startup' }, 1000);
    m.handle(advert(150), 1500);
    m.handle({ type: 'tracker', kind: 'weight', weight: -10 }, 1600);
    expect(m.snapshot()).toEqual({
      name: 'VI_1',
      state: 'BACKUP',
      basePriority: 100,
      effectivePriority: 90,
      masterAdverIntervalCs: 100,
      wantsMaster: false,
      faults: [],
      lastMaster: { address: '192.0.2.2', priority: 150 },
      // 1500 + 3609.375 shifted by the skew change 609375 → 648437 µs (+39.062 ms), exact.
      timers: { 'master-down': expect.closeTo(1500 + 3609.375 + 39.062, 9) },
    });
    m.handle({ type: 'link', up: false }, 1700);
    m.handle({ type: 'tracker', kind: 'fault', source: 'chk_b', fault: true }, 1700);
    m.handle({ type: 'tracker', kind: 'fault', source: 'chk_a', fault: true }, 1700);
    expect(m.snapshot().faults).toEqual(['link', 'chk_a', 'chk_b']);
    expect(m.snapshot().timers).toEqual({});
  });

  it('v2 never learns the master interval; v3 does (RFC 5798 §6.4.2)', () => {
    const m2 = new VrrpInstanceMachine(v2);
    m2.handle({ type: 'startup' }, 0);
    const a2 = m2.handle(advert(150, { advertIntervalCs: 200 }), 100);
    expect(ofType(a2, 'set-timer')).toEqual([{ type: 'set-timer', timer: 'master-down', delayMs: 3609.375 }]);

    const m3 = new VrrpInstanceMachine({ ...v2, version: 3 });
    m3.handle({ type: 'startup' }, 0);
    const a3 = m3.handle(advert(150, { version: 3, advertIntervalCs: 200 }), 100);
    // 3 * 2 s + 156 * 200 * 625 / 16 µs (1_218_750) = 7_218_750 µs → 7218.75 ms.
    expect(ofType(a3, 'set-timer')).toEqual([{ type: 'set-timer', timer: 'master-down', delayMs: 7218.75 }]);
    expect(m3.snapshot().masterAdverIntervalCs).toBe(200);
  });

  it('a repeated fault report or a second fault source does not re-enter Fault', () => {
    const m = new VrrpInstanceMachine(v2);
    m.handle({ type: 'startup' }, 0);
    expect(ofType(m.handle({ type: 'link', up: false }, 10), 'state-changed')).toHaveLength(1);
    expect(m.handle({ type: 'link', up: false }, 20)).toEqual([]);
    expect(m.handle({ type: 'tracker', kind: 'fault', source: 'x', fault: true }, 30)).toEqual([]);
    expect(m.handle(advert(150), 40)).toEqual([]); // adverts are ignored in Fault
    expect(m.hasOwnFault).toBe(true);
  });

  it('equal weight report leaves the priority and timers alone', () => {
    const m = new VrrpInstanceMachine(v2);
    m.handle({ type: 'startup' }, 0);
    expect(m.handle({ type: 'tracker', kind: 'weight', weight: 0 }, 5)).toEqual([]);
    expect(m.effectivePriority).toBe(100);
  });
});

/** mulberry32: a tiny seeded PRNG so the fuzz below is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIMERS_BY_STATE: Record<VrrpState, (t: TimerName) => boolean> = {
  INIT: () => false,
  FAULT: () => false,
  BACKUP: (t) => t === 'master-down',
  MASTER: (t) => t !== 'master-down',
};

describe('VrrpInstanceMachine invariants under seeded random events', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: transitions chain, VIPs follow MASTER, timers follow state`, () => {
      const rnd = prng(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const specs: InstanceSpec[] = [
        { ...v2, name: 'A', basePriority: pick([1, 100, 200, 255]), preemptDelayMs: pick([0, 1500]), preempt: rnd() < 0.8 },
        { ...v2, name: 'B', vrid: 52, version: 3, advertIntervalCs: pick([10, 100]), basePriority: pick([50, 100, 254]) },
      ];
      const machines = specs.map((s) => new VrrpInstanceMachine(s));
      const group = rnd() < 0.5 ? new SyncGroupCoordinator('G', machines) : undefined;
      const clock = new VirtualClock(0);
      const timers = new TimerSet();
      const vipsHeld = new Map<string, number>(machines.map((m) => [m.name, 0]));
      const lastState = new Map<string, VrrpState>(machines.map((m) => [m.name, 'INIT']));

      const check = (name: string, actions: readonly Action[]): void => {
        const machine = machines.find((m) => m.name === name);
        if (!machine) throw new Error(name);
        for (const action of actions) {
          if (action.type === 'state-changed') {
            expect(action.from).toBe(lastState.get(name));
            expect(action.to).not.toBe(action.from);
            lastState.set(name, action.to);
          }
          if (action.type === 'add-vips') vipsHeld.set(name, (vipsHeld.get(name) ?? 0) + 1);
          if (action.type === 'remove-vips') vipsHeld.set(name, (vipsHeld.get(name) ?? 0) - 1);
          if (action.type === 'send-advert') expect(action.priority === 0 || lastState.get(name) === 'MASTER').toBe(true);
        }
        timers.apply(name, actions, clock.nowMs);
        expect(lastState.get(name)).toBe(machine.state);
        expect(vipsHeld.get(name)).toBe(machine.state === 'MASTER' ? 1 : 0);
        const armed = timers.list().filter((t) => t.owner === name).map((t) => t.timer);
        for (const t of armed) expect(TIMERS_BY_STATE[machine.state](t), `${machine.state} with ${t}`).toBe(true);
        if (machine.state === 'BACKUP') expect(armed).toContain('master-down');
        if (machine.state === 'MASTER') expect(armed).toContain('advert');
        // The machine's own view of its timers matches what the runtime armed.
        expect(Object.keys(machine.snapshot().timers).sort()).toEqual([...armed].sort());
      };

      const deliver = (name: string, event: InstanceEvent): void => {
        if (group) {
          for (const batch of group.handle(name, event, clock.nowMs)) if (batch.origin === 'instance') check(batch.name, batch.actions);
        } else {
          const machine = machines.find((m) => m.name === name);
          if (machine) check(name, machine.handle(event, clock.nowMs));
        }
      };

      for (let step = 0; step < 1000; step++) {
        clock.advanceTo(clock.nowMs + Math.floor(rnd() * 800), timers, (t) => deliver(t.owner, { type: 'timer-expired', timer: t.timer }));
        const target = pick(machines);
        const spec = target.spec;
        const event: InstanceEvent = pick<InstanceEvent>([
          { type: 'startup' },
          { type: 'startup' },
          {
            type: 'advert-received',
            advert: {
              vrid: spec.vrid,
              version: spec.version,
              priority: pick([0, 1, 50, 100, 150, 254, 255]),
              advertIntervalCs: pick([10, 50, 100]),
              source: pick(['192.0.2.0', '192.0.2.1', '192.0.2.2']),
              vips: spec.vips,
              authOk: rnd() < 0.9,
            },
          },
          { type: 'link', up: rnd() < 0.6 },
          { type: 'tracker', kind: 'weight', weight: pick([-300, -20, 0, 20, 300]) },
          { type: 'tracker', kind: 'fault', source: pick(['s1', 's2']), fault: rnd() < 0.4 },
          { type: 'shutdown' },
          { type: 'timer-expired', timer: pick(['master-down', 'advert', 'garp-delay'] as const) },
        ]);
        // A stray timer-expired must only be delivered when the TimerSet no longer holds it.
        if (event.type === 'timer-expired' && timers.get(target.name, event.timer)) continue;
        deliver(target.name, event);
      }
    });
  }
});
