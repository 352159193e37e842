import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VRRP election tests: ${support.reason}`);

const VIP = '192.0.2.100';
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

describe.skipIf(!support.ok && !mustRun)('Vigil directors electing a master on a bridge', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await bed.stopAll(5_000);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const start = (host: string, priority: number, extra = ''): DaemonHandle => {
    return bed.startVigil(host, configText(instanceText({ priority, extra })));
  };

  it('elects the higher priority; the other stays BACKUP; one VIP holder', async () => {
    const d1 = start('d1', 150);
    const d2 = start('d2', 100);
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    const watch = bed.watchHolders(VIP, HOSTS);
    await new Promise((r) => setTimeout(r, 4_000));
    const seen = await watch.stop();
    expect(seen.longestOverlapMs).toBe(0);
    expect(await bed.holders(VIP, HOSTS)).toEqual(['d1']);
    expect(d2.process.stdout).not.toMatch(/Entering MASTER STATE/);
    expect(d1.process.stdout).toMatch(/\(VI_1\) Sending\/queueing gratuitous ARPs on eth0 for 192\.0\.2\.100/);
  });

  it('fails over when the master is killed with SIGKILL (process group); a restart drops the leftover VIP, then preempts', async () => {
    const d1 = start('d1', 150);
    const d2 = start('d2', 100);
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await bed.crash(d1);
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    // The dead master's VIP stays on its interface (nothing removed it); d2 holds it too once
    // its address request is through (the log line comes first: wait, bounded).
    await bed.waitSoleHolder(VIP, 'd2', ['d2'], WAIT_MS);
    expect(await bed.holders(VIP, HOSTS)).toEqual(['d1', 'd2']);
    // Restarted (here at a lower priority, so it stays BACKUP), d1 first drops the leftover VIP.
    const low = start('d1', 50);
    await low.process.waitForOutput(/\(VI_1\) removing VIPs\./, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
    await bed.stop(low);
    // Back at its own priority, it preempts.
    const again = start('d1', 150);
    await again.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await d2.process.waitForOutput(/\(VI_1\) Master received advert from 192\.0\.2\.1 with higher priority 150, ours 100/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
  });

  it('hands over fast on SIGTERM: priority-0 advert, VIP removed, pid files gone', async () => {
    const d1 = start('d1', 150);
    const d2 = start('d2', 100);
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    const capture = await bed.capture('sigterm', ['vrrp']);
    try {
      await bed.stop(d1);
      expect(d1.process.exitStatus?.code).toBe(0);
      expect(d1.process.stdout).toMatch(/\(VI_1\) sent 0 priority|Stopped Vigil/);
      await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
      expect(d2.process.stdout).toMatch(/\(VI_1\) Entering MASTER STATE/);
    } finally {
      const pcap = await capture.stop();
      // Ethernet 14 + IPv4 20: VRRP priority at byte 36; d1's priority-0 advert from 192.0.2.1.
      const zero = pcap.frames.filter((f) => f.data[23] === 112 && f.data.subarray(26, 30).join('.') === '192.0.2.1' && f.data[36] === 0);
      expect(zero.length).toBeGreaterThanOrEqual(1);
    }
    const { existsSync } = await import('node:fs');
    expect(existsSync(d1.pidFile)).toBe(false);
    expect(existsSync(d1.vrrpPidFile)).toBe(false);
  });

  it('nopreempt: a higher priority joining later stays BACKUP', async () => {
    const d2 = start('d2', 100, 'nopreempt');
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    const d1 = start('d1', 150, 'nopreempt');
    await d1.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    // Several Master_Down_Intervals (3.4 s at priority 150): still d2.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(d1.process.stdout).not.toMatch(/Entering MASTER STATE/);
    expect(await bed.holders(VIP, HOSTS)).toEqual(['d2']);
  });

  it('preempt (the default): a higher priority joining later takes over', async () => {
    const d2 = start('d2', 100);
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
    start('d1', 150);
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE(?! \(init\))/, { timeoutMs: WAIT_MS });
  });
});
