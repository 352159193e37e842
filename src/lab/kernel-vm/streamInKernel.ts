import { spawn } from 'node:child_process';
import { VigilError } from '../../core/VigilError.js';
import { killGroup } from '../netns/CommandRunner.js';
import { KERNEL_VM_EXIT_TIMEOUT, KERNEL_VM_EXIT_VM_FAILED, kernelVmEnvironment } from './KernelVmEnvironment.js';
import { kernelVmScriptPath } from './KernelVmScript.js';
import { KERNEL_VM_HOST_ALLOWANCE_MS } from './runInKernel.js';

export interface KernelStreamOptions {
  cwd: string;
  /** Bound on the command, counted from the guest's boot; exit 124 when hit. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  modules?: readonly string[];
  /** Each chunk of the guest's stdout / stderr as it arrives. */
  onStdout: (text: string) => void;
  onStderr: (text: string) => void;
  /** Aborting stops the VM (SIGTERM to the runner's process group, SIGKILL after a grace). */
  signal?: AbortSignal;
}

export type KernelStreamExit =
  | { kind: 'exited'; code: number }
  /** The guest's command outlived `timeoutMs` (run-in-kernel.sh exit 124). */
  | { kind: 'timed-out' }
  /** The VM did not boot or stopped without an exit status (exit 125). */
  | { kind: 'vm-failed' }
  | { kind: 'interrupted' };

/** How long the runner gets to stop QEMU after SIGTERM before its group is SIGKILLed. */
const STOP_GRACE_MS = 10_000;

/**
 * Like runInKernel, but hands the guest's output over as it arrives (for a person watching a
 * terminal) instead of collecting it. Rejects only when the runner cannot be started.
 */
export function streamInKernel(cmd: readonly string[], opts: KernelStreamOptions): Promise<KernelStreamExit> {
  const env = kernelVmEnvironment({ timeoutMs: opts.timeoutMs, ...(opts.env && { env: opts.env }), ...(opts.modules && { modules: opts.modules }) });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [kernelVmScriptPath(), ...cmd], { cwd: opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let interrupted = false;
    let sawTimeoutLine = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stopGroup = (): void => {
      killGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS);
    };
    const onAbort = (): void => {
      interrupted = true;
      stopGroup();
    };
    const hostBound = setTimeout(stopGroup, opts.timeoutMs + KERNEL_VM_HOST_ALLOWANCE_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => opts.onStdout(s));
    child.stderr.on('data', (s: string) => {
      if (s.includes('run-in-kernel: timed out')) sawTimeoutLine = true;
      opts.onStderr(s);
    });
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e) => {
      clearTimeout(hostBound);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new VigilError('LAB_VM_SPAWN_FAILED', `cannot start the kernel-VM runner: ${e.message}`, {}, { cause: e }));
    });
    child.once('close', (code) => {
      clearTimeout(hostBound);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (interrupted) resolve({ kind: 'interrupted' });
      else if (code === KERNEL_VM_EXIT_TIMEOUT && sawTimeoutLine) resolve({ kind: 'timed-out' });
      else if (code === KERNEL_VM_EXIT_VM_FAILED || code === null) resolve({ kind: 'vm-failed' });
      else resolve({ kind: 'exited', code });
    });
  });
}
