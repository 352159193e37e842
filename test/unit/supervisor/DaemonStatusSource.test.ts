import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckerOutput } from '../../../src/checker/CheckerOutput.js';
import { formatDiagnosticLine } from '../../../src/config/Diagnostic.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import type { IpvsSync } from '../../../src/ipvs/IpvsSync.js';
import type { VrrpState } from '../../../src/vrrp/fsm/VrrpState.js';
import type { InstanceStatus, VrrpEngine } from '../../../src/vrrp/runtime/VrrpEngine.js';
import { ReceiveStats } from '../../../src/vrrp/runtime/ReceiveStats.js';
import { DaemonStatusSource, type IpvsSyncView, type VrrpEngineView } from '../../../src/supervisor/DaemonStatusSource.js';
import { VigilMetrics } from '../../../src/supervisor/Metrics.js';
import { buildStateDump } from '../../../src/supervisor/StateDump.js';
import type { ReloadOutcome } from '../../../src/supervisor/StatusSource.js';
import { parsePrometheusText, sampleValue } from './parsePrometheusText.js';
import { loadStatusFixture, repoRoot } from './statusFixture.js';

// The real runtime classes must fit the views (checked by tsc, not at run time).
export type EngineFits = VrrpEngine extends VrrpEngineView ? true : never;
export type IpvsFits = IpvsSync extends IpvsSyncView ? true : never;
const fits: [EngineFits, IpvsFits] = [true, true];

const loaded = loadConfig(resolve(repoRoot, 'test/fixtures/supervisor/director1.conf'));
const config = loaded.model;

class FakeEngine implements VrrpEngineView {
  readonly stats = new ReceiveStats();
  instances: InstanceStatus[] = [
    { name: 'VI_1', state: 'BACKUP', vrid: 51, interface: 'eth0', effectivePriority: 150, holdingVips: false, source: '198.51.100.2' },
    { name: 'VI_6', state: 'BACKUP', vrid: 52, interface: 'eth1', effectivePriority: 90, holdingVips: false, source: '198.51.100.2' },
  ];
  private listener: ((i: string, f: VrrpState, t: VrrpState, r?: string) => void) | null = null;
  status(): readonly InstanceStatus[] {
    return this.instances;
  }
  onTransition(listener: (i: string, f: VrrpState, t: VrrpState, r?: string) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  transition(name: string, to: VrrpState): void {
    const i = this.instances.find((x) => x.name === name);
    if (!i) throw new Error(name);
    const from = i.state;
    this.instances = this.instances.map((x) => (x.name === name ? { ...x, state: to, holdingVips: to === 'MASTER' } : x));
    this.listener?.(name, from, to);
  }
  get subscribed(): boolean {
    return this.listener !== null;
  }
}

const fixture = loadStatusFixture();
const checker: CheckerOutput = { snapshot: () => fixture.checkers!, subscribe: () => () => undefined };
const ipvs: IpvsSyncView = { status: () => fixture.ipvs! };

describe.skipIf(!config)('DaemonStatusSource', () => {
  const applied = async (): Promise<ReloadOutcome> => ({ outcome: 'applied', message: 'Reloaded', diagnostics: [] });
  const make = (reload: () => Promise<ReloadOutcome> = applied) => {
    let clock = 1_000_000;
    const engine = new FakeEngine();
    const metrics = new VigilMetrics({ version: '0.1.0', nodeVersion: '20' });
    const source = new DaemonStatusSource({ version: '0.1.0', configFile: '/etc/keepalived/keepalived.conf', config: () => config!, vrrp: engine, checker, ipvs, reload, metrics, pid: 99, now: () => clock });
    return { engine, metrics, source, tick: (ms: number) => (clock += ms) };
  };

  it('the fixture loads (with the truncation warning quoting the password)', () => {
    expect(fits).toEqual([true, true]);
    expect(config).not.toBeNull();
  });

  it('reports instances with configured priority, since and the transition', () => {
    const { engine, source, tick } = make();
    expect(source.status().vrrp?.instances[0]).toMatchObject({ name: 'VI_1', state: 'BACKUP', since: 1_000_000, lastTransitionReason: null, master: null });
    tick(5_000);
    engine.transition('VI_1', 'MASTER');
    const s = source.status();
    expect(s.vrrp?.instances[0]).toMatchObject({ state: 'MASTER', since: 1_005_000, lastTransitionReason: 'BACKUP -> MASTER', master: '198.51.100.2', holdingVips: true, configuredPriority: 150 });
    expect(s.vrrp?.instances[1]).toMatchObject({ priority: 90, configuredPriority: 100 });
    expect(s.checkers?.virtualServers[0]?.vs).toBe('[203.0.113.100]:tcp:80');
    expect(s.ipvs).toMatchObject({ ownedDests: 1 });
    expect(s.daemon).toMatchObject({ pid: 99, startedAt: 1_000_000, lastReload: null });
  });

  it('counts transitions and reload outcomes in the metrics, and stops listening on close', async () => {
    const { engine, metrics, source } = make(async () => ({ outcome: 'refused', message: 'Configuration refused', diagnostics: ['x.conf:1:1: error: nope'] }));
    engine.transition('VI_6', 'MASTER');
    expect(await source.reload()).toMatchObject({ outcome: 'refused' });
    expect(source.status().daemon.lastReload).toMatchObject({ outcome: 'refused', at: 1_000_000, diagnostics: ['x.conf:1:1: error: nope'] });
    const exp = parsePrometheusText(metrics.render(source.status()));
    expect(sampleValue(exp, 'vigil_vrrp_transitions_total', { vrrp_instance: 'VI_6', from: 'BACKUP', to: 'MASTER' })).toBe(1);
    expect(sampleValue(exp, 'vigil_reloads_total', { outcome: 'refused' })).toBe(1);
    source.close();
    expect(engine.subscribed).toBe(false);
  });

  it('turns a throwing reload into a failed outcome', async () => {
    const { source } = make(async () => {
      throw new Error('netlink went away');
    });
    expect(await source.reload()).toEqual({ outcome: 'failed', message: 'netlink went away', diagnostics: [] });
  });

  it('dumps the real configuration model without the VRRP password, even where a diagnostic quotes it', async () => {
    const quoting = loaded.diagnostics.map(formatDiagnosticLine).filter((l) => l.includes('s3cr3tpw'));
    expect(quoting.length).toBeGreaterThan(0);
    const { source } = make(async () => ({ outcome: 'applied', message: 'Reloaded', diagnostics: quoting }));
    await source.reload();
    const text = JSON.stringify(buildStateDump(source));
    expect(JSON.stringify(source.dumpState())).toContain('s3cr3tpw');
    expect(text).not.toContain('s3cr3tpw');
    expect(text).toContain('"VI_1"');
  });
});
