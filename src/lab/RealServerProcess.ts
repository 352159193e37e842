import { REAL_SERVER_SCRIPT } from './LabHostScripts.js';
import type { LabRealServer } from './LabPlan.js';
import type { NetnsProcess, Topology } from './netns/index.js';

/**
 * The tiny HTTP server of one lab real server, which the lab (or the user, with a key) can
 * stop and start again to make the directors' health checkers take it out and put it back.
 * Only the server process stops: the namespace and its address stay, so a health check
 * gets "connection refused" rather than silence.
 */
export class RealServerProcess {
  private current: NetnsProcess | undefined;

  constructor(
    private readonly topology: Topology,
    readonly server: LabRealServer,
    private readonly listenWaitMs: number,
  ) {}

  get name(): string {
    return this.server.name;
  }

  /** True while the server process runs (started and not stopped or exited). */
  get running(): boolean {
    return this.current !== undefined && this.current.exitStatus === undefined;
  }

  /** Starts the server and resolves once it listens. */
  async start(): Promise<void> {
    if (this.running) return;
    const rs = this.server;
    const p = this.topology.spawn(rs.name, [process.execPath, '-e', REAL_SERVER_SCRIPT, rs.name, rs.address, String(rs.port), 'vigil-lab-rs']);
    this.current = p;
    await p.waitForOutput(/listening on/, { timeoutMs: this.listenWaitMs });
  }

  /** Stops the server (SIGTERM; it closes its listening socket and exits). */
  async stop(): Promise<void> {
    const p = this.current;
    this.current = undefined;
    await p?.stop();
  }
}
