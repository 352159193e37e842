import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnosticLine } from '../../../../src/config/Diagnostic.js';
import { loadConfig } from '../../../../src/config/loadConfig.js';
import type { ChildStatusPart } from '../../../../src/supervisor/process/ChildMessages.js';
import type { ChildSupervisor } from '../../../../src/supervisor/process/ChildSupervisor.js';
import { SupervisedStatusSource } from '../../../../src/supervisor/process/SupervisedStatusSource.js';
import { VigilMetrics } from '../../../../src/supervisor/Metrics.js';
import { buildStateDump } from '../../../../src/supervisor/StateDump.js';
import type { ChildProcessStatus, ReloadOutcome } from '../../../../src/supervisor/StatusSource.js';
import { parsePrometheusText, sampleValue } from '../parsePrometheusText.js';
import { loadStatusFixture, repoRoot } from '../statusFixture.js';

const loaded = loadConfig(resolve(repoRoot, 'test/fixtures/supervisor/director1.conf'));
const config = loaded.model;
const fixture = loadStatusFixture();

/** What SupervisedStatusSource reads of a ChildSupervisor. */
type ChildView = Pick<ChildSupervisor, 'role' | 'statusPart' | 'status' | 'refreshStatus'>;

function child(role: 'vrrp' | 'checker', part: ChildStatusPart): ChildView {
  const status: ChildProcessStatus = { role, pid: role === 'vrrp' ? 101 : 102, running: true, restarts: 0, since: 1_000_000, lastExit: null };
  return { role, statusPart: part, status: () => status, refreshStatus: () => Promise.resolve(part) };
}

const children = [
  child('vrrp', { role: 'vrrp', vrrp: fixture.vrrp! }),
  child('checker', { role: 'checker', checkers: fixture.checkers!, ipvs: fixture.ipvs! }),
] as unknown as ChildSupervisor[];

describe.skipIf(!config)('SupervisedStatusSource', () => {
  const applied = async (): Promise<ReloadOutcome> => ({ outcome: 'applied', message: 'Reloaded', diagnostics: [] });
  const make = (reload: () => Promise<ReloadOutcome> = applied) => {
    let clock = 1_000_000;
    const metrics = new VigilMetrics({ version: '0.1.0', nodeVersion: '20' });
    const source = new SupervisedStatusSource({ version: '0.1.0', configFile: '/etc/keepalived/keepalived.conf', config: () => config!, children: () => children, reload, metrics, now: () => clock });
    return { metrics, source, tick: (ms: number) => (clock += ms) };
  };

  it('assembles the children\'s parts with the parent\'s own state', () => {
    const s = make().source.status();
    expect(s.vrrp?.instances[1]).toMatchObject({ name: 'VI_6', state: 'BACKUP', master: '2001:db8::3', advertsReceived: 3590 });
    expect(s.checkers?.virtualServers[0]?.vs).toBe('[203.0.113.100]:tcp:80');
    expect(s.ipvs).toMatchObject({ ownedDests: 1 });
    expect(s.daemon).toMatchObject({ pid: process.pid, startedAt: 1_000_000, lastReload: null });
    expect(s.daemon.children?.map((c) => c.pid)).toEqual([101, 102]);
  });

  it('records the reload outcome and counts it in the metrics', async () => {
    const { metrics, source, tick } = make(async () => ({ outcome: 'refused', message: 'Configuration refused', diagnostics: ['x.conf:1:1: error: nope'] }));
    tick(2_000);
    expect(await source.reload()).toMatchObject({ outcome: 'refused' });
    expect(source.status().daemon.lastReload).toMatchObject({ outcome: 'refused', at: 1_002_000, diagnostics: ['x.conf:1:1: error: nope'] });
    const exp = parsePrometheusText(metrics.render(source.status()));
    expect(sampleValue(exp, 'vigil_reloads_total', { outcome: 'refused' })).toBe(1);
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
