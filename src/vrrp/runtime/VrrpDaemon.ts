import { OrderedScriptQueue } from '../../checker/script/OrderedScriptQueue.js';
import { runScript } from '../../checker/script/ScriptProcess.js';
import { ScriptUserTable } from '../../checker/script/ScriptUserTable.js';
import type { ScriptUser } from '../../config/model/Common.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { VigilError } from '../../core/VigilError.js';
import { AddressMonitor } from '../../netlink/rtnl/AddressMonitor.js';
import { LinkMonitor } from '../../netlink/rtnl/LinkMonitor.js';
import { isLinkUsable } from '../../netlink/rtnl/LinkState.js';
import { netlinkPackageTransport } from '../../netlink/rtnl/NetlinkPackageTransport.js';
import { RoutingInstaller } from '../../netlink/rtnl/RoutingInstaller.js';
import { RoutingMonitor } from '../../netlink/rtnl/RoutingMonitor.js';
import { RtnlClient } from '../../netlink/rtnl/RtnlClient.js';
import { VipInstaller } from '../../netlink/rtnl/VipInstaller.js';
import { GarpSender } from '../io/GarpSender.js';
import { NotifyDispatcher } from '../notify/NotifyDispatcher.js';
import { VrrpScriptRunner } from '../track/VrrpScriptRunner.js';
import { Ipv4AdvertTransport } from './Ipv4AdvertTransport.js';
import { Ipv6AdvertTransport } from './Ipv6AdvertTransport.js';
import { MonitoredInterfaces } from './MonitoredInterfaces.js';
import { SYSTEM_MONOTONIC_CLOCK } from './MonotonicClock.js';
import { SystemTimerWakeup } from './SystemTimerWakeup.js';
import { VmacInterfaces, PROC_SYSCTL, type VmacPorts } from './VmacInterface.js';
import { vmacDecision, type VmacPlan } from './VmacPlan.js';
import { VrrpEngine } from './VrrpEngine.js';
import type { VrrpLog } from './VrrpLog.js';
import { planVrrpReload, trackedScriptNames } from './VrrpReloadPlan.js';
import type { VrrpReloadResult } from './VrrpReloadResult.js';

export type { VrrpReloadResult, VrrpReloadSummary } from './VrrpReloadResult.js';

export interface VrrpDaemonOptions {
  readonly config: VigilConfig;
  readonly log: VrrpLog;
  /** false for `-V`: VIPs stay on the interfaces when Vigil stops. */
  readonly releaseVipsOnStop: boolean;
}

export type VrrpDaemonStart = { readonly ok: true; readonly daemon: VrrpDaemon } | { readonly ok: false; readonly errors: readonly VigilError[] };

/** How long a graceful stop may spend on priority-0 adverts and VIP removal. */
const ENGINE_STOP_TIMEOUT_MS = 3_000;
/** How long a stop waits for notify_stop and friends before leaving them behind. */
const NOTIFY_DRAIN_TIMEOUT_MS = 5_000;

/**
 * The VRRP side of a running Vigil: the rtnetlink monitors and installer, the advert and
 * AF_PACKET sockets (through the engine), vrrp_script runners and notify scripts, all in
 * this process and this network namespace.
 */
export class VrrpDaemon {
  private stopping: Promise<void> | undefined;
  /** Reloads run one after another, each against the configuration the previous one left. */
  private reloads: Promise<unknown> = Promise.resolve();
  private readonly runners = new Map<string, { readonly runner: VrrpScriptRunner; readonly off: () => void }>();
  /** The vmacs of the start-up configuration, then those each reload created. */
  private readonly vmacSets: VmacInterfaces[];

  private constructor(
    readonly engine: VrrpEngine,
    private readonly links: LinkMonitor,
    private readonly addresses: AddressMonitor,
    private readonly routingMonitor: RoutingMonitor,
    private readonly client: RtnlClient,
    vmacs: VmacInterfaces,
    private readonly vmacPorts: VmacPorts,
    private readonly notifier: NotifyDispatcher,
    private readonly log: VrrpLog,
    private readonly releaseVipsOnStop: boolean,
  ) {
    this.vmacSets = [vmacs];
  }

