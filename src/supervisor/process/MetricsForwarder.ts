import type { CheckerMetricsSink, CheckerResultEvent } from '../../checker/runtime/CheckerMetricsSink.js';
import type { IpvsSyncPass } from '../../ipvs/IpvsSync.js';
import type { MetricEvent } from './ChildMessages.js';

/** Up to this many events wait for one message; 10,000 probes a second make ~10 messages. */
const MAX_BATCH = 1_000;
const FLUSH_INTERVAL_MS = 1_000;

/**
 * The child's metrics: events are batched and sent to the parent, which owns the one
 * Prometheus endpoint. A batch goes when full or after a second, so a scrape is at most
 * about a second behind.
 */
export class MetricsForwarder implements CheckerMetricsSink {
  private batch: MetricEvent[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly sendBatch: (events: readonly MetricEvent[]) => void) {}

  checkerResult(result: CheckerResultEvent): void {
    this.add({ kind: 'checker-result', ...result });
  }

  ipvsPass(pass: IpvsSyncPass): void {
    this.add({ kind: 'ipvs-pass', pass });
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.sendBatch(events);
  }

  private add(event: MetricEvent): void {
    this.batch.push(event);
    if (this.batch.length >= MAX_BATCH) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }
}

/** The parent's side: replays a batch into its metrics. */
export function applyMetricEvents(events: readonly MetricEvent[], into: CheckerMetricsSink): void {
  for (const event of events) {
    if (event.kind === 'checker-result') {
      const { kind: _kind, ...result } = event;
      into.checkerResult(result);
    } else {
      into.ipvsPass(event.pass);
    }
  }
}
