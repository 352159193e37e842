import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CheckerSnapshot } from '../../checker/CheckerOutput.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { Logger } from '../../log/Logger.js';
import type { ChildProcessStatus } from '../StatusSource.js';
import { isChildMessage, type ChildMessage, type ChildReloadResult, type ChildRunOptions, type ChildStatusPart, type ErrorRecord, type ParentMessage } from './ChildMessages.js';
import { childLabel, type ChildRole } from './ChildRole.js';
import { RespawnBackoff, type RespawnPolicy } from './RespawnBackoff.js';

export const CHILD_MAIN_PATH = fileURLToPath(new URL('./childMain.js', import.meta.url));

/** Node starts slowly on a loaded machine (and 5-45x slower under qemu TCG in the lab VM). */
const START_TIMEOUT_MS = 120_000;
const RELOAD_TIMEOUT_MS = 60_000;

export interface ChildSupervisorOptions {
  readonly role: ChildRole;
  readonly runOptions: ChildRunOptions;
  /** The configuration a (re)started child runs: the parent's current one. */
  readonly config: () => VigilConfig;
  readonly log: Logger;
  /** false for `-R` (--dont-respawn): a crash is reported through `onGaveUp`. */
  readonly respawn: boolean;
  readonly policy?: RespawnPolicy;
  /** Status, transitions, roles and metrics from the child. */
  readonly onMessage: (message: ChildMessage) => void;
  /** The child died and will not be restarted (`-R`). */
  readonly onGaveUp: (why: string) => void;
  readonly modulePath?: string;
  readonly now?: () => number;
}

export type ChildStart = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ErrorRecord[] };

interface Pending<T> {
  resolve(value: T): void;
  timer: NodeJS.Timeout;
}

/**
 * One child process, kept running: forks it, hands it the configuration, relays its
 * messages, and restarts it after a crash with RespawnBackoff. A restarted checker child
 * resumes from the last states its predecessor reported (no real-server flap in IPVS).
 */
export class ChildSupervisor {
  private child: ChildProcess | null = null;
  private startedAt: number | null = null;
  private restarts = 0;
  private lastExit: string | null = null;
  private lastPart: ChildStatusPart | null = null;
  private stopping = false;
  private respawnTimer: NodeJS.Timeout | null = null;
  /** The current child is a restart (its start-up failures are retried here, not reported). */
  private respawning = false;
  private nextId = 1;
  private readonly reloads = new Map<number, Pending<ChildReloadResult>>();
  private readonly statusRequests = new Map<number, Pending<ChildStatusPart | null>>();
  private readonly backoff: RespawnBackoff;
  private readonly now: () => number;

  constructor(private readonly opts: ChildSupervisorOptions) {
    this.backoff = new RespawnBackoff(opts.policy);
    this.now = opts.now ?? Date.now;
  }

  get role(): ChildRole {
    return this.opts.role;
  }

