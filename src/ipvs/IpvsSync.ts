import type { CheckerOutput, CheckerOutputEvent, VirtualServerDesiredState } from '../checker/CheckerOutput.js';
import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VirtualServer } from '../config/model/VirtualServer.js';
import type { VigilError } from '../core/VigilError.js';
import { SYSTEM_TIMERS, type NetlinkTimers } from '../netlink/NetlinkTimers.js';
import { canonicalAddress } from './IpvsAddress.js';
import { desiredIpvsTable, virtualServerText, type DesiredIpvs } from './DesiredIpvsTable.js';
import { initialPoolState, type PoolState } from './InitialRealServerStates.js';
import type { IpvsApplyReport, IpvsDumpOptions, IpvsLiveTable } from './IpvsClient.js';
import { destText, serviceText } from './IpvsEntryText.js';
import { ipvsDestKey, ipvsServiceDestKey, ipvsServiceKey } from './IpvsKey.js';
import { SILENT_IPVS_LOG, type IpvsLog } from './IpvsLog.js';
import type { IpvsTable, IpvsTimeouts } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { serialiseIpvsOwnership } from './IpvsOwnershipRecord.js';
import type { IpvsOwnershipPersistence } from './IpvsOwnershipStore.js';
import { reconcileIpvs, type IpvsOwnership } from './IpvsReconciler.js';
import { IpvsTableMirror } from './IpvsTableMirror.js';
import { LvsSyncDaemonController, type SyncDaemonKernel, type VrrpRoleEvent, type VrrpRoleSource } from './LvsSyncDaemonController.js';

/** What IpvsSync needs of the kernel; IpvsClient provides it, tests fake it. */
export interface IpvsKernel extends SyncDaemonKernel {
  dumpTable(options?: IpvsDumpOptions): Promise<IpvsLiveTable>;
  apply(operations: readonly IpvsOperation[]): Promise<IpvsApplyReport>;
  flush(): Promise<void>;
  setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void>;
}

export interface IpvsSyncOptions {
  readonly kernel: IpvsKernel;
  readonly config: VigilConfig;
  /** `-I` / `--dont-release-ipvs`: leave Vigil's entries in the kernel on stop. */
  readonly dontReleaseIpvs?: boolean;
  /** How often the kernel table is re-dumped and drift put right (default 60 s; 0 disables). */
  readonly driftRepairIntervalMs?: number;
  readonly timers?: NetlinkTimers;
  readonly log?: IpvsLog;
  /**
   * At start, own every kernel entry the configuration describes (its services, and dests of
   * its real and sorry servers), not only the ones wanted now. For a checker process that
   * takes over from a crashed predecessor (Vigil itself): a server the predecessor had
   * judged down but not yet removed is then removed, instead of being left as foreign.
   */
  readonly adoptConfigured?: boolean;
  /** Told of every pass (start, checker, reload, drift repair, stop), e.g. for metrics. */
  readonly onPass?: (pass: IpvsSyncPass) => void;
  /**
   * Where what Vigil owns is recorded across restarts (ipvs-owned.json in the run directory).
   * Read at start: recorded entries still in the kernel are Vigil's, and removed if no longer
   * desired. Rewritten after each pass that changes ownership, and at stop. Without it,
   * ownership lives in memory only.
   */
  readonly ownership?: IpvsOwnershipPersistence;
}

/** Why a pass over the table ran. */
export type IpvsSyncReason = 'start' | 'checker' | 'reload' | 'drift-repair' | 'stop';

export interface IpvsSyncPass {
  readonly reason: IpvsSyncReason;
  /** Operations sent to the kernel (0 for a table that already matched). */
  readonly operations: number;
  readonly failures: readonly string[];
  /** Drift repair: entries of Vigil's that were missing or changed in the kernel and were put back. */
  readonly restored: number;
}

export interface IpvsSyncStatus {
  readonly running: boolean;
  readonly ownedServices: number;
  readonly ownedDests: number;
  readonly passes: number;
  readonly lastPass: IpvsSyncPass | null;
  readonly lastError: string | null;
}

