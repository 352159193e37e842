import { runCommand } from '../netns/CommandRunner.js';
import type { SupportCheck } from '../netns/NetnsSupport.js';
import { kernelVmScriptPath } from './KernelVmScript.js';

let cached: Promise<SupportCheck> | undefined;

/**
 * Whether `runInKernel` can work here: root, QEMU, static busybox and the unpack tools
 * present, and the Debian kernel either cached already or fetchable through apt. Asked
 * once per process, of `run-in-kernel.sh --check`, which boots nothing.
 */
export function kernelVmAvailable(): Promise<SupportCheck> {
  cached ??= (async (): Promise<SupportCheck> => {
    try {
      const r = await runCommand(['bash', kernelVmScriptPath(), '--check'], { timeoutMs: 30_000 });
      const said = `${r.stdout}${r.stderr}`.trim();
      return r.code === 0 ? { ok: true } : { ok: false, reason: `kernel VM unavailable: ${said || `exit ${String(r.code)}`}` };
    } catch (e) {
      return { ok: false, reason: `kernel VM unavailable: ${(e as Error).message}` };
    }
  })();
  return cached;
}

/**
 * Whether the kernel cache (the Debian kernel, its modules, the initramfs) is filled already,
 * so a run boots without downloading anything first (`run-in-kernel.sh --cached`).
 */
export async function kernelVmCached(): Promise<SupportCheck> {
  try {
    const r = await runCommand(['bash', kernelVmScriptPath(), '--cached'], { timeoutMs: 30_000 });
    const said = `${r.stdout}${r.stderr}`.trim();
    return r.code === 0 ? { ok: true } : { ok: false, reason: said || `exit ${String(r.code)}` };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
