import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, waitFor } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText, VIGIL_MAIN } from '../vrrp/DirectorBed.js';

const isRoot = process.getuid?.() === 0;
const support = await hasNetnsSupport();
if (!isRoot || !support.ok) console.warn(`skipping process tuning tests: ${!isRoot ? 'not root' : support.ok ? '' : support.reason}`);

const WAIT_MS = 30_000;

/** Fields of /proc/PID/stat after the command name: field N of proc(5) is index N - 3. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

function statField(pid: number, field: number): number {
  return Number(statFields(pid)[field - 3]);
}

/** The thread ids of `pid` (proc(5) /proc/PID/task). */
function threadsOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}

/** Field `field` of /proc/PID/task/TID/stat. */
function threadStat(pid: number, tid: number, field: number): number {
  const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).trim().split(' ')[field - 3]);
}

function threadStatusLine(pid: number, tid: number, key: string): string {
  const line = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
  return (line ?? '').slice(key.length + 1).trim();
}

function statusLine(pid: number, key: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
  return (line ?? '').slice(key.length + 1).trim();
}

/** Nice, policy and realtime priority: proc(5) /proc/PID/stat fields 19, 41 and 40. */
const NICE = 19;
const RT_PRIORITY = 40;
const POLICY = 41;
/** include/uapi/linux/sched.h */
const SCHED_OTHER = 0;
const SCHED_RR = 2;

