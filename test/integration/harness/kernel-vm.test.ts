import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelVmAvailable, runInKernel, type KernelRunResult } from '../../support/kernel-vm/index.js';

const availability = await kernelVmAvailable();
// In CI (root, packages installed by .ci/install-deps.sh) the VM must run: never skip there.
const mustRun = process.env.CI === 'true';
if (!availability.ok && !mustRun) console.warn(`skipping kernel VM tests: ${availability.reason}`);

const GUEST_SCRIPT = fileURLToPath(new URL('./kernel-vm-guest.sh', import.meta.url));

describe.skipIf(!availability.ok && !mustRun)('kernel VM (Debian kernel with IPVS under QEMU)', () => {
  let cwd = '';
  let run: KernelRunResult;
  const scratchName = `vigil-vm-scratch-${process.pid}`;

  // One boot for the whole suite: each boot costs seconds under emulation.
  beforeAll(async () => {
    if (!availability.ok) throw new Error(availability.reason);
    cwd = mkdtempSync(join(tmpdir(), 'vgl-kvm-'));
    run = await runInKernel(['bash', GUEST_SCRIPT], {
      cwd,
      env: { VIGIL_SCRATCH_NAME: scratchName },
      timeoutMs: 180_000,
    });
  }, 900_000);

  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  function check(name: string): string | undefined {
    return new RegExp(`^CHECK ${name} (.*)$`, 'm').exec(run.stdout)?.[1];
  }

  it('boots a Debian kernel and passes the exit status and both streams through', () => {
    expect(run.vmFailed, run.stderr).toBe(false);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(42);
    expect(run.stdout).toMatch(/^KERNEL \d+\.\d+\.\d+-\d+-amd64$/m);
    expect(run.stderr).toContain('to-stderr');
    expect(run.stdout).not.toContain('to-stderr');
  });

  it('sets RUN_IN_KERNEL=1 inside the guest', () => {
    expect(check('run-in-kernel-set')).toBe('ok');
  });

  it('runs ipvsadm -Ln', () => {
    expect(check('ipvsadm-list')).toBe('ok');
  });

  it('resolves the IPVS generic netlink family and keeps a virtual service in the kernel', () => {
    expect(check('genl-family-ipvs')).toBe('ok');
    expect(check('ipvs-service')).toBe('ok');
    expect(check('proc-net-ip-vs')).toBe('ok');
  });

  it('runs node', () => {
    expect(check('node-runs')).toBe('ok');
  });

  it('supports network namespaces and veth pairs', () => {
    expect(check('netns-veth')).toBe('ok');
  });

  it('persists writes to the working directory only', () => {
    expect(check('cwd-writable')).toBe('ok');
    expect(check('root-writable')).toBe('ok');
    expect(readFileSync(join(cwd, 'guest-wrote.txt'), 'utf8')).toMatch(/-amd64\n$/);
    expect(existsSync(join('/var/tmp', scratchName))).toBe(false);
  });
});
