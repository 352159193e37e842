import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import type { InstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';
import { SyncGroupCoordinator } from '../../../../src/vrrp/fsm/SyncGroupCoordinator.js';
import { VrrpInstanceMachine } from '../../../../src/vrrp/fsm/VrrpInstanceMachine.js';

function spec(name: string, vrid: number, priority = 100): InstanceSpec {
  return {
    name,
    vrid,
    version: 2,
    family: 'ipv4',
    basePriority: priority,
    advertIntervalCs: 100,
    preempt: true,
    primaryAddress: '192.0.2.1',
    vips: [`192.0.2.${100 + vrid}`],
    garp: { masterDelayMs: 0 },
  };
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isVigilError(e, code)).toBe(true);
  }
}

describe('SyncGroupCoordinator', () => {
  it('rejects empty groups, duplicate members and unknown instances', () => {
    expectCode(() => new SyncGroupCoordinator('G', []), 'VRRP_SYNC_GROUP_EMPTY');
    const a = new VrrpInstanceMachine(spec('A', 1));
    expectCode(() => new SyncGroupCoordinator('G', [a, a]), 'VRRP_SYNC_GROUP_DUPLICATE');
    const g = new SyncGroupCoordinator('G', [a, new VrrpInstanceMachine(spec('B', 2))]);
    expectCode(() => g.handle('C', { type: 'startup' }, 0), 'VRRP_SYNC_GROUP_UNKNOWN_MEMBER');
  });

  it('starts MASTER only when every member is an owner wanting MASTER', () => {
    const owners = new SyncGroupCoordinator('G', [
      new VrrpInstanceMachine(spec('A', 1, 255)),
      new VrrpInstanceMachine(spec('B', 2, 255)),
    ]);
    expect(owners.state).toBe('MASTER');
    const mixed = new SyncGroupCoordinator('G', [
      new VrrpInstanceMachine(spec('A', 1, 255)),
      new VrrpInstanceMachine(spec('B', 2, 100)),
    ]);
    expect(mixed.state).toBe('BACKUP');
    // The owner is held in Backup because B does not want MASTER yet (vrrp_sync_can_goto_master).
    const [ownerA, b] = ['A', 'B'].map((n) => mixed.memberNames.includes(n));
    expect([ownerA, b]).toEqual([true, true]);
    mixed.handle('A', { type: 'startup' }, 0);
    mixed.handle('B', { type: 'startup' }, 0);
    expect(mixed.state).toBe('BACKUP');
    // B's Master_Down_Timer (3610 ms) fires: A wants MASTER, so B may go, and forces A along.
    const batches = mixed.handle('B', { type: 'timer-expired', timer: 'master-down' }, 3610);
    expect(mixed.state).toBe('MASTER');
    const forced = batches.find((x) => x.origin === 'instance' && x.name === 'A');
    expect(forced?.origin === 'instance' && forced.event).toEqual({ type: 'sync-group', group: 'G', to: 'MASTER' });
  });

  it('an all-owner group goes MASTER together at startup', () => {
    const a = new VrrpInstanceMachine(spec('A', 1, 255));
    const b = new VrrpInstanceMachine(spec('B', 2, 255));
    const g = new SyncGroupCoordinator('G', [a, b]);
    g.handle('A', { type: 'startup' }, 0);
    g.handle('B', { type: 'startup' }, 0);
    expect([a.state, b.state]).toEqual(['MASTER', 'MASTER']);
  });

  it('gate: leaving Fault waits for every member with its own fault', () => {
    const a = new VrrpInstanceMachine(spec('A', 1));
    const b = new VrrpInstanceMachine(spec('B', 2));
    const g = new SyncGroupCoordinator('G', [a, b]);
    g.handle('A', { type: 'startup' }, 0);
    g.handle('B', { type: 'startup' }, 0);
    g.handle('A', { type: 'link', up: false }, 10);
    g.handle('B', { type: 'tracker', kind: 'fault', source: 'chk', fault: true }, 20);
    expect([a.state, b.state, g.state]).toEqual(['FAULT', 'FAULT', 'FAULT']);
    g.handle('A', { type: 'link', up: true }, 30); // B still has its own fault
    expect([a.state, b.state]).toEqual(['FAULT', 'FAULT']);
    const batches = g.handle('B', { type: 'tracker', kind: 'fault', source: 'chk', fault: false }, 40);
    expect([a.state, b.state, g.state]).toEqual(['BACKUP', 'BACKUP', 'BACKUP']);
    expect(batches.map((b) => `${b.origin}:${b.name}`)).toEqual(['instance:B', 'group:G', 'instance:A', 'group:G']);
  });

  it('shutdown of one member does not propagate', () => {
    const a = new VrrpInstanceMachine(spec('A', 1));
    const b = new VrrpInstanceMachine(spec('B', 2));
    const g = new SyncGroupCoordinator('G', [a, b]);
    g.handle('A', { type: 'startup' }, 0);
    g.handle('B', { type: 'startup' }, 0);
    const batches = g.handle('A', { type: 'shutdown' }, 100);
    expect(batches).toHaveLength(1);
    expect([a.state, b.state]).toEqual(['INIT', 'BACKUP']);
  });
});
