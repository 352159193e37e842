import { describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import type { VrrpReloadResult } from '../../../../src/vrrp/runtime/VrrpReloadResult.js';
import { instanceRouteFromConfig, instanceRuleFromConfig } from '../../../../src/vrrp/runtime/RoutingSpecMapping.js';
import { configFrom } from './ConfigText.js';
import { settle, SimulatedLan, type SimulatedHost } from './SimulatedLan.js';

const ROUTES = `
  virtual_routes {
    198.51.100.0/24 via 192.0.2.254 dev eth0
    src 192.0.2.100 203.0.113.0/24 via 192.0.2.254 dev eth0 table 100
    blackhole 203.0.113.128/25
  }
  virtual_rules {
    from 192.0.2.100 table 100 priority 100
  }`;

function conf(priority: number, extra = ROUTES, top = ''): VigilConfig {
  return configFrom(`${top}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
${extra}
}
`);
}

const HELD_ROUTES = ['198.51.100.0/24 via 192.0.2.254 dev eth0', '203.0.113.0/24 via 192.0.2.254 dev eth0 table 100 src 192.0.2.100', 'blackhole 203.0.113.128/25'];
const HELD_RULES = ['from 192.0.2.100/32 lookup 100 pref 100'];

async function pair(): Promise<{ lan: SimulatedLan; d1: SimulatedHost; d2: SimulatedHost }> {
  const lan = new SimulatedLan();
  const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
  const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
  await lan.startAll();
  await lan.until(() => d1.state() === 'MASTER' && d2.state() === 'BACKUP', 10_000);
  await lan.advance(300);
  await d1.engine.idle();
  await d2.engine.idle();
  return { lan, d1, d2 };
}

async function reload(host: SimulatedHost, next: VigilConfig): Promise<VrrpReloadResult> {
  const result = await host.engine.reload(next);
  await settle();
  await host.engine.idle();
  return result;
}

describe('virtual_routes and virtual_rules in the engine', () => {
  it('the master installs them after its VIPs (routes, then rules); the backup has none', async () => {
    const { d1, d2 } = await pair();
    expect([...d1.routesHeld]).toEqual(HELD_ROUTES);
    expect([...d1.rulesHeld]).toEqual(HELD_RULES);
    expect(d2.routesHeld.size).toBe(0);
    expect(d2.rulesHeld.size).toBe(0);
    // Start-up removes leftovers (rules, routes), then MASTER adds VIPs, routes, rules: keepalived's order.
    const ops = d1.kernelOps.map((op) => op.split(' ').slice(0, 2).join(' '));
    expect(ops).toEqual(['remove rules', 'remove routes', 'add vips', 'add routes', 'add rules']);
    expect(d1.logged(/setting Virtual Routes|setting Virtual Rules/).map((l) => l.message)).toEqual(['(VI_1) setting Virtual Routes', '(VI_1) setting Virtual Rules']);
  });

  it('leaving MASTER removes rules, then routes, before the VIPs; the new master adds them', async () => {
    const { lan, d1, d2 } = await pair();
    const mark = d1.kernelOps.length;
    d1.detached = true;
    await d1.engine.stop(1_000); // shutdown: priority 0, then everything released
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    await d2.engine.idle();
    expect(d1.kernelOps.slice(mark).map((op) => op.split(' ').slice(0, 2).join(' '))).toEqual(['remove rules', 'remove routes', 'remove vips']);
    expect(d1.routesHeld.size).toBe(0);
    expect(d1.rulesHeld.size).toBe(0);
    expect([...d2.routesHeld]).toEqual(HELD_ROUTES);
    expect([...d2.rulesHeld]).toEqual(HELD_RULES);
  });

  it('going back to BACKUP (a higher priority appears) removes them', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(100) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    expect(d1.routesHeld.size).toBe(3);
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(200) });
    d2.create();
    d2.engine.start();
    await lan.until(() => d1.state() === 'BACKUP' && d2.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    expect(d1.routesHeld.size).toBe(0);
    expect(d1.rulesHeld.size).toBe(0);
  });

  it('with -V (releaseVipsOnStop false) a stopping master leaves them, with its VIPs', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150), options: { releaseVipsOnStop: false } });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    await d1.engine.stop(1_000);
    expect([...d1.routesHeld]).toEqual(HELD_ROUTES);
    expect([...d1.rulesHeld]).toEqual(HELD_RULES);
  });

  it('puts back a tracked route or rule deleted from outside while MASTER, not a no_track one', async () => {
    const lan = new SimulatedLan();
    const extra = `${ROUTES}\n  virtual_routes {\n    198.51.100.128/25 dev eth0 no_track\n  }`;
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, extra) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    const instance = d1.spec.config.vrrpInstances[0];
    if (!instance) throw new Error('no instance');
    const [tracked, , , untracked] = instance.virtualRoutes.map(instanceRouteFromConfig);
    const [rule] = instance.virtualRules.map(instanceRuleFromConfig);
    if (!tracked || !untracked || !rule) throw new Error('routes missing');

    d1.deleteRouteExternally(tracked.entry);
    d1.deleteRuleExternally(rule.request);
    d1.deleteRouteExternally(untracked.entry);
    await d1.engine.idle();
    expect(d1.routesHeld.has('198.51.100.0/24 via 192.0.2.254 dev eth0')).toBe(true);
    expect(d1.rulesHeld.has(HELD_RULES[0] ?? '')).toBe(true);
    expect(d1.routesHeld.has('198.51.100.128/25 dev eth0')).toBe(false);
    expect(d1.logged(/was removed while MASTER/).map((l) => l.fields['reason'])).toEqual(['route-removed-externally', 'rule-removed-externally']);
  });

  it('a backup does not react to the deletion of a route it does not hold', async () => {
    const { d2 } = await pair();
    const route = d2.spec.config.vrrpInstances[0]?.virtualRoutes.map(instanceRouteFromConfig)[0];
    if (!route) throw new Error('no route');
    d2.deleteRouteExternally(route.entry);
    await d2.engine.idle();
    expect(d2.routesHeld.size).toBe(0);
  });

  it('reload on a MASTER applies the difference in place: removes the old lines (rules first), then adds the new', async () => {
    const { d1 } = await pair();
    const mark = d1.kernelOps.length;
    const next = `
  virtual_routes {
    198.51.100.0/24 via 192.0.2.254 dev eth0
    blackhole 203.0.113.128/25
    198.51.100.64/26 via 192.0.2.253 dev eth0 metric 5
  }
  virtual_rules {
    from 192.0.2.100 table 101 priority 100
  }`;
    const result = await reload(d1, conf(150, next));
    if (!result.ok) throw new Error('reload refused');
    expect(result.summary.updated).toEqual(['VI_1']);
    expect(d1.state()).toBe('MASTER');
    expect(d1.kernelOps.slice(mark)).toEqual([
      'remove rules from 192.0.2.100/32 lookup 100 pref 100',
      'remove routes 203.0.113.0/24 via 192.0.2.254 dev eth0 table 100 src 192.0.2.100',
      'add routes 198.51.100.64/26 via 192.0.2.253 dev eth0 metric 5',
      'add rules from 192.0.2.100/32 lookup 101 pref 100',
    ]);
    expect([...d1.routesHeld].sort()).toEqual(['198.51.100.0/24 via 192.0.2.254 dev eth0', '198.51.100.64/26 via 192.0.2.253 dev eth0 metric 5', 'blackhole 203.0.113.128/25']);
    expect([...d1.rulesHeld]).toEqual(['from 192.0.2.100/32 lookup 101 pref 100']);
  });

  it('reload on a BACKUP adopts the new lines without touching the kernel; they apply at the next MASTER', async () => {
    const { lan, d1, d2 } = await pair();
    const mark = d2.kernelOps.length;
    const next = '  virtual_routes {\n    198.51.100.0/25 via 192.0.2.254 dev eth0\n  }';
    const result = await reload(d2, conf(100, next));
    expect(result.ok).toBe(true);
    expect(d2.kernelOps.slice(mark)).toEqual([]);
    d1.detached = true;
    await d1.engine.stop(1_000);
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    await d2.engine.idle();
    expect([...d2.routesHeld]).toEqual(['198.51.100.0/25 via 192.0.2.254 dev eth0']);
    expect(d2.rulesHeld.size).toBe(0);
  });
});

