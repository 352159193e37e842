import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loadConfig.js';
import { desiredIpvsTable } from '../../../src/ipvs/DesiredIpvsTable.js';
import { matrixConfig } from '../../integration/ipvs/vm/MatrixConfig.js';

// The VM suite's configuration must load cleanly and cover every combination it claims to.
describe('the VM suite matrix configuration', () => {
  it('loads without errors and yields every scheduler × protocol × family plus fwmark services, five methods each', () => {
    const { text, services } = matrixConfig({ syncInstance: 'VI_SYNC', virtualRouterId: 77 });
    const loaded = loadConfigText(text, 'matrix.conf');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    const desired = desiredIpvsTable(loaded.model!);
    expect(desired.problems).toEqual([]);
    expect(desired.table).toHaveLength(services.length);
    expect(services).toHaveLength(13 * 2 * 4);
    const combos = new Set(desired.table.flatMap((e) => e.dests.map((d) => `${e.service.scheduler}|${e.service.kind === 'inet' ? e.service.protocol : 'fwm'}|${e.service.af}|${d.forwarding}|${d.tunnelType ?? ''}`)));
    expect(combos.size).toBe(13 * 4 * 2 * 5);
  });
});