  /** Opens everything and starts the instances; on failure closes what it opened and says why. */
  static async start(options: VrrpDaemonOptions): Promise<VrrpDaemonStart> {
    const { config, log } = options;
    const open = netlinkPackageTransport({ log });
    let links: LinkMonitor | undefined;
    let addresses: AddressMonitor | undefined;
    let routing: RoutingMonitor | undefined;
    let client: RtnlClient | undefined;
    const cleanup = (): void => {
      links?.stop();
      addresses?.stop();
      routing?.stop();
      client?.close();
    };
    try {
      links = await LinkMonitor.start({ open, log });
      addresses = await AddressMonitor.start({ open, log });
      // Deleted virtual routes and rules are put back, as keepalived does: it watches them too.
      routing = await RoutingMonitor.start({ open, log });
      client = RtnlClient.open({ open, log });
    } catch (e) {
      cleanup();
      return { ok: false, errors: [asVigilError(e, 'VRRP_RUNTIME_NETLINK_FAILED', 'cannot open rtnetlink')] };
    }
    const linkMonitor = links;
    const addressMonitor = addresses;
    const routingMonitor = routing;
    const rtnl = client;
    const users = ScriptUserTable.fromSystem();
    const userErrors: VigilError[] = [];
    const runAs = resolveUser(users, config.global.scriptUser, userErrors);
    const runners = scriptRunners(config, users, log, userErrors);
    const notifyUsers = notifyScriptUsers(config, users, userErrors);
    if (userErrors.length > 0) {
      // Never fall back to running a script as root when its configured user is missing.
      cleanup();
      return { ok: false, errors: userErrors };
    }
    const notifier = new NotifyDispatcher({
      queue: new OrderedScriptQueue(),
      runAs,
      resolveUser: (user) => notifyUsers.get(userKey(user)),
      log,
    });
    const vmacPorts: VmacPorts = {
      execute: (requests) => rtnl.execute(requests),
      linkNamed: (name) => linkMonitor.linkNamed(name),
      onLinkChange: (listener) => linkMonitor.onChange(listener),
      addressesOf: (ifindex) => addressMonitor.onInterface(ifindex),
      onAddressChange: (listener) => addressMonitor.onChange(listener),
      sysctl: PROC_SYSCTL,
      log,
    };
    const vmacCreation = await VmacInterfaces.create(vmacPlans(config), vmacPorts);
    if (!vmacCreation.ok) {
      cleanup();
      return { ok: false, errors: vmacCreation.errors };
    }
    const vmacs = vmacCreation.vmacs;
    const interfaces = new MonitoredInterfaces(linkMonitor, addresses);
    const created = VrrpEngine.create(
      config,
      {
        clock: SYSTEM_MONOTONIC_CLOCK,
        createWakeup: (onWake) => new SystemTimerWakeup(SYSTEM_MONOTONIC_CLOCK, onWake, { log }),
        openTransport: (request) => (request.family === 'ipv4' ? Ipv4AdvertTransport.open(request) : Ipv6AdvertTransport.open(request)),
        installer: new VipInstaller(client, linkMonitor),
        routing: new RoutingInstaller(client, linkMonitor),
        openFrameSender: (ifname) => {
          const ifindex = linkMonitor.indexOf(ifname);
          return GarpSender.open({ ifname, ...(ifindex !== undefined ? { ifindex } : {}) });
        },
        interfaces,
        notifier,
        log,
      },
      { releaseVipsOnStop: options.releaseVipsOnStop },
    );
    if (!created.ok) {
      await vmacs.remove();
      cleanup();
      return { ok: false, errors: created.errors };
    }
    const engine = created.engine;

    linkMonitor.onChange((change) => {
      if (change.kind === 'changed') {
        if (change.wentDown || change.cameUp) engine.onLinkChange(change.link.name, isLinkUsable(change.link));
      } else {
        engine.onLinkChange(change.link.name, change.kind === 'added' && isLinkUsable(change.link));
      }
    });
    linkMonitor.onError((error) => log.warn({ code: error.code }, `link monitor: ${error.message}`));
    addresses.onChange((change) => {
      if (change.kind === 'removed') engine.onAddressRemoved(change.address);
      else engine.onAddressChange();
    });
    addresses.onError((error) => log.warn({ code: error.code }, `address monitor: ${error.message}`));
    routingMonitor.onChange((change) => (change.kind === 'route-removed' ? engine.onRouteRemoved(change.route) : engine.onRuleRemoved(change.rule)));
    routingMonitor.onError((error) => log.warn({ code: error.code }, `routing monitor: ${error.message}`));

    const daemon = new VrrpDaemon(engine, linkMonitor, addresses, routingMonitor, client, vmacs, vmacPorts, notifier, log, options.releaseVipsOnStop);
    engine.start();
    daemon.startRunners(runners);
    return { ok: true, daemon };
  }

