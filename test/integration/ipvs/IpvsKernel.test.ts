import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelVmAvailable, runInKernel, type KernelRunResult } from '../../support/kernel-vm/index.js';

/**
 * The IPVS suite against a real Linux 6.1 kernel: one VM boot runs
 * vm/ipvsKernelChecks.ts (compiled under dist/) which programs the kernel through Vigil,
 * compares with ipvsadm and writes a report; the tests below read that report.
 */

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const GUEST_SCRIPT = join(repoRoot, 'dist/test/integration/ipvs/vm/ipvsKernelChecks.js');
const DAEMON_SCRIPT = join(repoRoot, 'dist/test/integration/ipvs/vm/daemonChecks.js');
/** Sources the guest script is compiled from; a newer one means dist/ is stale. */
const SOURCE_DIRS = ['src', 'test/integration/ipvs/vm'];

const availability = await kernelVmAvailable();
const isRoot = process.getuid?.() === 0;
// In CI (root, packages installed by .ci/install-deps.sh) the VM must run: never skip there.
const mustRun = process.env.CI === 'true';
const skipReason = !isRoot ? 'not root' : !availability.ok ? availability.reason : null;
if (skipReason !== null && !mustRun) console.warn(`skipping the IPVS kernel suite: ${skipReason}`);

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(repoRoot, dir))) walk(join(repoRoot, dir));
  return newest;
}

/** `npm test` builds first; a direct vitest run may find dist/ missing or stale. */
function ensureCompiled(): void {
  if (existsSync(GUEST_SCRIPT) && existsSync(DAEMON_SCRIPT) && Math.min(statSync(GUEST_SCRIPT).mtimeMs, statSync(DAEMON_SCRIPT).mtimeMs) >= newestSource()) return;
  // tsc still emits when files elsewhere in the tree have type errors.
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot, stdio: 'ignore' });
  for (const script of [GUEST_SCRIPT, DAEMON_SCRIPT]) if (!existsSync(script)) throw new Error(`${script} was not built (run npm run build:ts)`);
}

interface Report {
  readonly kernel?: string;
  readonly ipvsadm?: string;
  readonly crashed?: string;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[];
  readonly timings: Record<string, number>;
}

