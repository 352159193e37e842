import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelVmAvailable, kernelVmCached } from '../../support/kernel-vm/index.js';

/**
 * `vigil lab --vm` end to end: one boot of the kernel VM (Debian's kernel, which has IPVS)
 * runs the scripted lab inside; the assertions read what it streamed back. Skips, like the
 * IPVS suite, where the VM cannot run (and, outside CI, where its kernel is not cached yet:
 * the test does not download 100 MB); in CI it must run.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vigilMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** The lab's own bound inside the VM; a run on an idle 2-core machine takes about 2 minutes. */
const LAB_DURATION_S = 270;
/** Boot, teardown and the runner's own allowance above the lab's bound: a hanging run is killed here. */
const CHILD_BOUND_MS = (LAB_DURATION_S + 150) * 1000;

const isRoot = process.getuid?.() === 0;
const mustRun = process.env.CI === 'true';
const availability = isRoot ? await kernelVmAvailable() : { ok: false as const, reason: 'not root' };
const cached = availability.ok ? await kernelVmCached() : availability;
const skipReason = !availability.ok ? availability.reason : !cached.ok ? `${cached.reason} (run src/lab/kernel-vm/run-in-kernel.sh --prepare)` : null;
if (skipReason !== null && !mustRun) console.warn(`skipping vigil lab --vm: ${skipReason}`);

interface LabRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runLabVm(): Promise<LabRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [vigilMain, 'lab', '--vm', '--duration', String(LAB_DURATION_S)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), CHILD_BOUND_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The `          | ` lines of the `ipvsadm -Ln` listing that follows the `>>> ipvsadm -Ln on dN` heading at `from`. */
function listingAfter(out: string, from: number): string {
  const lines = out.slice(from).split('\n').slice(1);
  const listing: string[] = [];
  for (const line of lines) {
    const m = /^\s+\| (.*)$/.exec(line);
    if (m === null) break;
    listing.push(m[1] ?? '');
  }
  return listing.join('\n');
}

/** The answers of the first `client...: a b c` line after `from` that matches `pattern`. */
function clientAnswers(out: string, pattern: RegExp, from = 0): string[] {
  const m = pattern.exec(out.slice(from));
  return m?.[1]?.trim().split(/\s+/) ?? [];
}

describe.skipIf(skipReason !== null && !mustRun)('vigil lab --vm (the LVS path inside the kernel VM)', () => {
  let run: LabRun;
  let out = '';

  beforeAll(async () => {
    if (skipReason !== null) throw new Error(`vigil lab --vm must run under CI=true: ${skipReason}`);
    // `npm test` builds first; a direct vitest run may find dist/ stale. tsc emits despite type errors elsewhere.
    spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: repoRoot, timeout: 600_000 });
    if (!existsSync(vigilMain)) throw new Error(`${vigilMain} is missing after compiling`);
    run = await runLabVm();
    out = run.stdout;
  }, CHILD_BOUND_MS + 120_000);

  /** Until the daemon programs IPVS (its status.ipvs is null) there is no LVS path to assert on. */
  function skipWithoutIpvsSide(ctx: { skip: (note?: string) => void }): void {
    if (out.includes('the directors do not program IPVS')) ctx.skip("the directors' status.ipvs is null: this build's daemon does not program IPVS");
  }

  it('boots, runs the scripted lab inside the VM to the end and exits 0', () => {
    expect(run.code, `stdout:\n${out}\nstderr:\n${run.stderr}`).toBe(0);
    expect(out).toMatch(/running inside the kernel VM \(Linux \S+ under qemu\)/);
    expect(out).toContain('this kernel has IPVS');
    expect(out).not.toContain('this kernel has no IPVS');
    expect(out).toContain('vigil lab: PASS');
    expect(out).toContain('vigil lab --vm: PASS');
  });

  it('prints ipvsadm -Ln from the master listing the virtual service with both real servers', (ctx) => {
    skipWithoutIpvsSide(ctx);
    const heading = out.indexOf('>>> ipvsadm -Ln on d1 (the MASTER):');
    expect(heading, out).toBeGreaterThan(-1);
    const listing = listingAfter(out, heading);
    expect(listing).toMatch(/^TCP {2}203\.0\.113\.100:80 rr/m);
    expect(listing).toMatch(/-> 198\.51\.100\.11:80\s+Masq\s+1\s/);
    expect(listing).toMatch(/-> 198\.51\.100\.12:80\s+Masq\s+1\s/);
  });

  it('the client loop over http://203.0.113.100/ is answered by rs1 and by rs2 (rr)', (ctx) => {
    skipWithoutIpvsSide(ctx);
    const answers = clientAnswers(out, /client: 6 x GET http:\/\/203\.0\.113\.100\/ -> (.*) \(round robin over rs1 and rs2\)/);
    expect(answers, out).toHaveLength(6);
    expect(answers).toContain('rs1');
    expect(answers).toContain('rs2');
    expect(answers.every((a) => a === 'rs1' || a === 'rs2')).toBe(true);
  });

  it('after rs1 is stopped and the checkers notice, ipvsadm lists only rs2 and only rs2 answers', (ctx) => {
    skipWithoutIpvsSide(ctx);
    const stop = out.indexOf("stopping rs1's HTTP server");
    const down = out.indexOf('REAL SERVER DOWN seen: d1 and d2 mark rs1 down');
    expect(stop, out).toBeGreaterThan(-1);
    expect(down).toBeGreaterThan(stop);
    const heading = out.indexOf('>>> ipvsadm -Ln on d1 (the MASTER):', down);
    expect(heading).toBeGreaterThan(down);
    const listing = listingAfter(out, heading);
    expect(listing).toMatch(/-> 198\.51\.100\.12:80\s+Masq/);
    expect(listing).not.toContain('198.51.100.11');
    const answers = clientAnswers(out, /client: 6 x GET http:\/\/203\.0\.113\.100\/ -> (.*) \(only rs2: rs1 is out of the pool\)/, down);
    expect(answers).toEqual(['rs2', 'rs2', 'rs2', 'rs2', 'rs2', 'rs2']);
    expect(out.indexOf('REAL SERVER UP seen: d1 and d2 mark rs1 up again')).toBeGreaterThan(heading);
  });

  it('kill -9 of the master director: d2 takes over and the client is still answered', (ctx) => {
    skipWithoutIpvsSide(ctx);
    const kill = out.indexOf('kill -9 of Vigil on d1');
    const failover = out.indexOf('FAILOVER seen: d2 is MASTER of FRONT and BACK and holds both VIPs');
    expect(kill, out).toBeGreaterThan(-1);
    expect(failover).toBeGreaterThan(kill);
    const answers = clientAnswers(out, /client still answered after the failover, now through d2: (.*)/, failover);
    expect(answers).toHaveLength(6);
    expect(answers.every((a) => a === 'rs1' || a === 'rs2')).toBe(true);
    expect(listingAfter(out, out.indexOf('>>> ipvsadm -Ln on d2 (the MASTER):', failover))).toMatch(/^TCP {2}203\.0\.113\.100:80 rr/m);
    expect(out).toMatch(/PREEMPTION seen: d1 is MASTER of FRONT and BACK again/);
    expect(out).toContain('one master at a time: yes');
  });
});
