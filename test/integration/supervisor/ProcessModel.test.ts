import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, runCommand, waitFor } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, VIGIL_MAIN, type DaemonHandle } from '../vrrp/DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping process-model tests: ${support.reason}`);

const VIP = '192.0.2.100';
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

function pidIn(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

/** Samples who holds `vip` until stopped; `notOnly` counts samples where `expected` was not the sole holder. */
function soleHolderSampler(bed: DirectorBed, vip: string, expected: string): { stop(): Promise<{ samples: number; notOnly: number }> } {
  let running = true;
  let samples = 0;
  let notOnly = 0;
  const done = (async () => {
    while (running) {
      const held = await bed.holders(vip, HOSTS).catch(() => null);
      if (held !== null) {
        samples++;
        if (held.length !== 1 || held[0] !== expected) notOnly++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { samples, notOnly };
    },
  };
}

describe.skipIf(!support.ok && !mustRun)('the daemon as a parent with children', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await bed.stopAll(10_000);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const start = (host: string, config: string): DaemonHandle => bed.startVigil(host, config);

  it('runs VRRP in a child: the parent and the VRRP child have their own pid files', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    const parent = pidIn(d1.pidFile);
    const child = pidIn(d1.vrrpPidFile);
    expect(parent).toBe(d1.process.pid);
    expect(child).not.toBe(parent);
    expect(alive(child)).toBe(true);
    // The child's command line is our child entry point, its parent our daemon.
    const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(parent);
  });

  it('survives kill -9 of the backup VRRP child: the master never notices, the child is respawned', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    const d2 = start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    const sampler = soleHolderSampler(bed, VIP, 'd1');
    const old = pidIn(d2.vrrpPidFile);
    process.kill(old, 'SIGKILL');
    await d2.process.waitForOutput(/VRRP child \(pid \d+\) exited unexpectedly \(signal SIGKILL\)/, { timeoutMs: WAIT_MS });
    await waitFor(() => existsSync(d2.vrrpPidFile) && pidIn(d2.vrrpPidFile) !== old && count(d2.process.stdout, /VRRP child started with pid/) === 2, {
      timeoutMs: WAIT_MS,
      description: 'a new VRRP child on d2',
    });
    await d2.process.waitForOutput(/Entering BACKUP STATE[\s\S]*Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    // Several advert intervals with the respawned backup listening.
    await new Promise((r) => setTimeout(r, 4_000));
    const seen = await sampler.stop();
    expect(seen.samples).toBeGreaterThan(10);
    expect(seen.notOnly).toBe(0);
    expect(count(d1.process.stdout, /Entering MASTER STATE/)).toBe(1);
    expect(d2.process.stdout).not.toMatch(/Entering MASTER STATE/);
    expect(alive(d2.process.pid)).toBe(true);
  });

  it('survives kill -9 of the master VRRP child without a split brain, and the status counts the restart', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    const d2 = start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    const watch = bed.watchHolders(VIP, HOSTS);
    process.kill(pidIn(d1.vrrpPidFile), 'SIGKILL');
    // The respawned child starts as BACKUP (RFC 5798 §6.4.1), drops the VIP its predecessor
    // left, and preempts d2 again with its higher priority.
    await d1.process.waitForOutput(/Restarting VRRP child/, { timeoutMs: WAIT_MS });
    await d1.process.waitForOutput(/Entering MASTER STATE[\s\S]*Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await new Promise((r) => setTimeout(r, 3_000));
    const seen = await watch.stop();
    expect(await bed.holders(VIP, HOSTS)).toEqual(['d1']);
    // Two holders only while one takes over from the other (a preemption), never for long.
    expect(seen.longestOverlapMs).toBeLessThan(3_000);
    const r = await runCommand([process.execPath, VIGIL_MAIN, 'status', '--json', '-p', d1.pidFile], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { daemon: { children: { role: string; restarts: number; running: boolean; lastExit: string }[] }; vrrp: { instances: { state: string }[] } };
    expect(status.daemon.children).toEqual([expect.objectContaining({ role: 'vrrp', restarts: 1, running: true, lastExit: 'signal SIGKILL' })]);
    expect(status.vrrp.instances[0]?.state).toBe('MASTER');
    // The master counts its adverts; the backup names it and the priority it advertises.
    type InstanceView = { state: string; master: string | null; advertsSent: number; lastAdvertPriority: number | null; lastTransitionReason: string | null };
    expect((status.vrrp.instances[0] as InstanceView).advertsSent).toBeGreaterThan(0);
    const r2 = await runCommand([process.execPath, VIGIL_MAIN, 'status', '--json', '-p', d2.pidFile], { timeoutMs: 20_000 });
    expect(r2.code).toBe(0);
    const backup = (JSON.parse(r2.stdout) as { vrrp: { instances: InstanceView[] } }).vrrp.instances[0];
    expect(backup).toMatchObject({ state: 'BACKUP', master: '192.0.2.1', lastAdvertPriority: 150 });
    // Preempted by the respawned child, or never master if that child won the race.
    expect(['higher-priority-advert', 'startup']).toContain(backup?.lastTransitionReason);
  });

  it('SIGTERM to the parent alone stops the children: priority 0, no VIP left, no process, no pid file', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    const child = pidIn(d1.vrrpPidFile);
    process.kill(d1.process.pid, 'SIGTERM');
    await waitFor(() => d1.process.groupIsEmpty(), { timeoutMs: WAIT_MS, description: 'the daemon and its child to exit' });
    expect(d1.process.exitStatus?.code).toBe(0);
    expect(alive(child)).toBe(false);
    expect(await bed.holders(VIP, ['d1'])).toEqual([]);
    expect(existsSync(d1.pidFile)).toBe(false);
    expect(existsSync(d1.vrrpPidFile)).toBe(false);
    expect(d1.process.stdout).toMatch(/VRRP child stopped/);
  });

  it('SIGTERM during start-up is held until Vigil runs, then stops it gracefully (exit 0, nothing left)', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    // Printed once the parent's signal handlers are in place, long before the children run.
    await d1.process.waitForOutput(/Starting Vigil, reading/, { timeoutMs: WAIT_MS });
    process.kill(d1.process.pid, 'SIGTERM');
    const exit = await d1.process.exited;
    expect(exit.code).toBe(0);
    expect(d1.process.stdout).toMatch(/Received SIGTERM during start-up/);
    expect(d1.process.stdout).toMatch(/Stopped Vigil/);
    await waitFor(() => d1.process.groupIsEmpty(), { timeoutMs: WAIT_MS, description: 'no process left' });
    expect(await bed.holders(VIP, ['d1'])).toEqual([]);
    expect(existsSync(d1.pidFile)).toBe(false);
  });

  it('kill -9 of the parent: the child notices and stops gracefully (children die with the parent)', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    const child = pidIn(d1.vrrpPidFile);
    process.kill(d1.process.pid, 'SIGKILL');
    await waitFor(() => !alive(child), { timeoutMs: WAIT_MS, description: 'the orphaned VRRP child to stop' });
    expect(d1.process.stdout).toMatch(/Stopping VRRP child/);
    // A graceful stop, not a crash: the VIP went with it.
    expect(await bed.holders(VIP, ['d1'])).toEqual([]);
  });

  it('a reload storm (100 SIGHUPs, valid and invalid alternating) never disturbs a master whose instance did not change', async () => {
    const vi2 = instanceText({ name: 'VI_2', vrid: 52, priority: 150, vip: '192.0.2.101/24' });
    const base = configText(instanceText({ priority: 150 }));
    const withVi2 = configText(instanceText({ priority: 150 }) + vi2);
    const invalid = configText(instanceText({ priority: 150 }) + vi2.replace('priority 150', 'priority 300'));
    const d1 = start('d1', base);
    const d2 = start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    const capture = await bed.capture('reload-storm', ['vrrp']);
    const sampler = soleHolderSampler(bed, VIP, 'd1');
    const started = Date.now();
    try {
      for (let i = 0; i < 100; i++) {
        writeFileSync(d1.configFile, i % 2 === 1 ? invalid : i % 4 === 0 ? withVi2 : base);
        process.kill(d1.process.pid, 'SIGHUP');
        await new Promise((r) => setTimeout(r, 60));
      }
      // End on a known valid configuration and wait for it to be in force.
      writeFileSync(d1.configFile, withVi2);
      process.kill(d1.process.pid, 'SIGHUP');
      await bed.waitSoleHolder('192.0.2.101', 'd1', HOSTS, WAIT_MS);
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      const seen = await sampler.stop();
      const pcap = await capture.stop();
      const seconds = (Date.now() - started) / 1000;
      // Ethernet 14 + IPv4 20: VRRP VRID at byte 35; d1's VI_1 adverts from 192.0.2.1.
      const adverts = pcap.frames.filter((f) => f.data[23] === 112 && f.data.subarray(26, 30).join('.') === '192.0.2.1' && f.data[35] === 51);
      expect(seen.samples).toBeGreaterThan(20);
      expect(seen.notOnly).toBe(0);
      // One advert a second (advert_int 1), none extra for the reloads.
      expect(adverts.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
      expect(adverts.every((f) => f.data[36] === 150)).toBe(true);
    }
    const out = d1.process.stdout;
    expect(out).toMatch(/Reload refused/);
    expect(out).toMatch(/Reload: new configuration applied/);
    expect(out).toMatch(/priority.*300|300.*priority/i);
    // VI_1 entered MASTER once, at start, and never left it.
    expect(count(out, /\(VI_1\) Entering MASTER STATE/)).toBe(1);
    expect(out).not.toMatch(/\(VI_1\) Entering (BACKUP|FAULT) STATE[\s\S]*\(VI_1\) Entering MASTER STATE[\s\S]*\(VI_1\) Entering/);
    expect(d2.process.stdout).not.toMatch(/Entering MASTER STATE/);
    expect(alive(pidIn(d1.vrrpPidFile))).toBe(true);
    expect(count(out, /VRRP child started with pid/)).toBe(1);
  });

  it('a reload moves a VIP from one running master instance to another and it stays on the interface', async () => {
    const two = (vi1Vips: string, vi2Vips: string): string =>
      configText(instanceText({ priority: 150, vip: vi1Vips }) + instanceText({ name: 'VI_2', vrid: 52, priority: 150, vip: vi2Vips }));
    const d1 = start('d1', two('192.0.2.100/24\n        192.0.2.102/24', '192.0.2.101/24'));
    await waitFor(async () => (await bed.addresses('d1')).filter((a) => a.startsWith('192.0.2.10')).length === 3, { timeoutMs: WAIT_MS, description: 'both masters holding their VIPs' });
    writeFileSync(d1.configFile, two('192.0.2.100/24', '192.0.2.101/24\n        192.0.2.102/24'));
    const r = await runCommand([process.execPath, VIGIL_MAIN, 'reload', '-p', d1.pidFile], { timeoutMs: 60_000 });
    expect(r.stdout).toMatch(/^applied:/);
    expect(r.code).toBe(0);
    const addresses = await bed.addresses('d1');
    expect(addresses).toEqual(expect.arrayContaining(['192.0.2.100', '192.0.2.101', '192.0.2.102']));
    expect(count(d1.process.stdout, /Entering MASTER STATE/)).toBe(2);
    // An invalid file is refused whole over the control socket too, with its diagnostics.
    writeFileSync(d1.configFile, two('192.0.2.100/24', '192.0.2.101/24') + '\nvrrp_instance {\n');
    const refused = await runCommand([process.execPath, VIGIL_MAIN, 'reload', '-p', d1.pidFile], { timeoutMs: 60_000 });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/^refused:/);
    expect(refused.stderr).toMatch(/\.conf:\d+:\d+: error:/);
    expect(await bed.addresses('d1')).toEqual(expect.arrayContaining(['192.0.2.100', '192.0.2.101', '192.0.2.102']));
  });
});
