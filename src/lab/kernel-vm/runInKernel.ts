import { runCommand, type CommandResult } from '../netns/CommandRunner.js';
import { KERNEL_VM_EXIT_TIMEOUT, KERNEL_VM_EXIT_VM_FAILED, kernelVmEnvironment } from './KernelVmEnvironment.js';
import { kernelVmScriptPath } from './KernelVmScript.js';

export interface KernelRunOptions {
  /** Where the command runs; the only host directory the guest can write to (default: process.cwd()). */
  cwd?: string;
  /** Added to this process's environment (minus the test runner's own variables), see KernelVmEnvironment. */
  env?: NodeJS.ProcessEnv;
  /** Bound on the command, counted from the guest's boot (default 10 min); exit 124 when hit. */
  timeoutMs?: number;
  /** Modules to load before the command (VM_MODULES), e.g. `['ip_vs', 'ip_vs_wrr']`. */
  modules?: readonly string[];
}

export interface KernelRunResult extends CommandResult {
  /** The guest booted but did not yield an exit status (run-in-kernel.sh exit 125). */
  vmFailed: boolean;
}

export const DEFAULT_KERNEL_RUN_TIMEOUT_MS = 10 * 60_000;
/**
 * The host-side bound adds this to `timeoutMs`: up to 3 boot attempts of 60 s each plus
 * a first-time kernel download. It only matters if the script itself wedges.
 */
export const KERNEL_VM_HOST_ALLOWANCE_MS = 5 * 60_000;

/**
 * Boots the Debian kernel VM, runs `cmd` in it (in `cwd`, with `RUN_IN_KERNEL=1`) and
 * returns its exit code and separate stdout/stderr. Each call is one boot (~3.5 s under
 * TCG plus the command, which runs 5-10x slower than on the host): put a whole suite in
 * one call rather than one call per test.
 */
export async function runInKernel(cmd: readonly string[], opts: KernelRunOptions = {}): Promise<KernelRunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KERNEL_RUN_TIMEOUT_MS;
  const env = kernelVmEnvironment({ timeoutMs, ...(opts.env && { env: opts.env }), ...(opts.modules && { modules: opts.modules }) });
  const r = await runCommand(['bash', kernelVmScriptPath(), ...cmd], {
    cwd: opts.cwd ?? process.cwd(),
    env,
    timeoutMs: timeoutMs + KERNEL_VM_HOST_ALLOWANCE_MS,
  });
  const guestTimedOut = r.code === KERNEL_VM_EXIT_TIMEOUT && r.stderr.includes('run-in-kernel: timed out');
  const vmFailed = r.code === KERNEL_VM_EXIT_VM_FAILED && r.stderr.includes('run-in-kernel:');
  return { ...r, timedOut: r.timedOut || guestTimedOut, vmFailed };
}
