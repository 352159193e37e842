import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../core/VigilError.js';
import { kernelVmAvailable, kernelVmCached, kernelVmScriptPath, streamInKernel } from './kernel-vm/index.js';

export interface LabKernelVmRunOptions {
  /** The compiled CLI (`dist/src/cli/main.js`); the guest runs `vigil lab --in-vm` from it. */
  vigilMain: string;
  /** Bound on the lab inside the guest (its `--duration`). */
  durationMs: number;
  /** The guest's output, as it arrives. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborting powers the VM off. */
  signal: AbortSignal;
}

export type LabKernelVmOutcome = { ok: true } | { ok: false; error: VigilError };

/**
 * Booting the guest (up to 3 attempts of 60 s in the runner), starting Node there (about 1 s
 * cold) and the lab's teardown come on top of the lab's own --duration.
 */
const BOOT_AND_TEARDOWN_ALLOWANCE_MS = 120_000;

/** The exit statuses of `vigil lab` inside the guest (see src/cli/commands/lab.ts). */
const INNER_EXIT_FAILED = 1;
const INNER_EXIT_USAGE = 2;
const INNER_EXIT_INTERRUPTED = 130;

/**
 * `vigil lab --vm`: boots Debian's stock kernel (which has IPVS) under qemu with the
 * kernel-VM runner and runs the scripted lab inside it (`vigil lab --in-vm`), streaming its
 * output. Refuses plainly, with what to do, when the VM cannot run here or its kernel is
 * not cached yet. The guest's working directory is a scratch directory of the host, so the
 * directors' logs of a failed run (the lab keeps them there) survive the VM.
 */
export async function runLabInKernelVm(opts: LabKernelVmRunOptions): Promise<LabKernelVmOutcome> {
  const runner = kernelVmScriptPath();
  const available = await kernelVmAvailable();
  if (!available.ok) {
    return { ok: false, error: new VigilError('LAB_VM_UNAVAILABLE', `${available.reason} (the runner is ${runner})`) };
  }
  const cached = await kernelVmCached();
  if (!cached.ok) {
    return {
      ok: false,
      error: new VigilError(
        'LAB_VM_ASSETS_MISSING',
        `the kernel VM's assets are not here yet (${cached.reason}); fetch them once with '${runner} --prepare' (apt downloads Debian's linux-image-amd64, about 100 MB, and builds the initramfs), then run 'vigil lab --vm' again`,
      ),
    };
  }
  opts.stdout(`vigil lab --vm: booting Debian's kernel (it has IPVS) under qemu and running the scripted lab inside (bound ${Math.round(opts.durationMs / 1000)} s)\n`);
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-lab-vm-'));
  let keep = false;
  try {
    const seconds = Math.ceil(opts.durationMs / 1000);
    const exit = await streamInKernel([process.execPath, opts.vigilMain, 'lab', '--in-vm', '--duration', String(seconds)], {
      cwd: scratch,
      timeoutMs: opts.durationMs + BOOT_AND_TEARDOWN_ALLOWANCE_MS,
      onStdout: opts.stdout,
      onStderr: opts.stderr,
      signal: opts.signal,
    });
    switch (exit.kind) {
      case 'interrupted':
        return { ok: false, error: new VigilError('LAB_INTERRUPTED', 'interrupted: the VM was powered off') };
      case 'timed-out':
        keep = true;
        return { ok: false, error: new VigilError('LAB_VM_TIMED_OUT', `the lab inside the VM outlived its bound; whatever it wrote is in ${scratch}`) };
      case 'vm-failed':
        return { ok: false, error: new VigilError('LAB_VM_FAILED', 'the kernel VM did not boot or stopped without an exit status (see the runner lines above)') };
      case 'exited':
        if (exit.code === 0) return { ok: true };
        if (exit.code === INNER_EXIT_INTERRUPTED) return { ok: false, error: new VigilError('LAB_INTERRUPTED', 'the lab inside the VM was interrupted') };
        keep = exit.code === INNER_EXIT_FAILED;
        return {
          ok: false,
          error: new VigilError(
            exit.code === INNER_EXIT_USAGE ? 'LAB_VM_GUEST_REFUSED' : 'LAB_SCENARIO_FAILED',
            `the lab inside the VM exited ${exit.code}${keep ? `; the directors' logs are in ${scratch}` : ''}`,
          ),
        };
    }
    return exit satisfies never;
  } finally {
    if (!keep) rmSync(scratch, { recursive: true, force: true });
  }
}