describe.skipIf(skipReason !== null && !mustRun)('IPVS against a real kernel (Debian 6.1 under QEMU)', () => {
  let cwd = '';
  let run: KernelRunResult;
  let report: Report;
  let daemonReport: Report;

  beforeAll(async () => {
    if (skipReason !== null) throw new Error(`the IPVS kernel suite must run under CI=true: ${skipReason}`);
    ensureCompiled();
    cwd = mkdtempSync(join(tmpdir(), 'vgl-ipvs-vm-'));
    // One boot for both guest scripts: the library-level checks, then the whole daemon.
    run = await runInKernel(['sh', '-c', `node ${GUEST_SCRIPT} report.json; first=$?; node ${DAEMON_SCRIPT} daemon-report.json && exit $first`], { cwd, timeoutMs: 700_000 });
    const read = (name: string): Report => {
      const path = join(cwd, name);
      return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Report) : { crashed: `no ${name}; exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`, checks: [], timings: {} };
    };
    report = read('report.json');
    daemonReport = read('daemon-report.json');
  }, 1_200_000);

  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  function expectCheck(name: string, from: Report = report): void {
    const found = from.checks.find((c) => c.name === name);
    expect(found, `no check "${name}" in the report${from.crashed ? `; the guest crashed: ${from.crashed}` : ''}`).toBeDefined();
    expect(found?.ok, found?.detail).toBe(true);
  }

  it('boots, runs the guest script to the end and reports every check', () => {
    expect(run.vmFailed, run.stderr).toBe(false);
    expect(run.timedOut).toBe(false);
    expect(report.crashed, report.crashed).toBeUndefined();
    expect(run.code, run.stdout).toBe(0);
    expect(report.kernel).toMatch(/^6\.1\./);
    expect(report.checks.length).toBeGreaterThanOrEqual(23);
  });

  it('resolves the IPVS family', () => expectCheck('family resolved, IPVS 1.2.1'));

  it('programs every scheduler × method × protocol × family and fwmark services', () => {
    expectCheck('start programs the matrix without a kernel error');
    expectCheck('matrix covers 104 services');
    expectCheck('kernel dump equals the desired table');
    expectCheck('foreign service left alone at start');
  });

  it('agrees with ipvsadm -Sn and -Ln (parsed tables and byte-exact text)', () => {
    expectCheck('vigil rule text equals ipvsadm -Sn byte for byte');
    expectCheck('ipvsadm -Sn and --thresholds, parsed, equal the desired table');
    expectCheck('vigil ipvs list layout equals ipvsadm -Ln byte for byte');
    expectCheck('vigil ipvs list --stats layout equals ipvsadm -Ln --stats');
    expectCheck('the vigil ipvs list command prints what ipvsadm -Ln prints');
  });

  it('sets lvs_timeouts', () => expectCheck('lvs_timeouts set'));

  it('sends zero writes for a no-op reconcile, and vigil ipvs diff shows no changes', () => {
    expectCheck('a no-op reconcile sends zero writes');
    expectCheck('vigil ipvs diff of the running configuration shows no changes');
  });

  it('repairs drift after ipvsadm -d, -e / -E and -C, and logs it', () => {
    expectCheck('drift repair after ipvsadm -d puts the dest back');
    expectCheck('drift repair logs it');
    expectCheck('drift repair after ipvsadm -e / -E sets weight and scheduler back');
    expectCheck('drift repair after ipvsadm -C restores the whole table');
  });

  it('follows checker events', () => expectCheck('checker events remove and re-add a real server'));

  it('attributes a refused operation inside a pipelined batch', () => expectCheck('a refused operation in a pipelined batch is attributed exactly and the others apply'));

  it('runs the sync daemon as the VRRP role says (ipvsadm -L --daemon)', () => {
    expectCheck('MASTER starts the master sync daemon');
    expectCheck('BACKUP stops it and starts the backup sync daemon');
  });

  it('leaves nothing of its own on shutdown', () => {
    expectCheck('stop removes everything of Vigil and nothing else');
    expectCheck('stop stops the sync daemon');
  });

  describe('the whole daemon (parent, VRRP child, Healthcheck child) in the same kernel', () => {
    it('ran its guest script to the end', () => {
      expect(daemonReport.crashed, daemonReport.crashed).toBeUndefined();
      expect(daemonReport.checks.length).toBeGreaterThanOrEqual(10);
    });

    it('programs IPVS from keepalived.conf and puts the VIP up', () => {
      expectCheck('the daemon programs the virtual server with both real servers', daemonReport);
      expectCheck('the VRRP child puts the VIP on vg0', daemonReport);
      expectCheck('the foreign service is left alone at start', daemonReport);
      expectCheck('a real server that stops answering leaves the table', daemonReport);
    });

    it('reloads on SIGHUP: the difference is applied, unchanged parts untouched, an invalid file refused', () => {
      expectCheck('SIGHUP applies the difference to IPVS', daemonReport);
      expectCheck('the reload kept the unchanged real server and the VRRP master', daemonReport);
      expectCheck('an invalid configuration is refused whole', daemonReport);
    });

    it('survives kill -9 of its Healthcheck child without touching the table', () => {
      expectCheck('kill -9 of the Healthcheck child: respawned, table unchanged throughout', daemonReport);
    });

    it('dumps its whole state on SIGUSR1 (VRRP, trackers, checkers, the IPVS table), secrets left out', () => {
      expectCheck('SIGUSR1 dumps VRRP, trackers, checkers and the IPVS table, without the password', daemonReport);
    });

    it('leaves no VIP and no owned IPVS entry behind on SIGTERM', () => {
      expectCheck('SIGTERM: exit 0, no VIP and no owned IPVS entry left, foreign entries kept', daemonReport);
    });

    it('removes a previous run’s leftover after -I and a restart with the service dropped, foreign entries kept', () => {
      expectCheck('a restart after -I without the 443 service removes that leftover (ipvs-owned.json), foreign entries kept', daemonReport);
    });
  });
});