const DEFAULT_DRIFT_REPAIR_MS = 60_000;

/** An operation's kind and full target, to compare plans. */
function operationKey(operation: IpvsOperation): string {
  const target = 'dest' in operation ? ipvsServiceDestKey(operation.service, operation.dest) : ipvsServiceKey(operation.service);
  return `${operation.kind} ${target}${'dest' in operation && operation.kind !== 'delete-dest' ? ` w${operation.dest.weight}` : ''}`;
}

/**
 * Keeps the kernel's IPVS table equal to what the configuration and the checkers ask
 * for, and owns the entries it creates or adopts.
 *
 * - start: `lvs_flush` flushes; `lvs_timeouts` are set; the kernel is dumped and
 *   reconciled against the desired table; entries that already match are adopted, and
 *   entries the ownership record names that are no longer desired (a previous run's
 *   leftovers) are removed. Entries neither desired nor recorded are foreign: left alone.
 * - checker events and reloads: re-plan against the mirror of the kernel (no dump)
 *   and apply the difference, coalescing bursts into one pass.
 * - drift repair (periodic): re-dump, put back what was removed or changed behind
 *   Vigil's back (`ipvsadm -C`, `ipvsadm -d`), and log each repair.
 * - stop: `lvs_flush_on_stop all` flushes, `vs` removes every configured service,
 *   otherwise Vigil removes what it owns unless `--dont-release-ipvs`.
 * - `lvs_sync_daemon`: the sync daemon follows the VRRP instance's role.
 * - the ownership record follows each pass that changes what Vigil owns: before the kernel
 *   is sent additions (so a crash right after them still leaves them recorded), and after
 *   it answered. At stop it is emptied by a release, and kept with `-I`.
 */
export class IpvsSync {
  private config: VigilConfig;
  private states = new Map<number, PoolState>();
  private readonly mirror = new IpvsTableMirror();
  private readonly ownedServices = new Set<string>();
  private readonly ownedDests = new Set<string>();
  private readonly daemon: LvsSyncDaemonController;
  private readonly log: IpvsLog;
  private readonly timers: NetlinkTimers;
  private tail: Promise<unknown> = Promise.resolve();
  private pendingChecker = false;
  private driftTimer: unknown;
  private running = false;
  /** start() was called and has not finished: events now are planned right after it. */
  private starting = false;
  private passes = 0;
  private lastPass: IpvsSyncPass | null = null;
  private lastError: string | null = null;
  private unsubscribers: (() => void)[] = [];
  /**
   * The record is written only once start has read it and seen the kernel: a sync whose start
   * failed earlier must not overwrite a previous run's record with its own empty ownership.
   */
  private ownershipSettled = false;
  /** The ownership last written to the record (its serialised text); null: unknown, write next time. */
  private recordedOwnership: string | null = null;
  /** The last failure to write the record, so that a failing disk warns once, not every pass. */
  private ownershipWriteError: string | null = null;
  /** Keys (service, or service>dest) of the previous run's leftovers the start pass removes. */
  private readonly leftovers = new Set<string>();

  constructor(private readonly options: IpvsSyncOptions) {
    this.config = options.config;
    this.log = options.log ?? SILENT_IPVS_LOG;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.daemon = new LvsSyncDaemonController(options.kernel, options.config, this.log);
  }

  /** The kernel table as this sync last saw and left it (its mirror; no dump is made). */
  lastKnownTable(): IpvsTable {
    return this.mirror.table();
  }

  status(): IpvsSyncStatus {
    return {
      running: this.running,
      ownedServices: this.ownedServices.size,
      ownedDests: this.ownedDests.size,
      passes: this.passes,
      lastPass: this.lastPass,
      lastError: this.lastError,
    };
  }

  /** The desired table for the current configuration and checker states. */
  desired(): DesiredIpvs {
    return desiredIpvsTable(this.config, this.states);
  }

  /** Takes the checker's snapshot and follows its events until `stop()`. */
  attachChecker(output: CheckerOutput): void {
    for (const state of output.snapshot().virtualServers) this.states.set(state.configIndex, state);
    this.unsubscribers.push(output.subscribe((event) => this.checkerEvent(event)));
  }