describe.skipIf(!isRoot || !support.ok)('keepalived process settings applied to the VRRP child (vigil -P)', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(1);
  });

  afterEach(async () => {
    await bed?.stopAll();
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  async function vrrpChildOf(d: ReturnType<DirectorBed['startVigil']>): Promise<number> {
    await d.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    const child = Number(readFileSync(d.vrrpPidFile, 'utf8').trim());
    expect(child).not.toBe(d.process.pid);
    return child;
  }

  it('runs the VRRP child SCHED_RR 10 (reset on fork) with RLIMIT_RTTIME, locked in memory, on CPU 0; the parent is untouched', async () => {
    const d = bed.startVigil('d1', configText(instanceText({ priority: 150 }), 'vrrp_rt_priority 10\n    vrrp_no_swap\n    vrrp_cpu_affinity 0'));
    const child = await vrrpChildOf(d);

    expect(statField(child, POLICY)).toBe(SCHED_RR);
    expect(statField(child, RT_PRIORITY)).toBe(10);
    expect(Number.parseInt(statusLine(child, 'VmLck'), 10)).toBeGreaterThan(0);
    expect(statusLine(child, 'Cpus_allowed_list')).toBe('0');
    // Affinity binds every thread (V8's helpers too); only the event loop thread is realtime.
    const threads = threadsOf(child);
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.map((tid) => threadStatusLine(child, tid, 'Cpus_allowed_list'))).toEqual(threads.map(() => '0'));
    expect(threads.filter((tid) => threadStat(child, tid, POLICY) === SCHED_RR)).toEqual([child]);
    // Scripts and threads the child starts do not inherit realtime scheduling.
    expect(execFileSync('chrt', ['-p', String(child)], { encoding: 'utf8' })).toMatch(/SCHED_RR\|SCHED_RESET_ON_FORK/);
    // Vigil's default realtime limit (DIFFERENCES.md): soft half the hard one, in µs.
    const rttime = readFileSync(`/proc/${child}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max realtime timeout'));
    expect(rttime?.split(/\s{2,}/).slice(1, 3)).toEqual(['500000', '1000000']);

    // The parent keeps keepalived's defaults.
    expect(statField(d.process.pid, POLICY)).toBe(SCHED_OTHER);
    expect(statusLine(d.process.pid, 'VmLck')).toBe('0 kB');

    expect(d.process.stdout).toMatch(/Set VRRP child realtime priority 10 \(SCHED_RR\)/);
    expect(d.process.stdout).toMatch(/Locked VRRP child in memory \(\d+ MiB of program code and stack\)/);
    expect(d.process.stdout).toMatch(/Set VRRP child CPU affinity to 0/);

    // Still the same child a few adverts later: the realtime limit did not kill it.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(Number(readFileSync(d.vrrpPidFile, 'utf8').trim())).toBe(child);
    expect(d.process.stdout).not.toMatch(/VRRP child .*(died|exited)/);
  });

  it('runs a non-realtime VRRP child at vrrp_priority -10 (nice)', async () => {
    const d = bed.startVigil('d1', configText(instanceText({ priority: 150 }), 'vrrp_priority -10'));
    const child = await vrrpChildOf(d);
    expect(statField(child, NICE)).toBe(-10);
    expect(threadsOf(child).map((tid) => threadStat(child, tid, NICE))).toEqual(threadsOf(child).map(() => -10));
    expect(statField(child, POLICY)).toBe(SCHED_OTHER);
    expect(statField(d.process.pid, NICE)).toBe(0);
    expect(d.process.stdout).toMatch(/Set VRRP child process priority \(nice\) to -10/);
  });

  it('refuses vrrp_priority together with vrrp_rt_priority, which keepalived silently drops', async () => {
    const conf = bed.path('both.conf');
    writeFileSync(conf, configText(instanceText({ priority: 150 }), 'vrrp_priority -10\n    vrrp_rt_priority 10'));
    const r = await bed.topology.exec('d1', [process.execPath, VIGIL_MAIN, '-n', '-l', '-P', '-f', conf, '-p', bed.path('both.pid'), '-r', bed.path('both-vrrp.pid')], {
      timeoutMs: WAIT_MS,
    });
    expect(r.code).toBe(5);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/vrrp_priority has no effect together with vrrp_rt_priority/);
  });

  it('a reload that changes the settings says they apply at the next child start, and changes nothing now', async () => {
    const d = bed.startVigil('d1', configText(instanceText({ priority: 150 }), 'vrrp_rt_priority 10'));
    const child = await vrrpChildOf(d);
    writeFileSync(d.configFile, configText(instanceText({ priority: 150 }), 'vrrp_rt_priority 20\n    vrrp_cpu_affinity 0'));
    d.process.signal('SIGHUP');
    await d.process.waitForOutput(/VRRP child process settings changed by the reload .* take effect when the child next starts/, { timeoutMs: WAIT_MS });
    await waitFor(() => statField(child, RT_PRIORITY) === 10, { timeoutMs: 1_000, description: 'the running child to keep priority 10' });
    expect(statField(child, RT_PRIORITY)).toBe(10);
  });
});

describe.skipIf(!isRoot || !support.ok || !HAVE_KEEPALIVED)('the same settings under keepalived 2.2.7 (what Vigil matches and where it differs)', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(1);
  });

  afterEach(async () => {
    await bed?.stopAll();
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  async function keepalivedVrrpChild(d: ReturnType<DirectorBed['startKeepalived']>): Promise<number> {
    await d.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    return Number(readFileSync(d.vrrpPidFile, 'utf8').trim());
  }

  it('keepalived drops vrrp_priority under vrrp_rt_priority (Vigil refuses the pair) and limits RT time to 10 ms by default (Vigil: 1 s)', async () => {
    const d = bed.startKeepalived('d1', configText(instanceText({ priority: 150 }), 'vrrp_priority -10\n    vrrp_rt_priority 10\n    vrrp_no_swap\n    vrrp_cpu_affinity 0'));
    const child = await keepalivedVrrpChild(d);
    expect(statField(child, POLICY)).toBe(SCHED_RR);
    expect(statField(child, RT_PRIORITY)).toBe(10);
    expect(statField(child, NICE)).toBe(0);
    expect(Number.parseInt(statusLine(child, 'VmLck'), 10)).toBeGreaterThan(0);
    expect(statusLine(child, 'Cpus_allowed_list')).toBe('0');
    expect(execFileSync('chrt', ['-p', String(child)], { encoding: 'utf8' })).toMatch(/SCHED_RR\|SCHED_RESET_ON_FORK/);
    const rttime = readFileSync(`/proc/${child}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max realtime timeout'));
    expect(rttime?.split(/\s{2,}/).slice(1, 3)).toEqual(['5000', '10000']);
  });

  it('keepalived applies changed settings on reload (Vigil: at the next child start)', async () => {
    const d = bed.startKeepalived('d1', configText(instanceText({ priority: 150 }), 'vrrp_rt_priority 10'));
    await keepalivedVrrpChild(d);
    writeFileSync(d.configFile, configText(instanceText({ priority: 150 }), 'vrrp_rt_priority 20'));
    d.process.signal('SIGHUP');
    // keepalived resets and re-applies them in its reload path; on this shared machine its child is
    // sometimes SIGKILLed by its own 10 ms RLIMIT_RTTIME while reloading and respawned, so follow
    // whichever VRRP child the pid file names.
    const current = (): number => Number(readFileSync(d.vrrpPidFile, 'utf8').trim());
    await waitFor(() => statField(current(), RT_PRIORITY) === 20, { timeoutMs: WAIT_MS, description: 'keepalived VRRP child at realtime priority 20' });
    expect(statField(current(), POLICY)).toBe(SCHED_RR);
  });
});
