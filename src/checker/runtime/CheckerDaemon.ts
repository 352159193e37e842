import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { VigilError } from '../../core/VigilError.js';
import type { IpvsClientOptions } from '../../ipvs/IpvsClient.js';
import type { IpvsLog } from '../../ipvs/IpvsLog.js';
import { tableRuleText } from '../../ipvs/IpvsadmRuleText.js';
import type { IpvsSyncPass, IpvsSyncStatus } from '../../ipvs/IpvsSync.js';
import type { VrrpRoleEvent } from '../../ipvs/LvsSyncDaemonController.js';
import { SYSTEM_TIMERS, type NetlinkTimers } from '../../netlink/NetlinkTimers.js';
import type { CheckerOutput, CheckerSnapshot } from '../CheckerOutput.js';
import { CheckerEngine, type CheckerEngineOptions } from '../engine/CheckerEngine.js';
import type { CheckerLog } from '../engine/CheckerLog.js';
import { networkProbeRunner } from '../probe/ProbeRunner.js';
import { formatVirtualServer } from '../state/ServiceText.js';
import { systemClock } from '../time/CheckerClock.js';
import { connectCheckerIpvs, type CheckerIpvs } from './CheckerIpvsConnection.js';
import type { CheckerMetricsSink } from './CheckerMetricsSink.js';
import { CheckerOutputRelay } from './CheckerOutputRelay.js';
import { timedProbeRunner } from './TimedProbeRunner.js';
import { haSuspendAddresses, openAddressMonitor, VirtualAddressPresence, type HostAddressSourceOpener } from './VirtualAddressPresence.js';

export interface CheckerDaemonOptions {
  readonly config: VigilConfig;
  /** The child passes its pino logger (see src/log/Logger.ts). */
  readonly log: CheckerLog & IpvsLog;
  /** `-I` / `--dont-release-ipvs`. */
  readonly dontReleaseIpvs: boolean;
  /**
   * Path of the IPVS ownership record (ipvs-owned.json in the run directory), so that a
   * restart removes this run's entries the new configuration drops. Absent: not kept.
   */
  readonly ipvsOwnershipRecord?: string;
  /** States to start from instead of fresh ones: the last snapshot of a crashed predecessor (respawn). */
  readonly carryOver?: CheckerSnapshot | null;
  /** Metric events (probe results, IPVS passes); the child forwards them to the parent. */
  readonly metrics?: CheckerMetricsSink;
  /** Tests inject a fake kernel socket. */
  readonly ipvsClient?: IpvsClientOptions;
  /** Tests inject clock, wake-up timer, probe runner... */
  readonly engineOptions?: CheckerEngineOptions;
  /** Opens the host address feed ha_suspend needs (default: an rtnetlink AddressMonitor). */
  readonly addressSource?: HostAddressSourceOpener;
  /** Longest wait for running probes at a reload or stop, on the engine's clock (default 5 s). */
  readonly probeWaitMs?: number;
  /** Longest wait for the checkers' shutdown (omega notifiers) before IPVS is released anyway (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** Timers for IPVS drift repair and the stop bound (tests fire them by hand). */
  readonly timers?: NetlinkTimers;
  readonly driftRepairIntervalMs?: number;
  /**
   * How often to try IPVS again while the kernel has none (an operator may `modprobe ip_vs`
   * after seeing the status); 0: never. Default 30 s.
   */
  readonly ipvsRetryIntervalMs?: number;
}

export interface CheckerReloadSummary {
  /** keepalived's texts of the virtual servers the new configuration adds / drops. */
  readonly addedVirtualServers: readonly string[];
  readonly removedVirtualServers: readonly string[];
  /** Real servers that kept their state (not re-announced). */
  readonly keptRealServers: number;
  /** Real servers that start as at a fresh start (new, or with changed checkers). */
  readonly freshRealServers: number;
  /** Real servers of the previous configuration that are gone (or replaced). */
  readonly removedRealServers: number;
  /** Kernel writes of the reload pass (0 when nothing changed, or without IPVS). */
  readonly ipvsOperations: number;
  readonly ipvsFailures: readonly string[];
}

export type CheckerReloadResult = { readonly ok: true; readonly summary: CheckerReloadSummary } | { readonly ok: false; readonly errors: readonly VigilError[] };

