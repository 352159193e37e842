import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loadConfig.js';
import { startIpvsRuntime } from '../../../src/ipvs/IpvsRuntime.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { ManualTimers } from './support/ManualTimers.js';
import { RecordingLog } from './support/RecordingLog.js';

const CONFIG = loadConfigText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 198.51.100.2 80 { }\n}\n', 'rt.conf').model!;

describe('startIpvsRuntime', () => {
  it('starts syncing when the kernel has IPVS', async () => {
    const kernel = new FakeIpvsKernel();
    const runtime = await startIpvsRuntime({ config: CONFIG, timers: new ManualTimers(), client: { open: fakeIpvsTransport(kernel).open } });
    expect(runtime.ok).toBe(true);
    expect(kernel.table()).toHaveLength(1);
    if (runtime.ok) {
      await runtime.sync.stop();
      runtime.client.close();
    }
    expect(kernel.table()).toEqual([]);
  });

  it('reports a kernel without IPVS as a result, not a crash, and logs that the rest keeps running', async () => {
    const log = new RecordingLog();
    const runtime = await startIpvsRuntime({ config: CONFIG, log, client: { open: fakeIpvsTransport(new FakeIpvsKernel(), { ipvsRegistered: false }).open } });
    expect(runtime.ok).toBe(false);
    if (!runtime.ok) expect(runtime.error.code).toBe('IPVS_UNAVAILABLE');
    expect(log.matching(/IPVS unavailable: .*VRRP and checkers keep running/)).toHaveLength(1);
  });
});