  /** Follows the VRRP instance `lvs_sync_daemon` names until `stop()`. */
  attachVrrp(source: VrrpRoleSource): void {
    this.unsubscribers.push(source.subscribe((event) => void this.vrrpRoleChanged(event).catch(() => undefined)));
  }

  vrrpRoleChanged(event: VrrpRoleEvent): Promise<void> {
    return this.daemon.roleChanged(event);
  }

  /** A checker event: remember the state and schedule one coalesced pass. */
  checkerEvent(event: CheckerOutputEvent): void {
    // The checker stopping is the daemon shutting down: release as on stop().
    if (event.kind === 'stopped') {
      if (this.running) void this.stop().catch(() => undefined);
      return;
    }
    this.states.set(event.state.configIndex, event.state);
    if ((!this.running && !this.starting) || this.pendingChecker) return;
    this.pendingChecker = true;
    void this.enqueue(async () => {
      this.pendingChecker = false;
      return this.pass('checker', null);
    }).catch(() => undefined);
  }

  start(): Promise<IpvsSyncPass> {
    this.starting = true;
    return this.enqueue(async () => {
      const global = this.config.global;
      if (global.lvsFlush) {
        await this.options.kernel.flush();
        this.log.info({}, 'IPVS: flushing the kernel table at start (lvs_flush)');
      }
      await this.applyTimeouts();
      const recorded = await this.loadOwnershipRecord();
      const current = await this.options.kernel.dumpTable({ counters: false });
      if (this.options.adoptConfigured === true) this.adoptConfigured(current);
      if (recorded !== null) this.adoptRecorded(recorded, current);
      this.ownershipSettled = true;
      const pass = await this.pass('start', current);
      this.leftovers.clear();
      this.running = true;
      this.starting = false;
      this.armDriftRepair();
      return pass;
    });
  }

  /**
   * Applies a new configuration (SIGHUP reload). `states` are the new checker's states
   * for it (by their `configIndex` in `config`). Without them, the states held so far move
   * with their virtual server (same key, wherever it now is in the file) and real server
   * (same address and port), so healthy servers stay in; new ones start as at a fresh start.
   *
   * The configuration and states switch at once, so that a pass queued before this one
   * already plans against them (the old configuration with new indexes would mismatch).
   */
  reload(config: VigilConfig, states?: readonly VirtualServerDesiredState[]): Promise<IpvsSyncPass> {
    this.states = states !== undefined ? new Map(states.map((s) => [s.configIndex, s])) : movePoolStates(this.config, this.states, config);
    this.config = config;
    return this.enqueue(async () => {
      this.daemon.setConfig(config);
      await this.applyTimeouts();
      return this.pass('reload', null);
    });
  }

  /** Re-dumps the kernel and puts back what Vigil owns or wants that is missing or changed. */
  repairDrift(): Promise<IpvsSyncPass> {
    return this.enqueue(async () => {
      const current = await this.options.kernel.dumpTable({ counters: false });
      return this.pass('drift-repair', current);
    });
  }

  stop(): Promise<void> {
    return this.enqueue(async () => {
      this.running = false;
      this.timers.clearTimeout(this.driftTimer);
      for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
      const global = this.config.global;
      if (global.lvsFlushOnStop === 'all') {
        await this.options.kernel.flush();
        this.ownedServices.clear();
        this.ownedDests.clear();
        this.log.info({}, 'IPVS: flushing the kernel table on stop (lvs_flush_on_stop)');
      } else if (global.lvsFlushOnStop === 'vs') {
        const configured = new Set(this.desired().table.map((e) => ipvsServiceKey(e.service)));
        const operations: IpvsOperation[] = this.mirror
          .table()
          .filter((e) => configured.has(ipvsServiceKey(e.service)))
          .map((e) => ({ kind: 'delete-service', service: e.service }));
        const failures = await this.send('stop', operations);
        this.record({ reason: 'stop', operations: operations.length, failures, restored: 0 });
      } else if (this.options.dontReleaseIpvs !== true) {
        const owned = { services: this.ownedServices, dests: this.ownedDests };
        const operations = reconcileIpvs([], this.mirror.table(), { owned });
        const failures = await this.send('stop', operations);
        this.record({ reason: 'stop', operations: operations.length, failures, restored: 0 });
      } else {
        this.log.info({ services: this.ownedServices.size }, 'IPVS: leaving virtual servers in place (--dont-release-ipvs)');
      }
      // After a release the record is empty; with -I it keeps naming what stays in the kernel.
      await this.persistOwnership([]);
      await this.daemon.stop().catch((e: unknown) => {
        this.lastError = (e as Error).message;
      });
    });
  }