  /**
   * Applies a new, already validated configuration by difference (SIGHUP): see
   * `VrrpEngine.reload` for the instances. Here: the script and notify users are resolved
   * again (a missing one refuses the reload, as at start-up), vmacs for new `use_vmac`
   * instances are created, and `vrrp_script` runners follow the plan: kept ones carry on
   * with their status, restarted and newly tracked ones start from INIT, untracked ones
   * stop. On `ok: false` nothing was changed.
   */
  reload(config: VigilConfig): Promise<VrrpReloadResult> {
    const run = this.reloads.then(() => this.applyReload(config));
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async applyReload(next: VigilConfig): Promise<VrrpReloadResult> {
    if (this.stopping !== undefined) return { ok: false, errors: [new VigilError('VRRP_RELOAD_NOT_RUNNING', 'the VRRP daemon is stopping')] };
    const plan = planVrrpReload(this.engine.config, next);
    const users = ScriptUserTable.fromSystem();
    const errors: VigilError[] = [];
    const runAs = resolveUser(users, next.global.scriptUser, errors);
    const fresh = new Set(plan.scripts.filter((s) => s.kind === 'started' || s.kind === 'restarted').map((s) => s.name));
    const runners = scriptRunners(next, users, this.log, errors, fresh);
    const notifyUsers = notifyScriptUsers(next, users, errors);
    if (errors.length > 0) return { ok: false, errors };

    const ours = new Set(this.vmacSets.flatMap((v) => v.names));
    const wanted = vmacPlans(next).filter((p) => !ours.has(p.name));
    let created: VmacInterfaces | undefined;
    if (wanted.length > 0) {
      const creation = await VmacInterfaces.create(wanted, this.vmacPorts);
      if (!creation.ok) return { ok: false, errors: creation.errors };
      created = creation.vmacs;
    }
    const result = await this.engine.reload(next, plan);
    if (!result.ok) {
      await created?.remove();
      return result;
    }
    if (created !== undefined) this.vmacSets.push(created);
    this.notifier.useIdentities({ runAs, resolveUser: (user) => notifyUsers.get(userKey(user)) });
    for (const action of plan.scripts) {
      if (action.kind !== 'stopped' && action.kind !== 'restarted') continue;
      const old = this.runners.get(action.name);
      if (old === undefined) continue;
      old.off();
      this.runners.delete(action.name);
      void old.runner.stop();
    }
    this.startRunners(runners);
    return result;
  }

  private startRunners(runners: readonly VrrpScriptRunner[]): void {
    for (const runner of runners) {
      const off = runner.onStatusChange((status) => this.engine.onScriptStatus(runner.name, status));
      this.runners.set(runner.name, { runner, off });
      runner.start();
    }
  }

  /** Graceful stop: priority-0 adverts, VIPs removed, notify_stop run; bounded in time. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const scriptsStopped = Promise.all([...this.runners.values()].map((r) => r.runner.stop()));
    const clean = await this.engine.stop(ENGINE_STOP_TIMEOUT_MS);
    if (!clean) this.log.warn({ reason: 'stop-timeout' }, `VRRP shutdown did not finish within ${ENGINE_STOP_TIMEOUT_MS} ms`);
    // keepalived deletes the vmacs it created once the VIPs on them are gone; with -V
    // (restore_vrrp_interfaces skipped) they stay, with their VIPs.
    // Newest first: a later set saved the parents' settings as the earlier set had left them.
    if (this.releaseVipsOnStop) for (const vmacs of [...this.vmacSets].reverse()) await vmacs.remove();
    this.links.stop();
    this.addresses.stop();
    this.routingMonitor.stop();
    this.client.close();
    if (!(await this.notifier.drain(NOTIFY_DRAIN_TIMEOUT_MS))) {
      this.log.warn({ reason: 'notify-timeout', pending: this.notifier.pending }, 'notify scripts still running at exit');
    }
    // Runners only wait for a script already running, and its own timeout bounds that.
    await Promise.race([scriptsStopped, new Promise((r) => setTimeout(r, NOTIFY_DRAIN_TIMEOUT_MS).unref())]);
  }
}

/** The vmacs of the `use_vmac` instances. */
function vmacPlans(config: VigilConfig): VmacPlan[] {
  return config.vrrpInstances.flatMap((instance) => {
    // An instance without `interface` cannot name a vmac parent; the engine reports it.
    if (instance.interface === '') return [];
    const decision = vmacDecision(instance, instance.interface);
    return decision.kind === 'vmac' ? [decision.plan] : [];
  });
}

/** keepalived runs only the vrrp_scripts some instance or sync group tracks; `only` narrows them further (a reload's new runners). */
function scriptRunners(config: VigilConfig, users: ScriptUserTable, log: VrrpLog, errors: VigilError[], only?: ReadonlySet<string>): VrrpScriptRunner[] {
  const tracked = trackedScriptNames(config);
  return config.vrrpScripts
    .filter((s) => tracked.has(s.name) && (only === undefined || only.has(s.name)))
    .map((script) => {
      const ids = resolveUser(users, script.user ?? config.global.scriptUser, errors);
      const intervalMs = Math.round(script.intervalSeconds * 1000);
      return new VrrpScriptRunner({
        name: script.name,
        argv: script.script.argv,
        intervalMs,
        // keepalived: a script without `timeout` may run for one interval.
        timeoutMs: Math.round((script.timeoutSeconds ?? script.intervalSeconds) * 1000),
        rise: script.rise,
        fall: script.fall,
        initFail: script.initFail,
        uid: ids?.uid ?? null,
        gid: ids?.gid ?? null,
        execute: (request) => runScript(request),
        log,
      });
    });
}

function userKey(user: ScriptUser): string {
  return `${user.user}:${user.group ?? ''}`;
}

/** The identities of every `notify* COMMAND USER [GROUP]`, checked before anything runs. */
function notifyScriptUsers(config: VigilConfig, users: ScriptUserTable, errors: VigilError[]): Map<string, { uid: number; gid: number }> {
  const resolved = new Map<string, { uid: number; gid: number }>();
  const owners = [...config.vrrpInstances, ...config.vrrpSyncGroups];
  for (const owner of owners) {
    for (const command of [owner.notify, owner.notifyMaster, owner.notifyBackup, owner.notifyFault, owner.notifyStop]) {
      const user = command?.runAs;
      if (user === undefined || user === null || resolved.has(userKey(user))) continue;
      const ids = resolveUser(users, user, errors);
      if (ids !== null) resolved.set(userKey(user), ids);
    }
  }
  return resolved;
}

function resolveUser(users: ScriptUserTable, user: ScriptUser | null, errors: VigilError[]): { uid: number; gid: number } | null {
  if (user === null) return null;
  const ids = users.resolve(user.user, user.group);
  if ('error' in ids) {
    errors.push(new VigilError('VRRP_RUNTIME_SCRIPT_USER', `${ids.error} (${user.pos.file}:${user.pos.line})`, { user: user.user, group: user.group }));
    return null;
  }
  return ids;
}

function asVigilError(e: unknown, code: string, what: string): VigilError {
  if (e instanceof VigilError) return e;
  return new VigilError(code, `${what}: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
}
