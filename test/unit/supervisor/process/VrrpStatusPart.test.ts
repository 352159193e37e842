import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config/loadConfig.js';
import type { TransitionReason, VrrpState } from '../../../../src/vrrp/fsm/VrrpState.js';
import { ReceiveStats } from '../../../../src/vrrp/runtime/ReceiveStats.js';
import type { InstanceStatus, TrackerStatus, TransitionListener, VrrpEngine } from '../../../../src/vrrp/runtime/VrrpEngine.js';
import { VrrpStatusPart, type VrrpEngineView } from '../../../../src/supervisor/process/VrrpStatusPart.js';
import { configFrom } from '../../vrrp/runtime/ConfigText.js';
import { SimulatedLan } from '../../vrrp/runtime/SimulatedLan.js';
import { repoRoot } from '../statusFixture.js';

// The real engine must fit the view (checked by tsc).
export type EngineFits = VrrpEngine extends VrrpEngineView ? true : never;
const fits: EngineFits = true;

const loaded = loadConfig(resolve(repoRoot, 'test/fixtures/supervisor/director1.conf'));
const config = loaded.model;

const backup = (name: string, vrid: number, ifname: string, priority: number): InstanceStatus => ({
  name,
  state: 'BACKUP',
  vrid,
  interface: ifname,
  effectivePriority: priority,
  holdingVips: false,
  source: '198.51.100.2',
  master: '198.51.100.3',
  advertsSent: 0,
  advertsReceived: 4,
  lastAdvertPriority: 200,
  lastTransition: { from: 'INIT', to: 'BACKUP', reason: 'startup' },
});

/** The engine's side of the contract, with transitions made by hand. */
class FakeEngine implements VrrpEngineView {
  readonly stats = new ReceiveStats();
  instances: InstanceStatus[] = [backup('VI_1', 51, 'eth0', 150), backup('VI_6', 52, 'eth1', 90)];
  private listener: TransitionListener | null = null;
  status(): readonly InstanceStatus[] {
    return this.instances;
  }
  trackerStatus(): TrackerStatus {
    return { scripts: [{ name: 'chk_web', status: 'up' }], instances: [{ instance: 'VI_1', weight: 20, faults: [], objects: [{ kind: 'script', name: 'chk_web', status: 'up' }] }] };
  }
  onTransition(listener: TransitionListener): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  transition(name: string, to: VrrpState, reason: TransitionReason): void {
    const i = this.instances.find((x) => x.name === name);
    if (!i) throw new Error(name);
    const from = i.state;
    const master = to === 'MASTER' ? i.source : null;
    this.instances = this.instances.map((x) => (x.name === name ? { ...x, state: to, master, holdingVips: to === 'MASTER', advertsSent: 1, lastTransition: { from, to, reason } } : x));
    this.listener?.(name, from, to, reason);
  }
  get subscribed(): boolean {
    return this.listener !== null;
  }
}