  /** Resolves once every queued pass has run. */
  settled(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  private enqueue<R>(step: () => Promise<R>): Promise<R> {
    const run = this.tail.then(step);
    this.tail = run.catch((e: unknown) => {
      this.lastError = (e as VigilError).message;
      this.log.error({ code: (e as VigilError).code }, `IPVS: ${(e as Error).message}`);
    });
    return run;
  }

  private armDriftRepair(): void {
    const interval = this.options.driftRepairIntervalMs ?? DEFAULT_DRIFT_REPAIR_MS;
    if (interval <= 0 || !this.running) return;
    this.timers.clearTimeout(this.driftTimer);
    this.driftTimer = this.timers.setTimeout(() => {
      void this.repairDrift()
        .catch(() => undefined)
        .finally(() => this.armDriftRepair());
    }, interval);
  }

  private async applyTimeouts(): Promise<void> {
    const t = this.config.global.lvsTimeouts;
    if (t === null) return;
    const timeouts: Partial<IpvsTimeouts> = {
      ...(t.tcpSeconds !== null && { tcp: t.tcpSeconds }),
      ...(t.tcpFinSeconds !== null && { tcpFin: t.tcpFinSeconds }),
      ...(t.udpSeconds !== null && { udp: t.udpSeconds }),
    };
    if (Object.keys(timeouts).length > 0) await this.options.kernel.setTimeouts(timeouts);
  }

  /**
   * One reconcile: against `current` (a fresh dump) when given, else against the mirror.
   * With a dump, entries of Vigil's that differ from the mirror were changed outside Vigil:
   * each one put back is logged as a repair.
   */
  private async pass(reason: IpvsSyncReason, current: IpvsTable | null): Promise<IpvsSyncPass> {
    const desired = this.desired();
    for (const problem of desired.problems) this.log.warn({ configIndex: problem.configIndex, code: problem.code }, `IPVS: ${problem.message}`);
    const base = current ?? this.mirror.table();
    const owned = { services: this.ownedServices, dests: this.ownedDests };
    const operations = reconcileIpvs(desired.table, base, { owned, flush: false });
    if (reason === 'start') this.logAdoption(desired, base);
    let restored = 0;
    if (current !== null && reason === 'drift-repair') {
      // What the mirror already expected to send (a checker change not applied yet) is not drift.
      const expected = new Set(reconcileIpvs(desired.table, this.mirror.table(), { owned }).map(operationKey));
      this.mirror.replace(current);
      restored = this.logDrift(
        operations.filter((op) => !expected.has(operationKey(op))),
        desired,
      );
    } else if (current !== null) {
      this.mirror.replace(current);
    }
    await this.persistOwnership(operations);
    const failures = await this.send(reason, operations);
    this.adoptDesired(desired);
    await this.persistOwnership([]);
    const result: IpvsSyncPass = { reason, operations: operations.length, failures, restored };
    this.record(result);
    return result;
  }

  private record(pass: IpvsSyncPass): void {
    this.passes++;
    this.lastPass = pass;
    try {
      this.options.onPass?.(pass);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'IPVS: pass listener failed');
    }
  }

