import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { equalIgnoringPositions } from '../../../../src/vrrp/runtime/ConfigEquality.js';
import { planVrrpReload, type InstanceReloadAction } from '../../../../src/vrrp/runtime/VrrpReloadPlan.js';
import { configFrom } from './ConfigText.js';

interface Vi {
  name?: string;
  iface?: string;
  vrid?: number;
  priority?: number;
  vips?: string[];
  excluded?: string[];
  extra?: string;
}

function vi(o: Vi = {}): string {
  return `
vrrp_instance ${o.name ?? 'VI_1'} {
  interface ${o.iface ?? 'eth0'}
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.priority ?? 100}
  advert_int 1
  virtual_ipaddress {
    ${(o.vips ?? ['192.0.2.100/24']).join('\n    ')}
  }
  ${o.excluded ? `virtual_ipaddress_excluded {\n    ${o.excluded.join('\n    ')}\n  }` : ''}
  ${o.extra ?? ''}
}`;
}

function conf(blocks: string, global = ''): VigilConfig {
  return configFrom(`global_defs {\n  router_id test\n  ${global}\n}\n${blocks}\n`);
}

function action(plan: ReturnType<typeof planVrrpReload>, name: string): InstanceReloadAction | undefined {
  return plan.instances.find((a) => a.name === name);
}

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vrrp/reload');

const script = (name: string, body = 'interval 2\n  weight -20'): string => `vrrp_script ${name} {\n  script "/bin/true"\n  ${body}\n}\n`;
const tracking = (...names: string[]): string => `track_script {\n    ${names.join('\n    ')}\n  }`;
const group = (name: string, members: string[], extra = ''): string => `vrrp_sync_group ${name} {\n  group {\n    ${members.join('\n    ')}\n  }\n  ${extra}\n}\n`;

describe('equalIgnoringPositions', () => {
  it('ignores pos at any depth and compares everything else', () => {
    const a = { name: 'x', pos: { file: 'a', line: 1, col: 1 }, list: [{ v: 1, pos: { file: 'a', line: 2, col: 1 } }] };
    const b = { name: 'x', pos: { file: 'b', line: 9, col: 3 }, list: [{ v: 1, pos: { file: 'b', line: 7, col: 1 } }] };
    expect(equalIgnoringPositions(a, b)).toBe(true);
    expect(equalIgnoringPositions(a, { ...b, list: [{ v: 2, pos: b.pos }] })).toBe(false);
    expect(equalIgnoringPositions(a, { ...b, list: [] })).toBe(false);
    expect(equalIgnoringPositions([1, 2], [2, 1])).toBe(false);
    expect(equalIgnoringPositions(null, {})).toBe(false);
    expect(equalIgnoringPositions({ a: undefined }, {})).toBe(true);
  });
});

