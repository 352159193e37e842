import { describe, expect, it } from 'vitest';
import { renderPrometheusText } from '../../../src/supervisor/PrometheusText.js';
import { parsePrometheusText } from './parsePrometheusText.js';

describe('renderPrometheusText', () => {
  it('writes HELP and TYPE before the samples of each family', () => {
    const text = renderPrometheusText([
      { name: 'vigil_up', help: 'Up.', type: 'gauge', samples: [{ suffix: '', labels: {}, value: 1 }] },
      { name: 'vigil_x_total', help: 'X.', type: 'counter', samples: [{ suffix: '', labels: { a: 'b', c: 'd' }, value: 2.5 }] },
    ]);
    expect(text).toBe('# HELP vigil_up Up.\n# TYPE vigil_up gauge\nvigil_up 1\n# HELP vigil_x_total X.\n# TYPE vigil_x_total counter\nvigil_x_total{a="b",c="d"} 2.5\n');
  });

  it('escapes label values and help text and spells out infinities', () => {
    const text = renderPrometheusText([
      { name: 'm', help: 'back\\slash\nnewline "quotes stay"', type: 'gauge', samples: [{ suffix: '', labels: { v: 'a"b\\c\nd' }, value: Infinity }, { suffix: '', labels: { v: 'x' }, value: NaN }] },
    ]);
    expect(text).toContain('# HELP m back\\\\slash\\nnewline "quotes stay"\n');
    expect(text).toContain('m{v="a\\"b\\\\c\\nd"} +Inf\n');
    expect(text).toContain('m{v="x"} NaN\n');
    const parsed = parsePrometheusText(text);
    expect(parsed.samples[0]?.labels['v']).toBe('a"b\\c\nd');
  });

  it('renders nothing for no families', () => {
    expect(renderPrometheusText([])).toBe('');
  });
});