  /** The kernel entries the configuration describes, whoever's health they reflect, become Vigil's. */
  private adoptConfigured(current: IpvsTable): void {
    const everyone = new Map<number, PoolState>(
      this.config.virtualServers.map((vs, index) => [
        index,
        { realServers: vs.realServers.map((rs) => ({ address: rs.address, port: rs.port, inPool: true, weight: 1 })), sorryServer: vs.sorryServer === null ? null : { inPool: true, weight: 1 } },
      ]),
    );
    const live = new Map(current.map((e) => [ipvsServiceKey(e.service), new Set(e.dests.map(ipvsDestKey))]));
    for (const entry of desiredIpvsTable(this.config, everyone).table) {
      const dests = live.get(ipvsServiceKey(entry.service));
      if (dests === undefined) continue;
      this.ownedServices.add(ipvsServiceKey(entry.service));
      for (const dest of entry.dests) if (dests.has(ipvsDestKey(dest))) this.ownedDests.add(ipvsServiceDestKey(entry.service, dest));
    }
  }

  /** Reads the record at start; a missing one is normal, an unusable one is named and ignored. */
  private async loadOwnershipRecord(): Promise<IpvsOwnership | null> {
    const store = this.options.ownership;
    if (store === undefined) return null;
    const loaded = await store.load();
    switch (loaded.kind) {
      case 'found':
        this.recordedOwnership = serialiseIpvsOwnership(loaded.owned);
        return loaded.owned;
      case 'missing':
        this.log.debug({ path: store.location }, `IPVS: no ownership record at ${store.location} (none written since boot, or the previous run kept none)`);
        return null;
      case 'ignored':
        this.log.warn({ path: store.location, reason: loaded.reason }, `IPVS: ignoring the ownership record ${store.location}: ${loaded.reason}; entries not in the configuration are left alone`);
        return null;
    }
  }

  /**
   * Recorded entries still in the kernel were a previous run's: Vigil owns them again, and
   * those no longer desired are leftovers the start pass removes. Unrecorded ones stay foreign.
   */
  private adoptRecorded(recorded: IpvsOwnership, current: IpvsTable): void {
    const desired = this.desired().table;
    const wantedServices = new Set(desired.map((e) => ipvsServiceKey(e.service)));
    const wantedDests = new Set(desired.flatMap((e) => e.dests.map((d) => ipvsServiceDestKey(e.service, d))));
    for (const entry of current) {
      const serviceKey = ipvsServiceKey(entry.service);
      if (recorded.services.has(serviceKey)) {
        this.ownedServices.add(serviceKey);
        if (!wantedServices.has(serviceKey)) this.leftovers.add(serviceKey);
      }
      for (const dest of entry.dests) {
        const destKey = ipvsServiceDestKey(entry.service, dest);
        if (!recorded.dests.has(destKey)) continue;
        this.ownedDests.add(destKey);
        if (!wantedDests.has(destKey)) this.leftovers.add(destKey);
      }
    }
    // A leftover service takes its dests with it: count those apart only in services that stay.
    const services = [...this.leftovers].filter((k) => !k.includes('>')).length;
    const dests = [...this.leftovers].filter((k) => k.includes('>') && !this.leftovers.has(k.slice(0, k.indexOf('>')))).length;
    if (services + dests > 0) {
      this.log.info(
        { services, dests },
        `IPVS: removing ${services} virtual server(s) and ${dests} real server(s) left over from a previous run (recorded in ${this.options.ownership?.location ?? 'the ownership record'})`,
      );
    }
  }

  /**
   * Writes what Vigil owns, plus the additions about to be sent (`pending`), when that differs
   * from the record. One write per change of a pass, never per operation. A failed write is
   * warned about once and retried at the next pass: the kernel work goes on regardless.
   */
  private async persistOwnership(pending: readonly IpvsOperation[]): Promise<void> {
    const store = this.options.ownership;
    if (store === undefined || !this.ownershipSettled) return;
    const owned = { services: new Set(this.ownedServices), dests: new Set(this.ownedDests) };
    for (const op of pending) {
      if (op.kind === 'add-service') owned.services.add(ipvsServiceKey(op.service));
      else if (op.kind === 'add-dest') owned.dests.add(ipvsServiceDestKey(op.service, op.dest));
    }
    const text = serialiseIpvsOwnership(owned);
    if (text === this.recordedOwnership) return;
    try {
      await store.save(owned);
      this.recordedOwnership = text;
      if (this.ownershipWriteError !== null) this.log.info({ path: store.location }, `IPVS: ownership record ${store.location} written again`);
      this.ownershipWriteError = null;
    } catch (e) {
      const message = (e as Error).message;
      if (message !== this.ownershipWriteError) {
        this.log.warn({ path: store.location, code: (e as VigilError).code }, `IPVS: ${message}; a restart may leave this run's entries behind`);
      }
      this.ownershipWriteError = message;
    }
  }

