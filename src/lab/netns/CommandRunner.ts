import { spawn } from 'node:child_process';
import { VigilError } from '../../core/VigilError.js';

/** What a finished command left behind. `code` is null when a signal ended it. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when `timeoutMs` ran out and the command's process group was killed. */
  timedOut: boolean;
}

export interface CommandOptions {
  /** Upper bound on the whole run; the process group is SIGKILLed when it is reached. */
  timeoutMs?: number;
  /** Written to stdin, which is then closed; stdin is /dev/null without it. */
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/**
 * After the direct child exits, a grandchild may still hold stdout open (a daemon that
 * forked). Waiting for EOF would then never end, so the pipes are closed after this grace.
 */
const PIPE_DRAIN_GRACE_MS = 500;

/**
 * Runs `argv` to completion and collects its output. The child leads its own process
 * group, so a timeout kills everything it started, not just the first process.
 * Rejects only when the program cannot be started at all (`HARNESS_SPAWN_FAILED`).
 */
export function runCommand(argv: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) {
    return Promise.reject(new VigilError('HARNESS_SPAWN_FAILED', 'empty command line'));
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    let settled = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = (): void => {
      if (settled || exitInfo === undefined) return;
      settled = true;
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      resolve({
        code: exitInfo.code,
        signal: exitInfo.signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    };

    const killTimer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);

    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      reject(new VigilError('HARNESS_SPAWN_FAILED', `cannot run ${file}: ${e.message}`, { argv: [...argv] }, { cause: e }));
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, PIPE_DRAIN_GRACE_MS);
    });
    child.on('close', finish);
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the command may exit without reading stdin
      child.stdin.end(opts.input);
    }
  });
}

/**
 * Like `runCommand`, but a non-zero exit is an error: `NETNS_COMMAND_FAILED` carries the
 * command line and its stderr so a failing setup step says what went wrong.
 */
export async function runChecked(argv: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const r = await runCommand(argv, opts);
  if (r.code !== 0) {
    const why = r.timedOut ? 'timed out' : r.code === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.code}`;
    throw new VigilError('NETNS_COMMAND_FAILED', `${argv.join(' ')}: ${why}: ${r.stderr.trim()}`, {
      argv: [...argv],
      code: r.code,
      stderr: r.stderr,
      stdout: r.stdout,
    });
  }
  return r;
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined || pgid <= 0) return;
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}
