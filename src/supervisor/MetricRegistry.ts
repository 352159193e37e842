import { VigilError } from '../core/VigilError.js';
import { isValidLabelName, isValidMetricName, type MetricFamily, type MetricSample } from './PrometheusText.js';

type Labels<L extends string> = Readonly<Record<L, string>>;

interface Series<L extends string> {
  readonly labels: Labels<L>;
}

/** Identity of a label set, in the declared label order. */
function seriesKey(labelNames: readonly string[], labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(labelNames.map((n) => labels[n] ?? ''));
}

abstract class LabelledMetric<L extends string, S extends Series<L>> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {
    if (!isValidMetricName(name)) throw new VigilError('METRIC_NAME_INVALID', `invalid metric name ${name}`);
    for (const l of labelNames) if (!isValidLabelName(l) || l === 'le') throw new VigilError('METRIC_LABEL_INVALID', `invalid label name ${l} on ${name}`);
  }

  protected seriesFor(labels: Labels<L>, create: (labels: Labels<L>) => S): S {
    const key = seriesKey(this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      // Keep only declared labels, in declared order, so output is stable.
      const copy = Object.fromEntries(this.labelNames.map((n) => [n, labels[n]])) as Labels<L>;
      s = create(copy);
      this.series.set(key, s);
    }
    return s;
  }

  /** Drops every series (a removed instance or real server must not keep reporting). */
  reset(): void {
    this.series.clear();
  }

  abstract collect(): MetricFamily;
}

interface ValueSeries<L extends string> extends Series<L> {
  value: number;
}

export class Counter<L extends string = never> extends LabelledMetric<L, ValueSeries<L>> {
  inc(labels: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new VigilError('METRIC_COUNTER_DECREASE', `counter ${this.name} can only increase (by ${by})`);
    this.seriesFor(labels, (l) => ({ labels: l, value: 0 })).value += by;
  }

  collect(): MetricFamily {
    return { name: this.name, help: this.help, type: 'counter', samples: [...this.series.values()].map((s) => ({ suffix: '', labels: s.labels, value: s.value })) };
  }
}

export class Gauge<L extends string = never> extends LabelledMetric<L, ValueSeries<L>> {
  set(labels: Labels<L>, value: number): void {
    this.seriesFor(labels, (l) => ({ labels: l, value: 0 })).value = value;
  }

  collect(): MetricFamily {
    return { name: this.name, help: this.help, type: 'gauge', samples: [...this.series.values()].map((s) => ({ suffix: '', labels: s.labels, value: s.value })) };
  }
}

interface HistogramSeries<L extends string> extends Series<L> {
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends LabelledMetric<L, HistogramSeries<L>> {
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) {
    super(name, help, labelNames);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new VigilError('METRIC_BUCKETS_INVALID', `histogram ${name} needs distinct finite buckets`);
    this.buckets = sorted;
  }

  observe(labels: Labels<L>, value: number): void {
    const s = this.seriesFor(labels, (l) => ({ labels: l, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 }));
    const index = this.buckets.findIndex((b) => value <= b);
    const slot = index === -1 ? this.buckets.length : index;
    s.counts[slot] = (s.counts[slot] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  collect(): MetricFamily {
    const samples: MetricSample[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (const [i, bound] of [...this.buckets, Infinity].entries()) {
        cumulative += s.counts[i] ?? 0;
        samples.push({ suffix: '_bucket', labels: { ...s.labels, le: bound === Infinity ? '+Inf' : String(bound) }, value: cumulative });
      }
      samples.push({ suffix: '_sum', labels: s.labels, value: s.sum });
      samples.push({ suffix: '_count', labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', samples };
  }
}