  /** Entries that were already in the kernel and match: Vigil owns them from now on. */
  private logAdoption(desired: DesiredIpvs, current: IpvsTable): void {
    const present = new Set(current.map((e) => ipvsServiceKey(e.service)));
    const adopted = desired.table.filter((e) => present.has(ipvsServiceKey(e.service))).length;
    if (adopted > 0) this.log.info({ services: adopted }, `IPVS: adopting ${adopted} virtual service(s) already in the kernel table`);
  }

  private logDrift(operations: readonly IpvsOperation[], desired: DesiredIpvs): number {
    let restored = 0;
    for (const op of operations) {
      const origin = desired.origins.get(ipvsServiceKey(op.service))?.vs ?? serviceText(op.service);
      switch (op.kind) {
        case 'add-service':
          this.log.warn({ vs: origin, drift: true }, `IPVS: Virtual Server ${serviceText(op.service)} of ${origin} is missing from the kernel table (removed outside Vigil); adding it back`);
          restored++;
          break;
        case 'add-dest':
          this.log.warn({ vs: origin, rs: destText(op.service, op.dest), drift: true }, `IPVS: service ${destText(op.service, op.dest)} is missing from VS ${origin} (removed outside Vigil); adding it back`);
          restored++;
          break;
        case 'edit-service':
        case 'edit-dest':
          this.log.warn({ vs: origin, drift: true }, `IPVS: ${op.kind === 'edit-service' ? `Virtual Server ${serviceText(op.service)}` : `service ${destText(op.service, op.dest)}`} of VS ${origin} was changed outside Vigil; setting it back`);
          restored++;
          break;
        default:
          break;
      }
    }
    return restored;
  }

  /** Marks every desired entry that now exists in the kernel as Vigil's. */
  private adoptDesired(desired: DesiredIpvs): void {
    for (const entry of desired.table) {
      if (!this.mirror.hasService(ipvsServiceKey(entry.service))) continue;
      this.ownedServices.add(ipvsServiceKey(entry.service));
      for (const dest of entry.dests) if (this.mirror.hasDest(entry.service, dest)) this.ownedDests.add(ipvsServiceDestKey(entry.service, dest));
    }
  }

  /** Applies operations, updates the mirror and ownership, logs in keepalived's words. */
  private async send(reason: IpvsSyncReason, operations: readonly IpvsOperation[]): Promise<string[]> {
    if (operations.length === 0) return [];
    const report = await this.options.kernel.apply(operations);
    const failures: string[] = [];
    let drifted = false;
    for (const result of report.results) {
      const op = result.operation;
      if (result.errno !== 0) {
        failures.push(result.error ?? `errno ${result.errno}`);
        this.log.error({ reason, errno: result.errno }, `IPVS: ${result.error ?? ''}`);
        drifted = true;
        continue;
      }
      this.mirror.apply(op);
      const serviceKey = ipvsServiceKey(op.service);
      switch (op.kind) {
        case 'add-service':
          this.ownedServices.add(serviceKey);
          if (reason !== 'drift-repair') this.log.info({ reason }, `Adding Virtual Server ${serviceText(op.service)}`);
          break;
        case 'edit-service':
          this.log.info({ reason }, `Changing Virtual Server ${serviceText(op.service)} (scheduler ${op.service.scheduler})`);
          break;
        case 'delete-service':
          this.ownedServices.delete(serviceKey);
          for (const key of [...this.ownedDests]) if (key.startsWith(`${serviceKey}>`)) this.ownedDests.delete(key);
          this.log.info({ reason }, `Removing Virtual Server ${serviceText(op.service)}${this.leftoverNote(serviceKey)}`);
          break;
        case 'add-dest':
          this.ownedDests.add(ipvsServiceDestKey(op.service, op.dest));
          if (reason !== 'drift-repair') this.log.info({ reason }, `Adding service ${destText(op.service, op.dest)} to VS ${serviceText(op.service)}`);
          break;
        case 'edit-dest':
          this.log.info({ reason }, `Changing weight of service ${destText(op.service, op.dest)} in VS ${serviceText(op.service)} to ${op.dest.weight}`);
          break;
        case 'delete-dest':
          this.ownedDests.delete(ipvsServiceDestKey(op.service, op.dest));
          this.log.info({ reason }, `Removing service ${destText(op.service, op.dest)} from VS ${serviceText(op.service)}${this.leftoverNote(ipvsServiceDestKey(op.service, op.dest))}`);
          break;
      }
    }
    // An operation the kernel refused means the mirror was wrong: look again soon.
    if (drifted && this.running && reason !== 'drift-repair' && reason !== 'stop') {
      this.timers.clearTimeout(this.driftTimer);
      this.driftTimer = this.timers.setTimeout(() => {
        void this.repairDrift()
          .catch(() => undefined)
          .finally(() => this.armDriftRepair());
      }, 0);
    }
    if (failures.length > 0) this.lastError = failures[0] ?? null;
    return failures;
  }

