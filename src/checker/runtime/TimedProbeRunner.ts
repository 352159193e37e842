import type { ProbeOutcome } from '../probe/ProbeOutcome.js';
import type { ProbeRunner } from '../probe/ProbeRunner.js';
import type { ProbeSpec } from '../probe/ProbeSpec.js';
import type { CheckerMetricsSink } from './CheckerMetricsSink.js';

/** keepalived's block names, which operators know from their configuration. */
function checkerBlockName(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'tcp':
      return 'TCP_CHECK';
    case 'http':
      return spec.tls ? 'SSL_GET' : 'HTTP_GET';
    case 'misc':
      return 'MISC_CHECK';
  }
}

/**
 * A ProbeRunner that times each probe of `inner` on the checker's monotonic clock and
 * reports its result to a metrics sink: the checker child's MetricsForwarder, which hands
 * the events to the parent's `VigilMetrics`.
 */
export function timedProbeRunner(inner: ProbeRunner, sink: Pick<CheckerMetricsSink, 'checkerResult'>, monotonicMs: () => number): ProbeRunner {
  return {
    async run(spec: ProbeSpec): Promise<ProbeOutcome> {
      const started = monotonicMs();
      const outcome = await inner.run(spec);
      try {
        sink.checkerResult({
          checker: checkerBlockName(spec),
          ok: outcome.ok,
          durationSeconds: Math.max(0, monotonicMs() - started) / 1000,
          ...(outcome.ok ? {} : { reason: outcome.reason }),
        });
      } catch {
        // Metrics are best effort: a failing sink must not turn into a probe failure.
      }
      return outcome;
    },
  };
}
