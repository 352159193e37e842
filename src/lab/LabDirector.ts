import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { callControlSocket } from '../supervisor/ControlClient.js';
import { readDirectorStatus, type DirectorStatusView } from './DirectorStatusView.js';
import { waitFor, type NetnsProcess, type Topology } from './netns/index.js';

export interface LabDirectorOptions {
  name: string;
  /** `node dist/src/cli/main.js` and the arguments after it. */
  argv: readonly string[];
  /** Every line the daemon writes (stdout and stderr) is appended here. */
  logFile: string;
  /** The director's own run directory (mode 0700): its pid files, and `control.sock` beside them. */
  runDir: string;
  /** Bound on one `status` request over the control socket. */
  statusTimeoutMs: number;
  onLine: (director: string, line: string) => void;
}

const KILL_WAIT_MS = 10_000;
/** SIGTERM gives the daemon time to send priority-0 adverts and remove its VIPs. */
const STOP_GRACE_MS = 5_000;

/** One Vigil director of the lab: a `vigil -n -P` process group inside the director's namespace. */
export class LabDirector {
  private current: NetnsProcess | undefined;
  private readonly log: WriteStream;

  constructor(
    private readonly topology: Topology,
    private readonly opts: LabDirectorOptions,
  ) {
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.opts.name;
  }

  /** The exit status of the current process, once it has ended by itself. */
  get exitStatus(): NetnsProcess['exitStatus'] {
    return this.current?.exitStatus;
  }

  /** The daemon's control socket: `control.sock` beside its pid file (see src/cli/commands/daemon.ts). */
  get controlSocket(): string {
    return join(this.opts.runDir, 'control.sock');
  }

  /** The daemon's own view (`vigil status --json`); undefined while it does not answer. */
  async status(): Promise<DirectorStatusView | undefined> {
    if (this.current === undefined || this.current.exitStatus !== undefined) return undefined;
    const r = await callControlSocket(this.controlSocket, { command: 'status' }, this.opts.statusTimeoutMs);
    if (!r.ok || !r.response.ok) return undefined;
    return readDirectorStatus(r.response.result);
  }

  start(): void {
    const p = this.topology.spawn(this.opts.name, this.opts.argv);
    this.current = p;
    for (const stream of [p.child.stdout, p.child.stderr]) {
      if (stream === null) continue;
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        this.log.write(line + '\n');
        this.opts.onLine(this.opts.name, line);
      });
    }
  }

  /** kill -9 of the whole process group: no priority-0 advert, VIPs left on the interfaces. */
  async crash(): Promise<void> {
    const p = this.current;
    if (p === undefined) return;
    p.signal('SIGKILL');
    await waitFor(() => p.groupIsEmpty(), { timeoutMs: KILL_WAIT_MS, intervalMs: 20, description: `Vigil on ${this.name} to die` });
  }

  /** SIGTERM, then SIGKILL after a bounded grace. */
  async stop(): Promise<void> {
    await this.current?.stop({ graceMs: STOP_GRACE_MS });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
