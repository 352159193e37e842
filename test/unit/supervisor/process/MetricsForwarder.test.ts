import { describe, expect, it } from 'vitest';
import type { IpvsSyncPass } from '../../../../src/ipvs/IpvsSync.js';
import type { MetricEvent } from '../../../../src/supervisor/process/ChildMessages.js';
import { applyMetricEvents, MetricsForwarder } from '../../../../src/supervisor/process/MetricsForwarder.js';
import { VigilMetrics } from '../../../../src/supervisor/Metrics.js';

describe('MetricsForwarder', () => {
  it('batches child events and the parent replays them into its metrics', () => {
    const batches: (readonly MetricEvent[])[] = [];
    const f = new MetricsForwarder((events) => batches.push(events));
    f.checkerResult({ checker: 'HTTP_GET', ok: true, durationSeconds: 0.01 });
    f.checkerResult({ checker: 'TCP_CHECK', ok: false, durationSeconds: 5, reason: 'connect-timeout' });
    const pass: IpvsSyncPass = { reason: 'checker', operations: 3, failures: ['x'], restored: 0 };
    f.ipvsPass(pass);
    expect(batches).toHaveLength(0);
    f.flush();
    expect(batches).toHaveLength(1);
    f.flush();
    expect(batches).toHaveLength(1);

    const metrics = new VigilMetrics({ version: '0', nodeVersion: '20' });
    applyMetricEvents(batches[0] ?? [], metrics);
    const text = metrics.render({
      takenAt: 0,
      daemon: { pid: 1, version: '0', configFile: 'x', startedAt: 0, lastReload: null },
      vrrp: null,
      checkers: null,
      ipvs: null,
    });
    expect(text).toMatch(/vigil_checker_results_total\{checker="HTTP_GET",result="success"\} 1/);
    expect(text).toMatch(/vigil_checker_failures_total\{checker="TCP_CHECK",reason="connect-timeout"\} 1/);
    expect(text).toMatch(/vigil_ipvs_operations_total\{reason="checker"\} 3/);
    expect(text).toMatch(/vigil_ipvs_operation_errors_total\{reason="checker"\} 1/);
  });

  it('sends a full batch at once', () => {
    const batches: (readonly MetricEvent[])[] = [];
    const f = new MetricsForwarder((events) => batches.push(events));
    for (let i = 0; i < 1_000; i++) f.checkerResult({ checker: 'TCP_CHECK', ok: true, durationSeconds: 0 });
    expect(batches.map((b) => b.length)).toEqual([1_000]);
  });
});
