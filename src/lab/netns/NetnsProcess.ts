import { spawn, type ChildProcess } from 'node:child_process';
import { VigilError } from '../../core/VigilError.js';
import { killGroup } from './CommandRunner.js';
import { runningGroupMembers } from './ProcessTable.js';
import { waitFor } from './waitFor.js';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `pipe` exposes `child.stdin`; the default gives the process /dev/null. */
  stdin?: 'ignore' | 'pipe';
}

export interface StopOptions {
  /** How long SIGTERM may take before the group gets SIGKILL (default 2000 ms). */
  graceMs?: number;
}

/** Output kept per stream; older text is dropped so a chatty daemon cannot exhaust memory. */
const OUTPUT_KEEP_CHARS = 4 * 1024 * 1024;
const GROUP_POLL_MS = 20;
const AFTER_KILL_WAIT_MS = 5_000;

/**
 * A long-running child that leads its own process group (setsid through `detached`), so
 * `stop()` reaches every process it forked, not only the first one. Output is collected
 * in memory for assertions and `waitForOutput`.
 */
export class NetnsProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the direct child has exited (other group members may still run). */
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private out = '';
  private err = '';
  private readonly listeners = new Set<() => void>();

  private constructor(child: ChildProcess, pid: number) {
    this.child = child;
    this.pid = pid;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => {
      this.out = keepTail(this.out + s);
      this.notify();
    });
    child.stderr?.on('data', (s: string) => {
      this.err = keepTail(this.err + s);
      this.notify();
    });
    this.exited = new Promise<ProcessExit>((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  /** Starts `argv` as a new process group leader; throws `HARNESS_SPAWN_FAILED` if it cannot. */
  static start(argv: readonly string[], opts: SpawnOptions = {}): NetnsProcess {
    const [file, ...args] = argv;
    if (file === undefined) throw new VigilError('HARNESS_SPAWN_FAILED', 'empty command line');
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      detached: true,
      stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    // A failed spawn also emits 'error'; without a listener Node would throw it later.
    child.on('error', () => undefined);
    if (child.pid === undefined) {
      throw new VigilError('HARNESS_SPAWN_FAILED', `cannot start ${argv.join(' ')}`, { argv: [...argv] });
    }
    return new NetnsProcess(child, child.pid);
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The exit status once the direct child has exited. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    killGroup(this.pid, signal);
  }

  /**
   * Resolves with the first match of `pattern` in the collected output. Rejects with
   * `HARNESS_WAIT_TIMEOUT` after `timeoutMs`, or `HARNESS_PROCESS_EXITED` if the process
   * ends without printing it.
   */
  waitForOutput(
    pattern: RegExp,
    opts: { timeoutMs: number; stream?: 'stdout' | 'stderr' | 'both' },
  ): Promise<RegExpExecArray> {
    const stream = opts.stream ?? 'both';
    const text = (): string => (stream === 'stdout' ? this.out : stream === 'stderr' ? this.err : `${this.out}\n${this.err}`);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text());
        if (m) return done(() => resolve(m));
        if (this.exit) {
          done(() =>
            reject(
              new VigilError('HARNESS_PROCESS_EXITED', `process ${this.pid} exited (${describeExit(this.exit)}) before printing ${pattern}; its last lines:\n${lastLines(text(), 12)}`, {
                stdout: this.out,
                stderr: this.err,
              }),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new VigilError('HARNESS_WAIT_TIMEOUT', `timed out after ${opts.timeoutMs} ms waiting for ${pattern} from process ${this.pid}`, {
                stdout: this.out,
                stderr: this.err,
              }),
            ),
          ),
        opts.timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /**
   * SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`; resolves once
   * no member of the group runs any more. Safe to call again after it has finished.
   */
  async stop(opts: StopOptions = {}): Promise<ProcessExit | undefined> {
    const graceMs = opts.graceMs ?? 2_000;
    if (!this.groupIsEmpty()) {
      this.signal('SIGTERM');
      try {
        await waitFor(() => this.groupIsEmpty(), { timeoutMs: graceMs, intervalMs: GROUP_POLL_MS });
      } catch {
        this.signal('SIGKILL');
        await waitFor(() => this.groupIsEmpty(), {
          timeoutMs: AFTER_KILL_WAIT_MS,
          intervalMs: GROUP_POLL_MS,
          description: `process group ${this.pid} to die after SIGKILL`,
        });
      }
    }
    // The members are gone; give Node a bounded moment to report the direct child's exit.
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1_000).unref())]);
    return this.exit;
  }

  /** True once neither the direct child nor anything else in its group runs. */
  groupIsEmpty(): boolean {
    return runningGroupMembers(this.pid).length === 0;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

function keepTail(s: string): string {
  return s.length > OUTPUT_KEEP_CHARS ? s.slice(s.length - OUTPUT_KEEP_CHARS) : s;
}

function describeExit(e: ProcessExit | undefined): string {
  if (e === undefined) return 'still running';
  return e.code !== null ? `exit ${e.code}` : `signal ${e.signal ?? '?'}`;
}

/** The end of a process's output, for a failure message that explains itself. */
function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-count)
    .join('\n');
}