describe('static_routes and static_rules in the engine', () => {
  const STATIC = 'static_routes {\n  198.51.100.0/24 via 192.0.2.254 dev eth0\n}\nstatic_rules {\n  from 192.0.2.50 table 100 priority 70\n}\n';

  it('are installed at start before any instance acts, kept as BACKUP, removed at stop even with -V', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(100, '', STATIC), options: { releaseVipsOnStop: false } });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(200, '') });
    await lan.startAll();
    await lan.until(() => d1.state() === 'BACKUP' && d2.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    expect(d1.kernelOps[0]).toBe('add routes 198.51.100.0/24 via 192.0.2.254 dev eth0');
    expect(d1.kernelOps[1]).toBe('add rules from 192.0.2.50/32 lookup 100 pref 70');
    expect([...d1.routesHeld]).toEqual(['198.51.100.0/24 via 192.0.2.254 dev eth0']);
    await d1.engine.stop(1_000);
    expect(d1.kernelOps.slice(-2)).toEqual(['remove rules from 192.0.2.50/32 lookup 100 pref 70', 'remove routes 198.51.100.0/24 via 192.0.2.254 dev eth0']);
    expect(d1.routesHeld.size).toBe(0);
    expect(d1.rulesHeld.size).toBe(0);
  });

  it('are not put back when deleted from outside (keepalived only tracks them through track_group)', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, '', STATIC) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    const route = d1.spec.config.staticRoutes.map(instanceRouteFromConfig)[0];
    if (!route) throw new Error('no static route');
    d1.deleteRouteExternally(route.entry);
    await d1.engine.idle();
    expect(d1.routesHeld.size).toBe(0);
  });

  it('change by difference on reload', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, '', STATIC) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    const mark = d1.kernelOps.length;
    const result = await reload(d1, conf(150, '', 'static_routes {\n  198.51.100.0/24 via 192.0.2.254 dev eth0\n  blackhole 203.0.113.0/24\n}\n'));
    expect(result.ok).toBe(true);
    expect(d1.kernelOps.slice(mark)).toEqual(['remove rules from 192.0.2.50/32 lookup 100 pref 70', 'add routes blackhole 203.0.113.0/24']);
  });
});
