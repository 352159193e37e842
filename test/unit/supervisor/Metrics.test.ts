import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { VigilMetrics } from '../../../src/supervisor/Metrics.js';
import { parsePrometheusText, sampleValue } from './parsePrometheusText.js';
import { loadStatusFixture } from './statusFixture.js';

function scrapeAfterActivity(): string {
  const metrics = new VigilMetrics({ version: '0.1.0', nodeVersion: '20.19.0' });
  metrics.vrrpTransition('VI_1', 'INIT', 'BACKUP');
  metrics.vrrpTransition('VI_1', 'BACKUP', 'MASTER', 'master-down-timer');
  metrics.checkerResult({ checker: 'TCP_CHECK', ok: true, durationSeconds: 0.002 });
  metrics.checkerResult({ checker: 'TCP_CHECK', ok: false, durationSeconds: 0.0005, reason: 'connect-refused' });
  metrics.ipvsPass({ reason: 'start', operations: 3, failures: [], restored: 0 });
  metrics.ipvsPass({ reason: 'checker', operations: 1, failures: ['del-dest [198.51.100.12]:80: ENOENT'], restored: 0 });
  metrics.ipvsPass({ reason: 'drift-repair', operations: 2, failures: [], restored: 2 });
  metrics.reload('applied');
  metrics.reload('refused');
  metrics.reload('refused');
  return metrics.render(loadStatusFixture());
}

