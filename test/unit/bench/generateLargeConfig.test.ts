import { describe, expect, it } from 'vitest';
import { generateLargeConfig } from '../../../bench/config/generateLargeConfig.js';
import { loadConfigText } from '../../../src/config/loadConfig.js';

describe('bench/config generator', () => {
  it('produces a valid config of the requested size, so the benchmark measures the success path', () => {
    const r = loadConfigText(generateLargeConfig(300, 4), 'generated.conf', { configId: 'bench' });
    expect(r.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    expect(r.model?.virtualServers).toHaveLength(300);
    expect(r.model?.virtualServers.every((vs) => vs.realServers.length === 4)).toBe(true);
    expect(r.model?.vrrpInstances).toHaveLength(4);
  });
});