describe.skipIf(!config)('VrrpStatusPart', () => {
  const make = () => {
    let clock = 1_000_000;
    const engine = new FakeEngine();
    const part = new VrrpStatusPart({ engine, config: () => config!, now: () => clock });
    return { engine, part, tick: (ms: number) => (clock += ms) };
  };

  it('the fixture loads', () => {
    expect(fits).toBe(true);
    expect(config?.vrrpInstances.map((i) => i.name)).toEqual(['VI_1', 'VI_6']);
  });

  it('reports the engine view with the configured priority, and dates transitions it saw', () => {
    const { engine, part, tick } = make();
    engine.stats.accepted('VI_1', false);
    const first = part.status();
    // Transitions before it existed are dated at its creation; the reason is the engine's.
    expect(first.instances[0]).toEqual({
      name: 'VI_1',
      vrid: 51,
      interface: 'eth0',
      state: 'BACKUP',
      priority: 150,
      configuredPriority: 150,
      master: '198.51.100.3',
      since: 1_000_000,
      lastTransitionReason: 'startup',
      holdingVips: false,
      advertsSent: 0,
      advertsReceived: 4,
      lastAdvertPriority: 200,
    });
    expect(first.instances[1]).toMatchObject({ priority: 90, configuredPriority: 100 });
    expect(first.receive.instances['VI_1']?.accepted).toBe(1);
    expect(first.trackers).toEqual(engine.trackerStatus());
    tick(5_000);
    engine.transition('VI_1', 'MASTER', 'master-down-timer');
    expect(part.status().instances[0]).toMatchObject({ state: 'MASTER', since: 1_005_000, lastTransitionReason: 'master-down-timer', master: '198.51.100.2', holdingVips: true, advertsSent: 1 });
    expect(part.status().instances[1]?.since).toBe(1_000_000);
  });

  it('forgets an instance a reload removed, so one of the same name starts afresh', () => {
    const { engine, part, tick } = make();
    tick(1_000);
    engine.transition('VI_6', 'MASTER', 'master-down-timer');
    const vi6 = engine.instances[1]!;
    engine.instances = [engine.instances[0]!];
    expect(part.status().instances.map((i) => i.name)).toEqual(['VI_1']);
    engine.instances = [engine.instances[0]!, { ...vi6, state: 'BACKUP' }];
    expect(part.status().instances[1]?.since).toBe(1_000_000);
  });

  it('stops listening on close', () => {
    const { engine, part } = make();
    expect(engine.subscribed).toBe(true);
    part.close();
    expect(engine.subscribed).toBe(false);
  });
});

describe('VrrpStatusPart over real engines on a simulated LAN', () => {
  it('reports tracked scripts and interfaces with the weight and faults they give each instance', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({
      name: 'd1',
      n: 1,
      config: configFrom(`vrrp_script chk_web {
  script "/bin/true"
  weight -20
}
vrrp_script chk_db {
  script "/bin/true"
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  track_script {
    chk_web
    chk_db
  }
  virtual_ipaddress {
    192.0.2.100/24
  }
}
`),
    });
    const part = new VrrpStatusPart({ engine: d1.engine, config: () => d1.spec.config });
    await lan.startAll();
    d1.engine.onScriptStatus('chk_web', 'down');
    d1.engine.onScriptStatus('chk_db', 'down');
    const trackers = part.status().trackers;
    expect(trackers.scripts).toEqual(expect.arrayContaining([{ name: 'chk_web', status: 'down' }, { name: 'chk_db', status: 'down' }]));
    expect(trackers.instances).toEqual([
      {
        instance: 'VI_1',
        weight: -20,
        faults: ['script:chk_db'],
        objects: [
          { kind: 'script', name: 'chk_web', status: 'down' },
          { kind: 'script', name: 'chk_db', status: 'down' },
        ],
      },
    ]);
    expect(part.status().instances[0]).toMatchObject({ state: 'FAULT', priority: 130 });
    part.close();
  });

  const conf = (priority: number) =>
    configFrom(`vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
}
`);

  it('a backup names the master (192.0.2.1) and its priority; the master counts its adverts; since and reason follow the transitions', async () => {
    const lan = new SimulatedLan();
    const wall = () => 1_763_715_600_000 + lan.nowMs;
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    const p1 = new VrrpStatusPart({ engine: d1.engine, config: () => d1.spec.config, now: wall });
    const p2 = new VrrpStatusPart({ engine: d2.engine, config: () => d2.spec.config, now: wall });
    await lan.startAll();
    const startedAt = wall();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    const becameMaster = wall();
    await lan.advance(3_000);
    await d1.engine.idle();
    const [m] = p1.status().instances;
    const [b] = p2.status().instances;
    expect(m).toMatchObject({ state: 'MASTER', master: '192.0.2.1', lastTransitionReason: 'master-down-timer', since: becameMaster });
    expect(m?.advertsSent).toBe(lan.advertsFrom('d1').length);
    expect(m?.advertsSent).toBeGreaterThan(0);
    expect(b).toMatchObject({ state: 'BACKUP', master: '192.0.2.1', lastAdvertPriority: 150, lastTransitionReason: 'startup', since: startedAt, advertsSent: 0 });
    expect(b?.advertsReceived).toBe(p2.status().receive.instances['VI_1']?.accepted);
    expect(b?.advertsReceived).toBeGreaterThan(0);
  });
});
