import { runCommand, type CommandResult } from '../netns/CommandRunner.js';
import { kernelVmScriptPath } from './KernelVmScript.js';

export interface KernelRunOptions {
  /** Where the command runs; the only host directory the guest can write to (default: process.cwd()). */
  cwd?: string;
  /**
   * Added to this process's environment, which the guest inherits except for the test
   * runner's own `VITEST*`/`TINYPOOL*` variables (a vitest started in the guest is a new
   * run, not a worker of this one).
   */
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

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/**
 * The host-side bound adds this to `timeoutMs`: up to 3 boot attempts of 60 s each plus
 * a first-time kernel download. It only matters if the script itself wedges.
 */
const HOST_ALLOWANCE_MS = 5 * 60_000;

/**
 * Boots the Debian kernel VM, runs `cmd` in it (in `cwd`, with `RUN_IN_KERNEL=1`) and
 * returns its exit code and separate stdout/stderr. Each call is one boot (~3.5 s under
 * TCG plus the command, which runs 5-10x slower than on the host): put a whole suite in
 * one call rather than one call per test.
 */
export async function runInKernel(cmd: readonly string[], opts: KernelRunOptions = {}): Promise<KernelRunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('TINYPOOL'));
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(inherited),
    ...opts.env,
    VM_TIMEOUT: String(Math.max(1, Math.ceil(timeoutMs / 1000))),
  };
  if (opts.modules !== undefined) env.VM_MODULES = opts.modules.join(' ');
  const r = await runCommand(['bash', kernelVmScriptPath(), ...cmd], {
    cwd: opts.cwd ?? process.cwd(),
    env,
    timeoutMs: timeoutMs + HOST_ALLOWANCE_MS,
  });
  const guestTimedOut = r.code === 124 && r.stderr.includes('run-in-kernel: timed out');
  const vmFailed = r.code === 125 && r.stderr.includes('run-in-kernel:');
  return { ...r, timedOut: r.timedOut || guestTimedOut, vmFailed };
}