  get label(): string {
    return childLabel(this.opts.role);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The latest status the child reported (kept across a crash until the next one reports). */
  get statusPart(): ChildStatusPart | null {
    return this.lastPart;
  }

  status(): ChildProcessStatus {
    const running = this.child !== null && this.startedAt !== null;
    return { role: this.opts.role, pid: running ? (this.child?.pid ?? null) : null, running, restarts: this.restarts, since: running ? this.startedAt : null, lastExit: this.lastExit };
  }

  /** Forks the child and waits until it runs (or says why it cannot). */
  start(): Promise<ChildStart> {
    this.stopping = false;
    this.respawning = false;
    return this.spawn();
  }

  /** Sends a validated configuration; a child that is not running now will start with it. */
  reload(config: VigilConfig): Promise<ChildReloadResult> {
    const child = this.child;
    if (child === null || this.startedAt === null) return Promise.resolve({ ok: true, summary: { changes: [`${this.label} not running: it will start with the new configuration`] } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.reloads.delete(id);
        resolve({ ok: false, errors: [{ code: 'CHILD_RELOAD_TIMEOUT', message: `${this.label} did not answer the reload within ${RELOAD_TIMEOUT_MS / 1000} s` }] });
      }, RELOAD_TIMEOUT_MS);
      this.reloads.set(id, { resolve, timer });
      this.send({ type: 'reload', id, config });
    });
  }

  /** Asks for a fresh status part; the cached one when the child does not answer in time. */
  refreshStatus(timeoutMs: number, detail = false): Promise<ChildStatusPart | null> {
    if (this.child === null || this.startedAt === null) return Promise.resolve(this.lastPart);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.statusRequests.delete(id);
        resolve(this.lastPart);
      }, timeoutMs);
      this.statusRequests.set(id, { resolve, timer });
      this.send({ type: 'status-request', id, detail });
    });
  }

  send(message: ParentMessage): void {
    const child = this.child;
    if (child === null || !child.connected) return;
    try {
      child.send(message, undefined, {}, () => undefined);
    } catch {
      // The child is exiting; its exit handler takes over.
    }
  }

  /** Graceful stop (the child releases what it holds), then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.respawnTimer !== null) clearTimeout(this.respawnTimer);
    this.respawnTimer = null;
    const child = this.child;
    if (child === null) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    if (child.connected) this.send({ type: 'stop' });
    else child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!inTime) {
      this.opts.log.error({ child: this.opts.role, pid: child.pid, reason: 'stop-timeout' }, `${this.label} (pid ${child.pid}) did not stop within ${timeoutMs} ms - killing it`);
      child.kill('SIGKILL');
      await exited;
    }
  }

  private spawn(): Promise<ChildStart> {
    const { role, log } = this.opts;
    const env = { ...process.env };
    // Only the main process speaks to systemd (NotifyAccess): a child must not send READY.
    delete env['NOTIFY_SOCKET'];
    const modulePath = this.opts.modulePath ?? CHILD_MAIN_PATH;
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    const namespace = this.opts.config().netNamespace;
    // net_namespace: the whole child runs inside it (every thread, from its first
    // instruction), as keepalived does: `ip netns exec` enters it and execs Node, which
    // keeps the IPC channel's descriptor (NODE_CHANNEL_FD) across the exec.
    const child =
      namespace === null
        ? fork(modulePath, [], { serialization: 'advanced', stdio, env, execArgv: [] })
        : spawn('ip', ['netns', 'exec', namespace.name, process.execPath, modulePath], { serialization: 'advanced', stdio, env });
    this.child = child;
    this.startedAt = null;
    return new Promise<ChildStart>((resolve) => {
      let settled = false;
      const settle = (result: ChildStart): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        settle({ ok: false, errors: [{ code: 'CHILD_START_TIMEOUT', message: `${this.label} did not start within ${START_TIMEOUT_MS / 1000} s` }] });
        child.kill('SIGKILL');
      }, START_TIMEOUT_MS);
      child.on('message', (value: unknown) => {
        if (!isChildMessage(value)) {
          log.warn({ child: role, reason: 'ipc-invalid' }, `ignoring a malformed message from the ${this.label}`);
          return;
        }
        if (value.type === 'started') {
          this.startedAt = this.now();
          log.info({ child: role, pid: child.pid }, `${this.label} started with pid ${child.pid}`);
          settle({ ok: true });
        } else if (value.type === 'start-failed') {
          settle({ ok: false, errors: value.errors });
        }
        this.route(value);
      });
      child.on('error', (e) => {
        log.error({ child: role, reason: 'spawn-failed' }, `cannot start the ${this.label}: ${e.message}`);
        settle({ ok: false, errors: [{ code: 'CHILD_SPAWN_FAILED', message: e.message }] });
      });
      child.once('exit', (code, signal) => {
        const how = signal !== null ? `signal ${signal}` : `exit ${code ?? '?'}`;
        settle({ ok: false, errors: [{ code: 'CHILD_EXITED', message: `${this.label} ended during start-up (${how})` }] });
        this.exited(child, how);
      });
      this.send({ type: 'start', role, config: this.opts.config(), options: this.opts.runOptions, carryOver: this.carryOver() });
    });
  }

  private carryOver(): CheckerSnapshot | null {
    const part = this.lastPart;
    return part !== null && part.role === 'checker' ? part.checkers : null;
  }

  private route(message: ChildMessage): void {
    if (message.type === 'status') {
      this.lastPart = message.part;
      if (message.id !== null) {
        const pending = this.statusRequests.get(message.id);
        this.statusRequests.delete(message.id);
        if (pending) {
          clearTimeout(pending.timer);
          pending.resolve(message.part);
        }
      }
    } else if (message.type === 'reloaded') {
      const pending = this.reloads.get(message.id);
      this.reloads.delete(message.id);
      if (pending) {
        clearTimeout(pending.timer);
        pending.resolve(message.result);
      }
    }
    this.opts.onMessage(message);
  }

  private exited(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    const ranFor = this.startedAt === null ? 0 : this.now() - this.startedAt;
    const wasRunning = this.startedAt !== null;
    this.child = null;
    this.startedAt = null;
    this.lastExit = how;
    for (const [id, pending] of this.reloads) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, errors: [{ code: 'CHILD_EXITED', message: `${this.label} ended (${how}) before answering the reload` }] });
      this.reloads.delete(id);
    }
    for (const [id, pending] of this.statusRequests) {
      clearTimeout(pending.timer);
      pending.resolve(this.lastPart);
      this.statusRequests.delete(id);
    }
    if (this.stopping) {
      this.opts.log.info({ child: this.opts.role, pid: child.pid }, `${this.label} (pid ${child.pid}) exited (${how})`);
      return;
    }
    if (!wasRunning) {
      // The first start's failure is start()'s caller's to report; a restart is retried.
      if (this.respawning) this.scheduleRespawn(0);
      return;
    }
    this.opts.log.error({ child: this.opts.role, pid: child.pid, reason: 'child-exited' }, `${this.label} (pid ${child.pid}) exited unexpectedly (${how})`);
    if (!this.opts.respawn) {
      this.opts.onGaveUp(`${this.label} exited (${how}) and --dont-respawn is set`);
      return;
    }
    this.scheduleRespawn(ranFor);
  }

  private scheduleRespawn(ranForMs: number): void {
    const delay = this.backoff.nextDelay(ranForMs);
    this.opts.log.info({ child: this.opts.role, delayMs: delay, crashesInARow: this.backoff.crashesInARow }, `Restarting ${this.label} in ${delay} ms`);
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null;
      if (this.stopping) return;
      this.restarts++;
      this.respawning = true;
      void this.spawn().then((result) => {
        if (result.ok || this.stopping) return;
        // Its exit (already seen or soon) schedules the next attempt.
        for (const e of result.errors) this.opts.log.error({ child: this.opts.role, code: e.code }, e.message);
      });
    }, delay);
  }
}
