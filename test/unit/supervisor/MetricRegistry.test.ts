import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import { Counter, Gauge, Histogram } from '../../../src/supervisor/MetricRegistry.js';

describe('MetricRegistry', () => {
  it('counts per label set, in declared label order', () => {
    const c = new Counter('t_total', 'T.', ['instance', 'to']);
    c.inc({ to: 'MASTER', instance: 'VI_1' });
    c.inc({ instance: 'VI_1', to: 'MASTER' }, 2);
    c.inc({ instance: 'VI_2', to: 'BACKUP' });
    expect(c.collect().samples).toEqual([
      { suffix: '', labels: { instance: 'VI_1', to: 'MASTER' }, value: 3 },
      { suffix: '', labels: { instance: 'VI_2', to: 'BACKUP' }, value: 1 },
    ]);
  });

  it('refuses to decrease a counter', () => {
    const c = new Counter('t_total', 'T.', []);
    expect(() => c.inc({}, -1)).toThrow(expect.objectContaining({ code: 'METRIC_COUNTER_DECREASE' }));
  });

  it('refuses invalid names, reserved labels and the le label', () => {
    const codes: string[] = [];
    for (const make of [() => new Gauge('1bad', 'x', []), () => new Gauge('ok', 'x', ['__x']), () => new Histogram('h', 'x', ['le'], [1])]) {
      try {
        make();
      } catch (e) {
        if (isVigilError(e)) codes.push(e.code);
      }
    }
    expect(codes).toEqual(['METRIC_NAME_INVALID', 'METRIC_LABEL_INVALID', 'METRIC_LABEL_INVALID']);
  });

  it('sets gauges and forgets series on reset', () => {
    const g = new Gauge('g', 'G.', ['rs']);
    g.set({ rs: 'a' }, 1);
    g.set({ rs: 'a' }, 0);
    expect(g.collect().samples).toEqual([{ suffix: '', labels: { rs: 'a' }, value: 0 }]);
    g.reset();
    expect(g.collect().samples).toEqual([]);
  });

  it('keeps cumulative histogram buckets with +Inf, sum and count', () => {
    const h = new Histogram('d_seconds', 'D.', ['checker'], [0.5, 0.1]);
    for (const v of [0.05, 0.1, 0.3, 7]) h.observe({ checker: 'TCP_CHECK' }, v);
    const samples = h.collect().samples;
    expect(samples.map((s) => [s.suffix, s.labels['le'], s.value])).toEqual([
      ['_bucket', '0.1', 2],
      ['_bucket', '0.5', 3],
      ['_bucket', '+Inf', 4],
      ['_sum', undefined, 7.45],
      ['_count', undefined, 4],
    ]);
  });
});