  private leftoverNote(key: string): string {
    return this.leftovers.has(key) ? ' (left over from a previous run)' : '';
  }
}

/** A real server's identity inside its virtual server: address and the port its dest gets. */
function realServerIdentity(address: string, port: number | null, vsPort: number | null): string {
  return `${canonicalAddress(address)}|${port ?? vsPort ?? 0}`;
}

/**
 * Moves pool states from one configuration to the next by identity, not position: a
 * virtual server is found by its key (keepalived's text: address, protocol and port;
 * fwmark; group), a real server inside it by address and port. Entries of the new
 * configuration with no predecessor take their start-up state (`initialPoolState`).
 */
export function movePoolStates(previous: VigilConfig, states: ReadonlyMap<number, PoolState>, next: VigilConfig): Map<number, PoolState> {
  const byIdentity = new Map<string, { vs: VirtualServer; state: PoolState }[]>();
  previous.virtualServers.forEach((vs, index) => {
    const state = states.get(index);
    if (state === undefined) return;
    const key = virtualServerText(vs);
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), { vs, state }]);
  });
  const moved = new Map<number, PoolState>();
  next.virtualServers.forEach((vs, index) => {
    const before = byIdentity.get(virtualServerText(vs))?.shift();
    if (before === undefined) return;
    const oldPort = before.vs.key.kind === 'address' ? before.vs.key.port : null;
    const newPort = vs.key.kind === 'address' ? vs.key.port : null;
    const oldByIdentity = new Map<string, PoolState['realServers'][number][]>();
    before.vs.realServers.forEach((rs, i) => {
      const entry = before.state.realServers[i];
      if (entry === undefined) return;
      const key = realServerIdentity(rs.address.address, rs.port, oldPort);
      oldByIdentity.set(key, [...(oldByIdentity.get(key) ?? []), entry]);
    });
    const initial = initialPoolState(vs);
    const realServers = vs.realServers.map((rs, i) => {
      const entry = oldByIdentity.get(realServerIdentity(rs.address.address, rs.port, newPort))?.shift();
      if (entry !== undefined) return { address: rs.address, port: rs.port, inPool: entry.inPool, weight: entry.weight };
      return initial.realServers[i] ?? { address: rs.address, port: rs.port, inPool: false, weight: 0 };
    });
    const sameSorry =
      vs.sorryServer !== null &&
      before.vs.sorryServer !== null &&
      realServerIdentity(vs.sorryServer.address.address, vs.sorryServer.port, newPort) === realServerIdentity(before.vs.sorryServer.address.address, before.vs.sorryServer.port, oldPort);
    moved.set(index, { realServers, sorryServer: sameSorry ? before.state.sorryServer : initial.sorryServer });
  });
  return moved;
}
