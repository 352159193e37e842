import type { ProbeOutcome } from '../checker/probe/ProbeOutcome.js';
import type { ProbeRunner } from '../checker/probe/ProbeRunner.js';
import type { ProbeSpec } from '../checker/probe/ProbeSpec.js';
import type { VigilMetrics } from './Metrics.js';

/** keepalived's block names, which operators know from their configuration. */
function checkerName(spec: ProbeSpec): string {
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
 * A ProbeRunner that times every probe of the one it wraps and counts its result in the
 * metrics. Hand it to the CheckerEngine (`runner` option) in place of networkProbeRunner.
 */
export function measuredProbeRunner(inner: ProbeRunner, metrics: VigilMetrics, monotonicMs: () => number = () => performance.now()): ProbeRunner {
  return {
    async run(spec: ProbeSpec): Promise<ProbeOutcome> {
      const started = monotonicMs();
      const outcome = await inner.run(spec);
      metrics.checkerResult({
        checker: checkerName(spec),
        ok: outcome.ok,
        durationSeconds: Math.max(0, monotonicMs() - started) / 1000,
        ...(outcome.ok ? {} : { reason: outcome.reason }),
      });
      return outcome;
    },
  };
}
