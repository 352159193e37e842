import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VigilError } from '../../core/VigilError.js';

export type PidFileResult = { readonly ok: true; readonly pidFile: PidFile } | { readonly ok: false; readonly error: VigilError };

/** Whether a process with this pid exists (EPERM: it does, but is not ours to signal). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A pid file as keepalived keeps one (`-p`, `-r`): the decimal pid and a newline. A file
 * naming a live process other than us means another daemon runs with the same files; a
 * stale one (its process gone) is overwritten. Removed on release only if it still names us.
 */
export class PidFile {
  private released = false;

  private constructor(
    readonly path: string,
    readonly pid: number,
  ) {}

  static acquire(path: string, pid: number = process.pid, exists: (pid: number) => boolean = processExists): PidFileResult {
    let previous: string | undefined;
    try {
      previous = readFileSync(path, 'utf8');
    } catch {
      previous = undefined;
    }
    const holder = previous === undefined ? NaN : Number.parseInt(previous.trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && exists(holder)) {
      return {
        ok: false,
        error: new VigilError('VRRP_PIDFILE_IN_USE', `daemon is already running: ${path} names live process ${holder}`, { path, pid: holder }),
      };
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${pid}\n`, { mode: 0o644 });
    } catch (e) {
      return {
        ok: false,
        error: new VigilError('VRRP_PIDFILE_WRITE_FAILED', `cannot write pid file ${path}: ${(e as Error).message}`, { path }, { cause: e }),
      };
    }
    return { ok: true, pidFile: new PidFile(path, pid) };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (readFileSync(this.path, 'utf8').trim() === String(this.pid)) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
