import { describe, expect, it } from 'vitest';
import { probeFailure, probeSuccess } from '../../../src/checker/probe/ProbeOutcome.js';
import type { ProbeSpec } from '../../../src/checker/probe/ProbeSpec.js';
import { timedProbeRunner } from '../../../src/checker/runtime/TimedProbeRunner.js';
import { VigilMetrics } from '../../../src/supervisor/Metrics.js';
import { parsePrometheusText, sampleValue } from './parsePrometheusText.js';
import { loadStatusFixture } from './statusFixture.js';

const target = { host: '198.51.100.11', port: 443, family: 4 as const, bindAddress: null, bindPort: null, timeoutMs: 3000 };
const tls: ProbeSpec = { kind: 'http', tls: true, target, protocol: '1.0', urls: [], maxResponseBytes: 1 << 20 };
const tcp: ProbeSpec = { kind: 'tcp', target };

// The checker child's probe timing, counted in the parent's metrics (VigilMetrics is a CheckerMetricsSink).
describe('timedProbeRunner into VigilMetrics', () => {
  it('passes outcomes through and records kind, result, reason and duration from the injected clock', async () => {
    let now = 100;
    const metrics = new VigilMetrics({ version: 'v', nodeVersion: 'n' });
    const runner = timedProbeRunner(
      {
        run: async (spec) => {
          now += spec.kind === 'tcp' ? 2 : 300;
          return spec.kind === 'tcp' ? probeFailure('connect-refused', 'refused') : probeSuccess('200 /');
        },
      },
      metrics,
      () => now,
    );
    expect(await runner.run(tcp)).toMatchObject({ ok: false, reason: 'connect-refused' });
    expect(await runner.run(tls)).toMatchObject({ ok: true });
    const exp = parsePrometheusText(metrics.render(loadStatusFixture()));
    expect(sampleValue(exp, 'vigil_checker_results_total', { checker: 'TCP_CHECK', result: 'failure' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_results_total', { checker: 'SSL_GET', result: 'success' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_failures_total', { checker: 'TCP_CHECK', reason: 'connect-refused' })).toBe(1);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_sum', { checker: 'TCP_CHECK' })).toBe(0.002);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_bucket', { checker: 'SSL_GET', le: '0.25' })).toBe(0);
    expect(sampleValue(exp, 'vigil_checker_probe_duration_seconds_bucket', { checker: 'SSL_GET', le: '0.5' })).toBe(1);
  });
});
