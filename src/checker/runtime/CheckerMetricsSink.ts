import type { IpvsSyncPass } from '../../ipvs/IpvsSync.js';

/** One probe result, as the metrics count it (`checker` is keepalived's block name, `TCP_CHECK`...). */
export interface CheckerResultEvent {
  checker: string;
  ok: boolean;
  durationSeconds: number;
  reason?: string;
}

/**
 * Where the checker side's metric events go: the supervisor's `VigilMetrics` has exactly
 * these methods; the checker child forwards them to the parent.
 */
export interface CheckerMetricsSink {
  checkerResult(result: CheckerResultEvent): void;
  ipvsPass(pass: IpvsSyncPass): void;
}