describe('VigilMetrics', () => {
  const exp = parsePrometheusText(scrapeAfterActivity());

  it('shows VRRP state as a state set, priority, adverts and drops by reason', () => {
    expect(sampleValue(exp, 'vigil_vrrp_state', { vrrp_instance: 'VI_1', state: 'MASTER' })).toBe(1);
    expect(sampleValue(exp, 'vigil_vrrp_state', { vrrp_instance: 'VI_1', state: 'BACKUP' })).toBe(0);
    expect(sampleValue(exp, 'vigil_vrrp_state', { vrrp_instance: 'VI_6', state: 'BACKUP' })).toBe(1);
    expect(exp.samples.filter((s) => s.name === 'vigil_vrrp_state').length).toBe(8);
    expect(sampleValue(exp, 'vigil_vrrp_priority', { vrrp_instance: 'VI_6' })).toBe(90);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_sent_total', { vrrp_instance: 'VI_1' })).toBe(3597);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_sent_total', { vrrp_instance: 'VI_6' })).toBe(0);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_received_total', { vrrp_instance: 'VI_6' })).toBe(3590);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_received_total', { vrrp_instance: 'VI_1' })).toBe(12);
    expect(exp.types.get('vigil_vrrp_adverts_sent_total')).toBe('counter');
    expect(exp.types.get('vigil_vrrp_adverts_received_total')).toBe('counter');
    expect(sampleValue(exp, 'vigil_vrrp_last_advert_priority', { vrrp_instance: 'VI_6' })).toBe(120);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_dropped_total', { vrrp_instance: 'VI_1', interface: '', reason: 'auth-fail' })).toBe(3);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_dropped_total', { vrrp_instance: '', interface: 'eth0', reason: 'unknown-vrid' })).toBe(7);
    expect(sampleValue(exp, 'vigil_vrrp_adverts_dropped_total', { vrrp_instance: '', interface: 'eth1', reason: 'ip-fragment' })).toBe(2);
    expect(sampleValue(exp, 'vigil_vrrp_receive_errors_total', { interface: 'eth0' })).toBe(1);
    expect(sampleValue(exp, 'vigil_vrrp_transitions_total', { vrrp_instance: 'VI_1', from: 'BACKUP', to: 'MASTER' })).toBe(1);
    expect(exp.types.get('vigil_vrrp_transitions_total')).toBe('counter');
  });

  it('counts transitions by reason when the VRRP side gives one', () => {
    expect(sampleValue(exp, 'vigil_vrrp_transition_reasons_total', { vrrp_instance: 'VI_1', to: 'MASTER', reason: 'master-down-timer' })).toBe(1);
    // The INIT -> BACKUP above came without a reason: counted as a transition only.
    expect(exp.samples.filter((s) => s.name === 'vigil_vrrp_transition_reasons_total')).toHaveLength(1);
    expect(sampleValue(exp, 'vigil_vrrp_transitions_total', { vrrp_instance: 'VI_1', from: 'INIT', to: 'BACKUP' })).toBe(1);
    expect(exp.types.get('vigil_vrrp_transition_reasons_total')).toBe('counter');
  });

  it('shows real servers up/down, weights, quorum and checker results with latency', () => {
    expect(sampleValue(exp, 'vigil_real_server_up', { virtual_server: '[203.0.113.100]:tcp:80', real_server: '[198.51.100.11]:tcp:80' })).toBe(1);
    expect(sampleValue(exp, 'vigil_real_server_up', { virtual_server: '[203.0.113.100]:tcp:80', real_server: '[198.51.100.12]:tcp:80' })).toBe(0);
    expect(sampleValue(exp, 'vigil_real_servers', { virtual_server: '[203.0.113.100]:tcp:80', health: 'down' })).toBe(1);
    expect(sampleValue(exp, 'vigil_virtual_server_quorum_up', { virtual_server: '[203.0.113.100]:tcp:80' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_results_total', { checker: 'TCP_CHECK', result: 'failure' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_results_total', { checker: 'TCP_CHECK', result: 'success' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_failures_total', { checker: 'TCP_CHECK', reason: 'connect-refused' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_bucket', { checker: 'TCP_CHECK', le: '0.001' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_bucket', { checker: 'TCP_CHECK', le: '0.005' })).toBe(2);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_count', { checker: 'TCP_CHECK' })).toBe(2);
  });

  it('shows IPVS operations, errors, ownership, reloads and build info', () => {
    expect(sampleValue(exp, 'vigil_ipvs_operations_total', { reason: 'start' })).toBe(3);
    expect(sampleValue(exp, 'vigil_ipvs_operation_errors_total', { reason: 'checker' })).toBe(1);
    expect(sampleValue(exp, 'vigil_ipvs_drift_repairs_total')).toBe(2);
    expect(sampleValue(exp, 'vigil_ipvs_owned_dests')).toBe(1);
    expect(sampleValue(exp, 'vigil_ipvs_sync_running')).toBe(1);
    expect(sampleValue(exp, 'vigil_reloads_total', { outcome: 'refused' })).toBe(2);
    expect(sampleValue(exp, 'vigil_reloads_total', { outcome: 'applied' })).toBe(1);
    expect(sampleValue(exp, 'vigil_build_info', { version: '0.1.0', node_version: '20.19.0' })).toBe(1);
    expect(sampleValue(exp, 'vigil_start_time_seconds')).toBe(1763715600);
  });

  it('never uses the labels Prometheus attaches to every target (instance, job)', () => {
    expect(exp.samples.filter((s) => 'instance' in s.labels || 'job' in s.labels)).toEqual([]);
  });

  it('leaves out the side this process does not run', () => {
    const status = { ...loadStatusFixture(), vrrp: null, ipvs: null };
    const only = parsePrometheusText(new VigilMetrics({ version: 'v', nodeVersion: 'n' }).render(status));
    expect(only.types.has('vigil_vrrp_state')).toBe(false);
    expect(only.types.has('vigil_ipvs_owned_dests')).toBe(false);
    expect(only.types.has('vigil_real_server_up')).toBe(true);
  });

  const promtool = process.env['PROMTOOL'] ?? 'promtool';
  it.skipIf(spawnSync(promtool, ['--version']).status !== 0)('passes promtool check metrics (Prometheus own linter)', () => {
    const r = spawnSync(promtool, ['check', 'metrics'], { input: scrapeAfterActivity(), encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
