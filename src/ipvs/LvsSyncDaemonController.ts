import type { LvsSyncDaemon } from '../config/model/GlobalDefs.js';
import type { VigilConfig } from '../config/model/VigilConfig.js';
import { errnoName } from '../netlink/LinuxErrno.js';
import type { IpvsLog } from './IpvsLog.js';
import type { IpvsSyncDaemon, IpvsSyncDaemonState } from './IpvsModel.js';

/** The VRRP state of an instance, as the VRRP side reports it (keepalived's names). */
export type VrrpRole = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** An instance changed state. The VRRP runtime sends these; the IPVS side only listens. */
export interface VrrpRoleEvent {
  readonly instance: string;
  readonly role: VrrpRole;
}

/** What the VRRP side offers the IPVS side: state changes of its instances. */
export interface VrrpRoleSource {
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: VrrpRoleEvent) => void): () => void;
}

/** The sync-daemon part of the kernel interface (IpvsClient has it). */
export interface SyncDaemonKernel {
  daemons(): Promise<IpvsSyncDaemon[]>;
  startDaemon(daemon: IpvsSyncDaemon): Promise<void>;
  stopDaemon(state: IpvsSyncDaemonState): Promise<void>;
}

/**
 * The daemon `lvs_sync_daemon` asks for, in a given state. The sync id defaults to the
 * VRRP instance's virtual_router_id, as keepalived does.
 */
export function syncDaemonFor(config: VigilConfig, state: IpvsSyncDaemonState): IpvsSyncDaemon | null {
  const spec: LvsSyncDaemon | null = config.global.lvsSyncDaemon;
  if (spec === null) return null;
  const instance = config.vrrpInstances.find((i) => i.name === spec.vrrpInstance);
  return {
    state,
    interface: spec.interface,
    syncId: spec.syncId ?? instance?.virtualRouterId ?? 0,
    ...(spec.maxlen !== null && { maxLength: spec.maxlen }),
    ...(spec.port !== null && { port: spec.port }),
    ...(spec.ttl !== null && { ttl: spec.ttl }),
    ...(spec.group !== null && { group: spec.group.address }),
  };
}

function same(a: IpvsSyncDaemon, b: IpvsSyncDaemon): boolean {
  // Settings left to the kernel's defaults compare equal to whatever the kernel chose.
  return (
    a.interface === b.interface &&
    a.syncId === b.syncId &&
    (a.maxLength === undefined || a.maxLength === b.maxLength) &&
    (a.port === undefined || a.port === b.port) &&
    (a.ttl === undefined || a.ttl === b.ttl) &&
    (a.group === undefined || a.group === b.group)
  );
}

/**
 * Runs the kernel's connection-sync daemon the way keepalived's VRRP side does
 * (vrrp.c with ipvswrapper.c ipvs_syncd_master / ipvs_syncd_backup): when the
 * `lvs_sync_daemon` instance becomes MASTER the backup daemon stops and the master
 * daemon starts; in any other state (BACKUP, FAULT, INIT) the reverse; on STOP both
 * stop. Each change first reads the kernel's daemons, so it is idempotent.
 */
export class LvsSyncDaemonController {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly kernel: SyncDaemonKernel,
    private config: VigilConfig,
    private readonly log: IpvsLog,
  ) {}

  setConfig(config: VigilConfig): void {
    this.config = config;
  }

  /** The instance `lvs_sync_daemon` follows, or null when none is configured. */
  get instance(): string | null {
    return this.config.global.lvsSyncDaemon?.vrrpInstance ?? null;
  }

  /** Handles a VRRP state change; events of other instances are ignored. Resolves when applied. */
  roleChanged(event: VrrpRoleEvent): Promise<void> {
    if (event.instance !== this.instance) return Promise.resolve();
    const want: IpvsSyncDaemonState | null = event.role === 'STOP' ? null : event.role === 'MASTER' ? 'master' : 'backup';
    return this.enqueue(() => this.converge(want));
  }

  /** Stops both daemons (shutdown). */
  stop(): Promise<void> {
    return this.enqueue(() => this.converge(null));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(step);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async converge(want: IpvsSyncDaemonState | null): Promise<void> {
    const running = await this.kernel.daemons();
    const desired = want === null ? null : syncDaemonFor(this.config, want);
    for (const daemon of running) {
      if (desired !== null && daemon.state === desired.state && same(desired, daemon)) continue;
      await this.kernel.stopDaemon(daemon.state);
      this.log.info({ state: daemon.state, interface: daemon.interface, syncId: daemon.syncId }, `Stopping IPVS ${daemon.state} sync daemon on ${daemon.interface}`);
    }
    if (desired === null || running.some((d) => d.state === desired.state && same(desired, d))) return;
    try {
      await this.kernel.startDaemon(desired);
      this.log.info({ state: desired.state, interface: desired.interface, syncId: desired.syncId }, `Starting IPVS ${desired.state} sync daemon on ${desired.interface}, syncid ${desired.syncId}`);
    } catch (e) {
      const errno = (e as { details?: { errno?: number } }).details?.errno;
      this.log.error({ state: desired.state, errno }, `IPVS: cannot start the ${desired.state} sync daemon on ${desired.interface}: ${errno !== undefined ? errnoName(errno) : (e as Error).message}`);
      throw e;
    }
  }
}
