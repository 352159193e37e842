import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping three-director tests: ${support.reason}`);

const VIP = '192.0.2.100';
const HOSTS = ['d1', 'd2', 'd3'];
const WAIT_MS = 30_000;

describe.skipIf(!support.ok && !mustRun)('three Vigil directors on one bridge', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(3);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  it('elects the highest; on its crash the next highest (not the lowest) takes over', async () => {
    const d1 = bed.startVigil('d1', configText(instanceText({ priority: 150 })));
    const d2 = bed.startVigil('d2', configText(instanceText({ priority: 120 })));
    const d3 = bed.startVigil('d3', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await d3.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await bed.crash(d1);
    // Skew_Time makes the 120 backup time out 0.08 s before the 100 one (RFC 3768 §6.1).
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', ['d2', 'd3'], WAIT_MS);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await bed.holders(VIP, ['d2', 'd3'])).toEqual(['d2']);
    await bed.stop(d2);
    await bed.waitSoleHolder(VIP, 'd3', ['d2', 'd3'], WAIT_MS);
    await bed.stop(d3);
  });
});
