import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { waitFor, type NetnsProcess, type Topology } from './netns/index.js';

export interface LabDirectorOptions {
  name: string;
  /** `node dist/src/cli/main.js` and the arguments after it. */
  argv: readonly string[];
  /** Every line the daemon writes (stdout and stderr) is appended here. */
  logFile: string;
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