describe('planVrrpReload', () => {
  it('finds nothing to do when only positions moved (blank lines, another order of blocks)', () => {
    const old = conf(vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }));
    const next = conf('\n\n\n' + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }) + '\n\n' + vi());
    const plan = planVrrpReload(old, next);
    expect(plan.instances).toEqual([
      { kind: 'unchanged', name: 'VI_2' },
      { kind: 'unchanged', name: 'VI_1' },
    ]);
    expect(plan.syncGroups).toEqual([]);
    expect(plan.scripts).toEqual([]);
  });

  it('changes VIP lists in place and counts what was added and removed', () => {
    const old = conf(vi({ vips: ['192.0.2.100/24', '192.0.2.101/24'] }));
    const next = conf(vi({ vips: ['192.0.2.100/24', '192.0.2.102/24'], excluded: ['198.51.100.7/32'] }));
    expect(action(planVrrpReload(old, next), 'VI_1')).toEqual({
      kind: 'updated',
      name: 'VI_1',
      vips: { added: ['192.0.2.102/24', '198.51.100.7/32'], removed: ['192.0.2.101/24'] },
      routesChanged: false,
      priority: null,
      notifyChanged: false,
    });
  });

  it('counts a VIP line whose options changed as removed and added', () => {
    const plan = planVrrpReload(conf(vi({ vips: ['192.0.2.100/24'] })), conf(vi({ vips: ['192.0.2.100/24 label eth0:vip'] })));
    expect(action(plan, 'VI_1')).toMatchObject({ kind: 'updated', vips: { added: ['192.0.2.100/24'], removed: ['192.0.2.100/24'] } });
  });

  it('changes a priority in place, except to or from the address owner (255)', () => {
    expect(action(planVrrpReload(conf(vi({ priority: 100 })), conf(vi({ priority: 150 }))), 'VI_1')).toMatchObject({
      kind: 'updated',
      priority: { from: 100, to: 150 },
      vips: null,
    });
    // The model derives `state MASTER` from 255, so that changes too.
    expect(action(planVrrpReload(conf(vi({ priority: 100 })), conf(vi({ priority: 255 }))), 'VI_1')).toEqual({
      kind: 'restarted',
      name: 'VI_1',
      reasons: ['state', 'priority (address owner)'],
    });
    expect(action(planVrrpReload(conf(vi({ priority: 255 })), conf(vi({ priority: 200 }))), 'VI_1')).toMatchObject({ kind: 'restarted' });
  });

  it('applies notify script and virtual_routes changes in place', () => {
    const plan = planVrrpReload(conf(vi()), conf(vi({ extra: 'notify_master "/usr/local/bin/became-master"' })));
    expect(action(plan, 'VI_1')).toMatchObject({ kind: 'updated', notifyChanged: true, vips: null, priority: null });
    const routes = planVrrpReload(conf(vi()), conf(vi({ extra: 'virtual_routes {\n    192.0.2.0/24 dev eth0 table 10\n  }' })));
    expect(action(routes, 'VI_1')).toMatchObject({ kind: 'updated', routesChanged: true, notifyChanged: false });
    const rule = 'virtual_rules {\n    from 192.0.2.100 table 10 priority 5\n  }';
    const rules = planVrrpReload(conf(vi({ extra: rule })), conf(vi({ extra: rule.replace('table 10', 'table 11') })));
    expect(action(rules, 'VI_1')).toMatchObject({ kind: 'updated', routesChanged: true, vips: null });
    // The same lines written elsewhere in the file (other positions) are no change.
    const moved = planVrrpReload(conf(vi({ extra: rule })), conf(vi({ extra: `\n\n  ${rule}` })));
    expect(action(moved, 'VI_1')).toMatchObject({ kind: 'unchanged' });
  });

  it('restarts an instance for anything the machine or its sockets are built from, naming the fields', () => {
    const cases: [Vi, Vi, string[]][] = [
      [{}, { iface: 'eth1' }, ['interface']],
      [{}, { vrid: 52 }, ['virtualRouterId']],
      [{}, { extra: 'advert_int 2' }, ['advertIntervalSeconds']],
      [{}, { extra: 'nopreempt' }, ['preempt']],
      [{}, { extra: 'authentication {\n    auth_type PASS\n    auth_pass secret\n  }' }, ['authentication']],
      [{}, { extra: 'unicast_peer {\n    192.0.2.2\n  }' }, ['unicastPeers']],
      [{}, { extra: 'use_vmac' }, ['useVmac']],
    ];
    for (const [before, after, reasons] of cases) {
      const a = action(planVrrpReload(conf(vi(before)), conf(vi(after))), 'VI_1');
      expect(a, JSON.stringify(after)).toEqual({ kind: 'restarted', name: 'VI_1', reasons });
    }
  });

  it('lists added instances in the new order and removed ones after them', () => {
    const plan = planVrrpReload(conf(vi() + vi({ name: 'VI_OLD', vrid: 60 })), conf(vi({ name: 'VI_NEW', vrid: 61 }) + vi()));
    expect(plan.instances).toEqual([
      { kind: 'added', name: 'VI_NEW' },
      { kind: 'unchanged', name: 'VI_1' },
      { kind: 'removed', name: 'VI_OLD' },
    ]);
  });

  it('restarts an instance whose tracking changed, also through the script weight, and keeps an unchanged runner', () => {
    const old = conf(script('chk') + vi({ extra: tracking('chk') }));
    const weight = planVrrpReload(old, conf(script('chk', 'interval 2\n  weight -30') + vi({ extra: tracking('chk') })));
    expect(action(weight, 'VI_1')).toEqual({ kind: 'restarted', name: 'VI_1', reasons: ['tracking'] });
    expect(weight.scripts).toEqual([{ kind: 'restarted', name: 'chk' }]);
    // A new interval is a new runner, but the instance tracks the same objects with the same weights.
    const interval = planVrrpReload(old, conf(script('chk', 'interval 5\n  weight -20') + vi({ extra: tracking('chk') })));
    expect(action(interval, 'VI_1')).toEqual({ kind: 'unchanged', name: 'VI_1' });
    expect(interval.scripts).toEqual([{ kind: 'restarted', name: 'chk' }]);
    const same = planVrrpReload(old, conf('\n' + script('chk') + vi({ extra: tracking('chk') })));
    expect(same.scripts).toEqual([{ kind: 'kept', name: 'chk' }]);
  });

  it('starts runners for newly tracked scripts and stops those nobody tracks any more', () => {
    const old = conf(script('a') + script('b') + vi({ extra: tracking('a') }));
    const plan = planVrrpReload(old, conf(script('a') + script('b') + vi({ extra: tracking('b') })));
    expect(plan.scripts).toEqual([
      { kind: 'started', name: 'b' },
      { kind: 'stopped', name: 'a' },
    ]);
  });

  it('restarts a runner whose identity changed through the global script_user', () => {
    const old = conf(script('chk') + vi({ extra: tracking('chk') }));
    const plan = planVrrpReload(old, conf(script('chk') + vi({ extra: tracking('chk') }), 'script_user nobody'));
    expect(plan.scripts).toEqual([{ kind: 'restarted', name: 'chk' }]);
  });

  it('keeps an unchanged sync group, updates one whose notify changed, and rebuilds one that gains a member, restarting all its members', () => {
    const blocks = vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }) + vi({ name: 'VI_3', vrid: 53, vips: ['192.0.2.102/24'] });
    const old = conf(group('G', ['VI_1', 'VI_2']) + blocks);
    expect(planVrrpReload(old, conf(group('G', ['VI_1', 'VI_2']) + blocks)).syncGroups).toEqual([{ kind: 'kept', name: 'G' }]);

    const notify = planVrrpReload(old, conf(group('G', ['VI_1', 'VI_2'], 'notify_master "/bin/true"') + blocks));
    expect(notify.syncGroups).toEqual([{ kind: 'updated', name: 'G' }]);
    expect(notify.instances.every((a) => a.kind === 'unchanged')).toBe(true);

    const grown = planVrrpReload(old, conf(group('G', ['VI_1', 'VI_2', 'VI_3']) + blocks));
    expect(grown.syncGroups).toEqual([{ kind: 'rebuilt', name: 'G' }]);
    expect(grown.instances).toEqual([
      { kind: 'restarted', name: 'VI_1', reasons: ['sync group G rebuilt'] },
      { kind: 'restarted', name: 'VI_2', reasons: ['sync group G rebuilt'] },
      { kind: 'restarted', name: 'VI_3', reasons: ['sync group membership', 'sync group G rebuilt'] },
    ]);
  });

  it('rebuilds a group when one member restarts, and changes a member in place without touching the group', () => {
    const blocks = (vrid: number, vip: string): string => vi() + vi({ name: 'VI_2', vrid, vips: [vip] });
    const old = conf(group('G', ['VI_1', 'VI_2']) + blocks(52, '192.0.2.101/24'));
    const restart = planVrrpReload(old, conf(group('G', ['VI_1', 'VI_2']) + blocks(53, '192.0.2.101/24')));
    expect(restart.syncGroups).toEqual([{ kind: 'rebuilt', name: 'G' }]);
    expect(action(restart, 'VI_1')).toEqual({ kind: 'restarted', name: 'VI_1', reasons: ['sync group G rebuilt'] });
    expect(action(restart, 'VI_2')).toEqual({ kind: 'restarted', name: 'VI_2', reasons: ['virtualRouterId', 'sync group G rebuilt'] });

    const vips = planVrrpReload(old, conf(group('G', ['VI_1', 'VI_2']) + blocks(52, '192.0.2.109/24')));
    expect(vips.syncGroups).toEqual([{ kind: 'kept', name: 'G' }]);
    expect(action(vips, 'VI_1')).toEqual({ kind: 'unchanged', name: 'VI_1' });
    expect(action(vips, 'VI_2')).toMatchObject({ kind: 'updated' });
  });

  it('creates and removes groups: members of a new group restart, members of a dissolved group restart', () => {
    const blocks = vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] });
    const created = planVrrpReload(conf(blocks), conf(group('G', ['VI_1', 'VI_2']) + blocks));
    expect(created.syncGroups).toEqual([{ kind: 'added', name: 'G' }]);
    expect(created.instances.map((a) => a.kind)).toEqual(['restarted', 'restarted']);
    const dissolved = planVrrpReload(conf(group('G', ['VI_1', 'VI_2']) + blocks), conf(blocks));
    expect(dissolved.syncGroups).toEqual([{ kind: 'removed', name: 'G' }]);
    expect(action(dissolved, 'VI_1')).toEqual({ kind: 'restarted', name: 'VI_1', reasons: ['sync group membership'] });
  });

  it('restarts multicast instances of a family whose global multicast group changed, not unicast ones', () => {
    const unicast = 'unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n  }';
    const blocks = vi() + vi({ name: 'VI_U', vrid: 52, vips: ['192.0.2.101/24'], extra: unicast });
    const plan = planVrrpReload(conf(blocks), conf(blocks, 'vrrp_mcast_group4 224.0.0.19'));
    expect(action(plan, 'VI_1')).toEqual({ kind: 'restarted', name: 'VI_1', reasons: ['vrrpMcastGroup4'] });
    expect(action(plan, 'VI_U')).toEqual({ kind: 'unchanged', name: 'VI_U' });
  });

  it('classifies the reload fixture pair (also run for real in test/integration/vrrp/ReloadInPlace.test.ts)', () => {
    const fixture = (name: string): VigilConfig => configFrom(readFileSync(join(FIXTURES, name), 'utf8'));
    const plan = planVrrpReload(fixture('before.conf'), fixture('after.conf'));
    expect(plan.instances).toEqual([
      { kind: 'unchanged', name: 'VI_5' },
      { kind: 'updated', name: 'VI_1', vips: { added: ['192.0.2.110/24'], removed: ['192.0.2.150/24'] }, routesChanged: false, priority: null, notifyChanged: false },
      { kind: 'updated', name: 'VI_2', vips: { added: ['192.0.2.150/24'], removed: [] }, routesChanged: false, priority: null, notifyChanged: false },
      { kind: 'added', name: 'VI_4' },
      { kind: 'removed', name: 'VI_3' },
    ]);
  });
});
