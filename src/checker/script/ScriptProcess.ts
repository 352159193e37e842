import { spawn } from 'node:child_process';

export interface ScriptRun {
  readonly argv: readonly string[];
  /** `null`: our own uid/gid. */
  readonly uid: number | null;
  readonly gid: number | null;
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL (check_misc.c waits 2 s). */
  readonly killGraceMs?: number;
  /** Bytes of output kept for the log (the rest is read and dropped). */
  readonly keepOutputBytes?: number;
}

export type ScriptOutcome =
  | { readonly kind: 'exited'; readonly code: number; readonly output: string; readonly durationMs: number }
  | { readonly kind: 'signaled'; readonly signal: string; readonly timedOut: boolean; readonly output: string; readonly durationMs: number }
  | { readonly kind: 'spawn-failed'; readonly error: string; readonly durationMs: number };

/** check_misc.c: SIGTERM on timeout, SIGKILL 2 s later. */
export const SCRIPT_KILL_GRACE_MS = 2000;
const DEFAULT_KEEP_OUTPUT = 2048;

/**
 * Runs a program the way keepalived's system_call_script does: exec'd directly (no shell),
 * in its own process group as the configured uid/gid, killed with its whole group when it
 * overruns. Output is drained as it comes (a script printing megabytes cannot block on a
 * full pipe) and only the first bytes are kept for the log. Resolves when the process has
 * exited, so at most `timeoutMs + killGraceMs` after the start.
 */
export function runScript(run: ScriptRun): Promise<ScriptOutcome> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const keep = run.keepOutputBytes ?? DEFAULT_KEEP_OUTPUT;
  const [file, ...args] = run.argv;
  if (file === undefined) return Promise.resolve({ kind: 'spawn-failed', error: 'empty command', durationMs: 0 });

  return new Promise((resolve) => {
    let output = '';
    let kept = 0;
    let timedOut = false;
    let settled = false;
    let termTimer: NodeJS.Timeout | null = null;
    let killTimer: NodeJS.Timeout | null = null;

    const child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(run.uid !== null ? { uid: run.uid } : {}),
      ...(run.gid !== null ? { gid: run.gid } : {}),
    });

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const collect = (chunk: Buffer): void => {
      if (kept >= keep) return;
      const part = chunk.subarray(0, keep - kept);
      kept += part.length;
      output += part.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);

    const settle = (o: ScriptOutcome): void => {
      if (settled) return;
      settled = true;
      if (termTimer) clearTimeout(termTimer);
      if (killTimer) clearTimeout(killTimer);
      // A background child may still hold the pipes; we do not wait for it.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(o);
    };

    termTimer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), run.killGraceMs ?? SCRIPT_KILL_GRACE_MS);
    }, Math.max(0, run.timeoutMs));

    child.once('error', (err) => settle({ kind: 'spawn-failed', error: err.message, durationMs: elapsed() }));
    child.once('exit', (code, signal) => {
      if (timedOut) killGroup('SIGKILL'); // check_misc.c: make sure what it started dies too
      if (signal !== null) settle({ kind: 'signaled', signal, timedOut, output, durationMs: elapsed() });
      else settle({ kind: 'exited', code: code ?? 0, output, durationMs: elapsed() });
    });
  });
}