/** IPVS as `vigil status` shows it: the sync's status, or why there is none (`CODE: message`). */
export type CheckerIpvsStatus = IpvsSyncStatus | { readonly running: false; readonly unavailable: string };

const DEFAULT_PROBE_WAIT_MS = 5000;
const DEFAULT_IPVS_RETRY_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** Texts of `a` not matched one-to-one in `b`. */
function missingFrom(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * The checker side of the daemon, as keepalived's checker process: the health checkers,
 * IPVS kept in sync with them, ha_suspend fed from the host's addresses, and reloads that
 * carry real server states over. IPVS missing from the kernel is a status, not a failure:
 * the checkers run anyway.
 */
export class CheckerDaemon {
  /** The current engine's output, stable across reloads. */
  readonly output: CheckerOutput;
  private readonly relay: CheckerOutputRelay;
  /** What IpvsSync follows: the current engine's `virtual-server` events only (never `stopped`). */
  private readonly ipvsFeed: CheckerOutputRelay;
  private readonly log: CheckerLog & IpvsLog;
  private readonly timers: NetlinkTimers;
  private engine: CheckerEngine;
  private config: VigilConfig;
  private unsubscribers: (() => void)[] = [];
  private ipvs: CheckerIpvs | null = null;
  private presence: VirtualAddressPresence | null = null;
  private ipvsRetryTimer: unknown = null;
  /** The latest role of each VRRP instance, replayed to an IPVS sync that starts late. */
  private readonly lastRoles = new Map<string, VrrpRoleEvent>();
  /** Reloads and the stop run one at a time, in order. */
  private tail: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  private constructor(private readonly options: CheckerDaemonOptions) {
    this.log = options.log;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    const warn = (e: unknown): void => this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'checker output listener failed');
    this.relay = new CheckerOutputRelay(warn);
    this.ipvsFeed = new CheckerOutputRelay(warn);
    this.output = this.relay;
    this.config = options.config;
    this.engine = this.createEngine(options.config);
  }

  /** Starts the checkers, then IPVS. Throws only when the configuration cannot be run at all. */
  static async start(options: CheckerDaemonOptions): Promise<CheckerDaemon> {
    const daemon = new CheckerDaemon(options);
    await daemon.begin();
    return daemon;
  }

  ipvsStatus(): CheckerIpvsStatus {
    const ipvs = this.ipvs;
    if (ipvs === null) return { running: false, unavailable: 'IPVS_NOT_STARTED: the checker side has not opened IPVS' };
    if (ipvs.ok) return ipvs.sync.status();
    return { running: false, unavailable: `${ipvs.error.code}: ${ipvs.error.message}` };
  }

  /** The IPVS table as last seen, in `ipvsadm -Sn` form (for the state dump); `null` without IPVS. */
  ipvsRules(): readonly string[] | null {
    const ipvs = this.ipvs;
    if (ipvs === null || !ipvs.ok) return null;
    return tableRuleText(ipvs.sync.lastKnownTable()).split('\n').filter((l) => l !== '');
  }

  /** lvs_sync_daemon follows its VRRP instance (the VRRP child reports its role). */
  vrrpRoleChanged(event: VrrpRoleEvent): void {
    this.lastRoles.set(event.instance, event);
    const ipvs = this.ipvs;
    if (ipvs === null || !ipvs.ok) return;
    ipvs.sync.vrrpRoleChanged(event).catch((e: unknown) => {
      this.log.error({ instance: event.instance, role: event.role }, `IPVS: sync daemon change failed: ${(e as Error).message}`);
    });
  }

  /**
   * Applies a new configuration. Real servers that stay (same virtual server key, same
   * address and port, same checkers) keep their state and are not announced again; new ones
   * start as at a fresh start; removed ones leave IPVS through the reconciler's difference.
   * Nothing changes when the result is not ok.
   */
  reload(config: VigilConfig): Promise<CheckerReloadResult> {
    const run = this.tail.then(() => this.reloadNow(config));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Graceful stop: checkers stop (omega notifiers run), then Vigil's own IPVS entries are
   * released unless `-I`. Bounded: a probe or notifier that hangs is given up with a warning.
   */
  stop(): Promise<void> {
    if (this.stopping === null) {
      this.stopping = this.tail.then(() => this.stopNow());
      this.tail = this.stopping.catch(() => undefined);
    }
    return this.stopping;
  }

  // ---- start ----

  private async begin(): Promise<void> {
    await this.openPresence(this.config);
    this.presence?.follow(this.engine, this.config);
    this.relay.setSource(this.engine);
    this.ipvsFeed.setSource(this.engine);
    this.unsubscribers.push(this.engine.subscribe((e) => this.relay.relay(e)));
    const carried = this.engine.start(this.options.carryOver ? { virtualServers: this.options.carryOver.virtualServers } : null);
    if (this.options.carryOver) {
      this.log.info({ kept: carried.kept, fresh: carried.fresh, dropped: carried.dropped }, `Resuming ${carried.kept} real server(s) from the previous checker process's states (${carried.fresh} start fresh)`);
    }
    this.unsubscribers.push(this.followForIpvs(this.engine));
    this.ipvs = await this.connectIpvs(this.log, this.options.carryOver != null);
    if (!this.ipvs.ok) this.armIpvsRetry();
  }

  private connectIpvs(log: IpvsLog, adoptConfigured: boolean): Promise<CheckerIpvs> {
    return connectCheckerIpvs({
      config: this.config,
      checker: this.ipvsFeed,
      log,
      dontReleaseIpvs: this.options.dontReleaseIpvs,
      adoptConfigured,
      onPass: (pass) => this.options.metrics?.ipvsPass(pass),
      ...(this.options.ipvsOwnershipRecord !== undefined && { ownershipRecord: this.options.ipvsOwnershipRecord }),
      ...(this.options.ipvsClient !== undefined && { client: this.options.ipvsClient }),
      ...(this.options.timers !== undefined && { timers: this.options.timers }),
      ...(this.options.driftRepairIntervalMs !== undefined && { driftRepairIntervalMs: this.options.driftRepairIntervalMs }),
    });
  }

  private armIpvsRetry(): void {
    const interval = this.options.ipvsRetryIntervalMs ?? DEFAULT_IPVS_RETRY_MS;
    if (interval <= 0 || this.stopping !== null) return;
    this.ipvsRetryTimer = this.timers.setTimeout(() => {
      this.ipvsRetryTimer = null;
      const run = this.tail.then(() => this.retryIpvs());
      this.tail = run.catch(() => undefined);
    }, interval);
  }

  /**
   * One more try at IPVS. Its failure was logged once at start; a retry that fails again
   * says so only at debug level. Once IPVS is there, the sync programs the current
   * checker states, adopts the configured entries already in the kernel, and the VRRP roles
   * seen meanwhile are replayed for lvs_sync_daemon.
   */
  private async retryIpvs(): Promise<void> {
    if (this.stopping !== null || this.ipvs?.ok === true) return;
    let retrying = true;
    const log = this.log;
    const retryLog: CheckerLog & IpvsLog = {
      debug: (f, m) => log.debug(f, m),
      info: (f, m) => log.info(f, m),
      warn: (f, m) => log.warn(f, m),
      error: (f, m) => (retrying ? log.debug(f, m) : log.error(f, m)),
    };
    const ipvs = await this.connectIpvs(retryLog, true);
    retrying = false;
    this.ipvs = ipvs;
    if (!ipvs.ok) {
      this.armIpvsRetry();
      return;
    }
    log.info({ virtualServers: this.config.virtualServers.length }, 'IPVS: the kernel has IPVS now; programming the virtual servers');
    for (const event of this.lastRoles.values()) this.vrrpRoleChanged(event);
  }

  private createEngine(config: VigilConfig): CheckerEngine {
    const engineOptions = this.options.engineOptions ?? {};
    const clock = engineOptions.clock ?? systemClock;
    const inner = engineOptions.runner ?? networkProbeRunner;
    const metrics = this.options.metrics;
    const runner = metrics ? timedProbeRunner(inner, metrics, () => clock.monotonicMs()) : inner;
    return new CheckerEngine(config, { ...engineOptions, log: engineOptions.log ?? this.log, runner });
  }

  private followForIpvs(engine: CheckerEngine): () => void {
    return engine.subscribe((e) => {
      if (e.kind === 'virtual-server') this.ipvsFeed.relay(e);
    });
  }

  /** ha_suspend needs the host's addresses; the feed runs only while some virtual server has it. */
  private async openPresence(config: VigilConfig): Promise<void> {
    if (this.presence !== null || haSuspendAddresses(config).size === 0) return;
    const open = this.options.addressSource ?? openAddressMonitor;
    try {
      this.presence = new VirtualAddressPresence(await open(this.log));
    } catch (e) {
      // Without the feed, ha_suspend checkers stay suspended: as if no VIP were here.
      this.log.error({ code: (e as VigilError).code }, `ha_suspend: cannot watch this host's addresses (${(e as Error).message}); checkers of ha_suspend virtual servers stay suspended`);
    }
  }

  // ---- reload ----

  private async reloadNow(config: VigilConfig): Promise<CheckerReloadResult> {
    if (this.stopping !== null) return { ok: false, errors: [new VigilError('CHECKER_STOPPING', 'the checker side is stopping; the reload was not applied')] };
    let next: CheckerEngine;
    try {
      next = this.createEngine(config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, errors: [new VigilError('CHECKER_RELOAD_FAILED', `cannot set up the checkers of the new configuration: ${message}`, {}, { cause: e })] };
    }
    await this.openPresence(config);
    const previous = this.config;
    const predecessor = await this.engine.handOver({ probeWaitMs: this.options.probeWaitMs ?? DEFAULT_PROBE_WAIT_MS });

    // From here to the IPVS reload nothing awaits: the new engine's first events and the
    // IPVS reload see the same configuration.
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.engine = next;
    this.config = config;
    this.relay.setSource(next);
    this.ipvsFeed.setSource(next);
    this.presence?.follow(next, config);
    this.unsubscribers.push(next.subscribe((e) => this.relay.relay(e)));
    const carried = next.start(predecessor);
    const ipvs = this.ipvs;
    const ipvsPass = ipvs?.ok ? ipvs.sync.reload(config, next.snapshot().virtualServers) : null;
    this.unsubscribers.push(this.followForIpvs(next));

    if (this.presence !== null && haSuspendAddresses(config).size === 0) {
      this.presence.stop();
      this.presence = null;
    }
    let pass: IpvsSyncPass | null = null;
    let ipvsFailures: string[] = [];
    if (ipvsPass !== null) {
      try {
        pass = await ipvsPass;
        ipvsFailures = [...pass.failures];
      } catch (e) {
        ipvsFailures = [(e as Error).message];
      }
    }
    const before = previous.virtualServers.map(formatVirtualServer);
    const after = config.virtualServers.map(formatVirtualServer);
    const summary: CheckerReloadSummary = {
      addedVirtualServers: missingFrom(after, before),
      removedVirtualServers: missingFrom(before, after),
      keptRealServers: carried.kept,
      freshRealServers: carried.fresh,
      removedRealServers: carried.dropped,
      ipvsOperations: pass?.operations ?? 0,
      ipvsFailures,
    };
    this.log.info({ ...summary }, `Reloaded the checkers: ${summary.keptRealServers} real server(s) kept, ${summary.freshRealServers} new, ${summary.removedRealServers} removed; ${summary.ipvsOperations} IPVS change(s)`);
    return { ok: true, summary };
  }

  // ---- stop ----

  private async stopNow(): Promise<void> {
    if (this.ipvsRetryTimer !== null) this.timers.clearTimeout(this.ipvsRetryTimer);
    this.ipvsRetryTimer = null;
    const engineStopped = this.engine.stop({ probeWaitMs: this.options.probeWaitMs ?? DEFAULT_PROBE_WAIT_MS });
    const limit = this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    if (!(await this.settlesWithin(engineStopped, limit))) {
      this.log.warn({ timeoutMs: limit }, `Checkers did not finish stopping within ${limit} ms (a probe or notify script hangs); releasing IPVS anyway`);
    }
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.presence?.stop();
    this.presence = null;
    const ipvs = this.ipvs;
    if (ipvs?.ok) {
      const released = ipvs.sync.stop().catch((e: unknown) => {
        this.log.error({}, `IPVS: releasing the virtual servers failed: ${(e as Error).message}`);
      });
      if (!(await this.settlesWithin(released, limit))) this.log.warn({ timeoutMs: limit }, `IPVS: releasing the virtual servers did not finish within ${limit} ms`);
      ipvs.client.close();
    }
  }

  /** Whether `promise` settles within `ms`; it keeps running either way. */
  private settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.timers.setTimeout(() => resolve(false), ms);
      promise.then(
        () => {
          this.timers.clearTimeout(timer);
          resolve(true);
        },
        () => {
          this.timers.clearTimeout(timer);
          resolve(true);
        },
      );
    });
  }
}
