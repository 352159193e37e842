import { VigilError } from '../../core/VigilError.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import type { VrrpScript } from '../../config/model/VrrpScript.js';
import type { VrrpSyncGroup } from '../../config/model/VrrpSyncGroup.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import { canonicalIp, type IpFamily } from '../codec/IpAddressBytes.js';
import type { Action } from '../fsm/Action.js';
import type { InstanceEvent } from '../fsm/InstanceEvent.js';
import { SyncGroupCoordinator, type ActionBatch } from '../fsm/SyncGroupCoordinator.js';
import { TimerSet, type ArmedTimer } from '../fsm/TimerSet.js';
import type { VrrpInstanceMachine } from '../fsm/VrrpInstanceMachine.js';
import type { NotifyState, TransitionReason, VrrpState } from '../fsm/VrrpState.js';
import type { FrameSender } from '../io/GarpSender.js';
import type { NotifyScripts } from '../notify/NotifyCommand.js';
import { checkReceivedAdvert } from '../receive/AdvertReceiveCheck.js';
import type { ReceiverInstance } from '../receive/ReceiverInstance.js';
import type { InstanceTracking, TrackedObject } from '../track/InstanceTracking.js';
import type { TrackedStatus } from '../track/TrackedStatus.js';
import { trackingForInstance } from '../track/TrackingPlan.js';
import type { AdvertTransport, AdvertTransportOpener, IncomingAdvertPacket } from './AdvertTransport.js';
import { AnnouncementSender, type AnnouncementSpacing } from './AnnouncementSender.js';
import { decodeIncomingAdvert } from './IncomingAdvertDecoder.js';
import type { InstanceAddressing } from './InstanceAddressing.js';
import { prepareInstance, transportKey, type PreparedInstance } from './InstancePreparation.js';
import { instanceSpecFromConfig } from './InstanceSpecMapping.js';
import type { InterfaceView } from './InterfaceView.js';
import type { MonotonicClock } from './MonotonicClock.js';
import { ReceiveStats } from './ReceiveStats.js';
import { receiverInstanceFromConfig } from './ReceiverInstanceMapping.js';
import type { TimerWakeup } from './TimerWakeup.js';
import { instanceVipsFromConfig, type InstanceVip } from './VipSpecMapping.js';
import { instanceRouteFromConfig, instanceRuleFromConfig, isSameRoute, isSameRule, type RemovedRoute, type RemovedRule } from './RoutingSpecMapping.js';
import { StaticRouting } from './StaticRouting.js';
import { VrrpInstanceRuntime, type InstanceNotifier, type InstanceTransition, type RoutingInstallerPort, type VipInstallerPort } from './VrrpInstanceRuntime.js';
import type { VrrpLog } from './VrrpLog.js';
import { planVrrpReload, type InstanceReloadAction, type VrrpReloadPlan } from './VrrpReloadPlan.js';
import type { VrrpReloadResult, VrrpReloadSummary } from './VrrpReloadResult.js';

/** Runs sync-group notify scripts: `NotifyDispatcher` fits. */
export interface GroupNotifier {
  group(name: string, scripts: NotifyScripts, state: NotifyState): void;
}

/** Everything the engine touches outside itself; the daemon wires the real ones, tests fakes. */
export interface VrrpEnginePorts {
  readonly clock: MonotonicClock;
  readonly createWakeup: (onWake: () => void) => TimerWakeup;
  readonly openTransport: AdvertTransportOpener;
  readonly installer: VipInstallerPort;
  /** Installs `virtual_routes`/`virtual_rules` and `static_routes`/`static_rules`. */
  readonly routing: RoutingInstallerPort;
  readonly openFrameSender: (ifname: string) => FrameSender;
  readonly interfaces: InterfaceView;
  readonly notifier: InstanceNotifier & GroupNotifier;
  readonly log: VrrpLog;
  /** Pause between spaced GARP/NA packets; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface VrrpEngineOptions {
  /** false for `-V` (--dont-release-vrrp): leave the VIPs in place on shutdown. */
  readonly releaseVipsOnStop?: boolean;
}

export type VrrpEngineCreation = { readonly ok: true; readonly engine: VrrpEngine } | { readonly ok: false; readonly errors: readonly VigilError[] };

/** Tracked objects and their effect, per instance (see `VrrpEngine.trackerStatus`). */
export interface TrackerStatus {
  readonly scripts: readonly { readonly name: string; readonly status: TrackedStatus }[];
  readonly instances: readonly {
    readonly instance: string;
    /** Sum of the weights of tracked objects (added to the configured priority). */
    readonly weight: number;
    /** Unweighted objects that are down (`script:NAME`, `interface:NAME`): the instance is in FAULT while any is. */
    readonly faults: readonly string[];
    readonly objects: readonly { readonly kind: TrackedObject['kind']; readonly name: string; readonly status: TrackedStatus }[];
  }[];
}

/** Snapshot of one instance for status output and tests. */
export interface InstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly vrid: number;
  readonly interface: string;
  readonly effectivePriority: number;
  readonly holdingVips: boolean;
  /** Our advert source address. */
  readonly source: string;
  /** The current master as seen from here (`source` while MASTER), `null` when unknown. */
  readonly master: string | null;
  /** Adverts sent by this run of the instance (a reload that restarts it starts again from 0). */
  readonly advertsSent: number;
  /** Adverts that passed the receive checks (the `ReceiveStats` count, kept across reloads). */
  readonly advertsReceived: number;
  /** Priority of the last advert that passed the receive checks, `null` before the first. */
  readonly lastAdvertPriority: number | null;
  /** The most recent transition, `null` before the first. */
  readonly lastTransition: InstanceTransition | null;
}

/** Told of every state change, with the machine's reason (a stable code). */
export type TransitionListener = (instance: string, from: VrrpState, to: VrrpState, reason: TransitionReason) => void;

/**
 * A timer that fires this late (a busy event loop) is handled at its due time, so a
 * periodic advert keeps its cadence instead of drifting by the lateness of every tick;
 * beyond this we accept the real time rather than fire a catch-up burst.
 */
const DRIFT_CORRECTION_LIMIT_MS = 50;

interface TrackingState {
  readonly tracking: InstanceTracking;
  weight: number;
  faults: ReadonlySet<string>;
}

/**
 * The VRRP side of Vigil: every configured instance with its state machine, one advert
 * socket per interface and family, one timer set, trackers and sync groups. Inputs arrive
 * as method calls (packets from the transports it opened; link, address and script
 * changes from whoever watches them) and become machine events; the machines' actions are
 * executed by each instance's runtime. All state changes happen on the event loop, one
 * event at a time.
 */
export class VrrpEngine {
  readonly timers = new TimerSet();
  readonly stats = new ReceiveStats();
  private readonly runtimes = new Map<string, VrrpInstanceRuntime>();
  /** Where each instance's VIP lines without `dev` go (its interface or vmac), for reloaded VIP lists. */
  private readonly vipInterfaces = new Map<string, string>();
  private readonly groupOf = new Map<string, SyncGroupCoordinator>();
  private readonly groupConfigs = new Map<string, VrrpSyncGroup>();
  private readonly tracking = new Map<string, TrackingState>();
  private scriptStatus = new Map<string, TrackedStatus>();
  private readonly receivers = new Map<string, ReceiverInstance[]>();
  private readonly vipWarnings = new Map<string, string>();
  private readonly transitionListeners = new Set<TransitionListener>();
  /** One advert socket per interface and family (`transportKey`). */
  private readonly transports = new Map<string, TransportEntry>();
  private readonly frameSenders = new Map<string, FrameSender>();
  private readonly wakeup: TimerWakeup;
  private readonly sleep: (ms: number) => Promise<void>;
  /** GARP/NA spacing for new runtimes; a reload changing it restarts every instance (see the plan). */
  private spacing: AnnouncementSpacing;
  private running: VigilConfig;
  private started = false;
  private stopping = false;
  private reloading = false;
  private readonly releaseVips: boolean;
  private readonly staticRouting: StaticRouting;

  private constructor(
    config: VigilConfig,
    private readonly ports: VrrpEnginePorts,
    options: VrrpEngineOptions,
  ) {
    this.running = config;
    this.releaseVips = options.releaseVipsOnStop ?? true;
    this.wakeup = ports.createWakeup(() => this.runDueTimers());
    this.sleep = ports.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.spacing = announcementSpacing(config);
    this.staticRouting = new StaticRouting(ports.routing, ports.log);
    for (const script of config.vrrpScripts) this.scriptStatus.set(script.name, initialScriptStatus(script));
  }

  /**
   * Resolves every instance against the interfaces and opens the sockets. Nothing is sent
   * before `start()`. Fails (closing whatever it opened) with every problem found: a
   * missing interface, no source address, a socket that cannot be opened (EPERM...).
   */
  static create(config: VigilConfig, ports: VrrpEnginePorts, options: VrrpEngineOptions = {}): VrrpEngineCreation {
    const errors: VigilError[] = [];
    const planned: PreparedInstance[] = [];
    const allAddresses = ports.interfaces.allAddresses();
    for (const instance of config.vrrpInstances) {
      const prepared = prepareInstance(instance, config.global, ports.interfaces, allAddresses, ports.log);
      if (prepared.ok) planned.push(prepared.prepared);
      else errors.push(prepared.error);
    }
    if (errors.length > 0) return { ok: false, errors };

    const opened = openSockets(ports, planSockets(planned.map((p) => ({ addressing: p.addressing, vips: p.vips }))), new Map(), new Map());
    if (!opened.ok) return opened;

    const engine = new VrrpEngine(config, ports, options);
    for (const [key, entry] of opened.transports) engine.transports.set(key, entry);
    for (const [ifname, sender] of opened.frameSenders) engine.frameSenders.set(ifname, sender);
    for (const p of planned) engine.addRuntime(p, config);
    for (const group of config.vrrpSyncGroups) {
      const machines = group.members.map((m) => engine.runtimes.get(m.name)?.machine).filter((m): m is VrrpInstanceMachine => m !== undefined);
      if (machines.length === 0) continue;
      engine.attachGroup(group, new SyncGroupCoordinator(group.name, machines));
    }
    return { ok: true, engine };
  }

  /** The configuration the engine runs (the last one reloaded). */
  get config(): VigilConfig {
    return this.running;
  }

  /** Starts receiving and puts every instance through its Initialize state (RFC 5798 §6.4.1). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const entry of this.transports.values()) this.subscribe(entry);
    // keepalived installs static routes and rules before any instance starts.
    const staticsInstalled = this.staticRouting.install(this.running.staticRoutes, this.running.staticRules);
    for (const runtime of this.runtimes.values()) {
      runtime.waitFor('wait for static routes', staticsInstalled);
      runtime.releaseLeftoverRouting();
      runtime.releaseLeftoverVips(this.vipsPresent(runtime));
    }
    this.initialize([...this.runtimes.values()], this.ports.clock.nowMs);
  }

  // --- reload -------------------------------------------------------------------------------

  /**
   * Applies a new configuration by difference (see `planVrrpReload`): unchanged instances
   * carry on untouched, VIP lists and base priorities change in place, everything else is
   * stopped as on shutdown (priority-0 advert, VIPs dropped, notify STOP) and started
   * again through Initialize. First everything the new configuration needs is resolved
   * and opened (interfaces, addresses, machines, sockets); if anything fails, what was
   * opened is closed and the running engine is left exactly as it was. Across all
   * instances, VIP removals run before additions, so a VIP moved from one instance to
   * another in one reload is deleted from the first, then added to the second. Sockets no
   * longer needed are closed once the stopped instances' last adverts are out.
   */
  async reload(next: VigilConfig, plan: VrrpReloadPlan = planVrrpReload(this.running, next)): Promise<VrrpReloadResult> {
    if (!this.started || this.stopping) return refused('VRRP_RELOAD_NOT_RUNNING', 'the VRRP engine is not running');
    if (this.reloading) return refused('VRRP_RELOAD_BUSY', 'a reload is already being applied');
    const nextByName = new Map(next.vrrpInstances.map((i) => [i.name, i]));
    const errors: VigilError[] = [];

    // --- 1. resolve and open, touching nothing that runs ---
    const fresh: PreparedInstance[] = [];
    const allAddresses = this.ports.interfaces.allAddresses();
    for (const action of plan.instances) {
      if (action.kind !== 'restarted' && action.kind !== 'added') continue;
      const instance = nextByName.get(action.name);
      if (instance === undefined) continue;
      const prepared = prepareInstance(instance, next.global, this.ports.interfaces, allAddresses, this.ports.log);
      if (prepared.ok) fresh.push(prepared.prepared);
      else errors.push(prepared.error);
    }
    const kept: { runtime: VrrpInstanceRuntime; instance: VrrpInstance; action: InstanceReloadAction }[] = [];
    for (const action of plan.instances) {
      if (action.kind !== 'unchanged' && action.kind !== 'updated') continue;
      const runtime = this.runtimes.get(action.name);
      const instance = nextByName.get(action.name);
      if (runtime === undefined || instance === undefined) {
        errors.push(new VigilError('VRRP_RELOAD_PLAN_MISMATCH', `(${action.name}) is not running; the reload plan does not match the engine`, { instance: action.name }));
        continue;
      }
      kept.push({ runtime, instance, action });
    }
    if (errors.length > 0) return { ok: false, errors };
    const keptVips = new Map<string, InstanceVip[]>();
    for (const { runtime, instance } of kept) keptVips.set(runtime.name, instanceVipsFromConfig(instance, this.vipInterfaces.get(runtime.name) ?? runtime.addressing.ifname));

    const socketPlan = planSockets([
      ...kept.map(({ runtime }) => ({ addressing: runtime.addressing, vips: keptVips.get(runtime.name) ?? [] })),
      ...fresh.map((p) => ({ addressing: p.addressing, vips: p.vips })),
    ]);
    const opened = openSockets(this.ports, socketPlan, this.transports, this.frameSenders);
    if (!opened.ok) return opened;
    const closeOpened = (): void => {
      for (const entry of opened.transports.values()) entry.transport.close();
      for (const sender of opened.frameSenders.values()) sender.close();
    };

    const freshByName = new Map(fresh.map((p) => [p.instance.name, p]));
    const coordinators: { group: VrrpSyncGroup; coordinator: SyncGroupCoordinator }[] = [];
    for (const action of plan.syncGroups) {
      if (action.kind !== 'rebuilt' && action.kind !== 'added') continue;
      const group = next.vrrpSyncGroups.find((g) => g.name === action.name);
      if (group === undefined) continue;
      // The plan restarts every member of a rebuilt group: only fresh machines join it.
      const machines = group.members.map((m) => freshByName.get(m.name)?.machine).filter((m): m is VrrpInstanceMachine => m !== undefined);
      if (machines.length === 0) continue;
      try {
        coordinators.push({ group, coordinator: new SyncGroupCoordinator(group.name, machines) });
      } catch (e) {
        errors.push(asVigilError(e, 'VRRP_RELOAD_SYNC_GROUP', `sync group ${group.name}`));
      }
    }
    if (errors.length > 0) {
      closeOpened();
      return { ok: false, errors };
    }

    // --- 2. apply: synchronous, so no packet or timer sees a half-applied configuration ---
    this.reloading = true;
    try {
      return await this.applyReload(next, plan, { fresh, kept, keptVips, socketPlan, opened, coordinators });
    } finally {
      this.reloading = false;
    }
  }

  private async applyReload(next: VigilConfig, plan: VrrpReloadPlan, prepared: PreparedReload): Promise<VrrpReloadResult> {
    const { fresh, kept, keptVips, socketPlan, opened, coordinators } = prepared;
    const now = this.ports.clock.nowMs;
    const previous = this.running;
    const doomed = plan.instances
      .filter((a) => a.kind === 'restarted' || a.kind === 'removed')
      .map((a) => this.runtimes.get(a.name))
      .filter((r): r is VrrpInstanceRuntime => r !== undefined);
    // Stopped as on shutdown: a master resigns (priority 0) and drops its VIPs; notify STOP runs.
    for (const runtime of doomed) this.deliver(runtime.name, { type: 'shutdown' }, now);
    const removals: Promise<unknown>[] = [];
    for (const runtime of doomed) {
      runtime.cancelAnnouncements();
      this.timers.cancelOwner(runtime.name);
      this.runtimes.delete(runtime.name);
      this.vipInterfaces.delete(runtime.name);
      this.tracking.delete(runtime.name);
      this.groupOf.delete(runtime.name);
      this.vipWarnings.delete(runtime.name);
      removals.push(runtime.queueIdle());
    }

    const additions: { runtime: VrrpInstanceRuntime; added: InstanceVip[] }[] = [];
    const routingInstalls: ((after: Promise<unknown>) => void)[] = [];
    removals.push(this.staticRouting.replace(next.staticRoutes, next.staticRules));
    for (const { runtime, instance, action } of kept) {
      runtime.adoptConfig(instance);
      if (action.kind === 'updated' && action.routesChanged) {
        const change = runtime.replaceRouting(instance.virtualRoutes.map(instanceRouteFromConfig), instance.virtualRules.map(instanceRuleFromConfig));
        removals.push(change.removal);
        routingInstalls.push(change.install);
      }
      if (action.kind !== 'updated' || (action.vips === null && action.priority === null)) continue;
      const spec = instanceSpecFromConfig(instance, runtime.addressing.source);
      this.deliver(runtime.name, { type: 'reconfigure', basePriority: spec.basePriority, vips: spec.vips }, now);
      if (action.vips === null) continue;
      const change = runtime.replaceVips(keptVips.get(runtime.name) ?? []);
      removals.push(change.removal);
      additions.push({ runtime, added: change.added });
    }
    const removalsDone = Promise.all(removals);
    for (const { runtime, added } of additions) runtime.installAddedVips(added, removalsDone);
    for (const install of routingInstalls) install(removalsDone);

    for (const action of plan.syncGroups) {
      const group = next.vrrpSyncGroups.find((g) => g.name === action.name);
      if (action.kind === 'removed' || group === undefined) this.groupConfigs.delete(action.name);
      else if (action.kind === 'kept' || action.kind === 'updated') this.groupConfigs.set(group.name, group);
    }

    // Sockets: switch to the ones opened for new multicast groups; drop the unused ones.
    const retired: { close(): void }[] = [];
    for (const [key, entry] of opened.transports) {
      const old = this.transports.get(key);
      if (old !== undefined) {
        for (const off of old.off.splice(0)) off();
        retired.push(old.transport);
      }
      this.transports.set(key, entry);
      this.subscribe(entry);
    }
    for (const [key, entry] of [...this.transports]) {
      if (socketPlan.transports.has(key)) continue;
      for (const off of entry.off.splice(0)) off();
      retired.push(entry.transport);
      this.transports.delete(key);
    }
    for (const { runtime } of kept) {
      const entry = this.transports.get(transportKey(runtime.addressing));
      if (entry !== undefined) runtime.switchTransport(entry.transport);
    }
    for (const [ifname, sender] of opened.frameSenders) this.frameSenders.set(ifname, sender);
    for (const [ifname, sender] of [...this.frameSenders]) {
      if (socketPlan.frameInterfaces.has(ifname)) continue;
      retired.push(sender);
      this.frameSenders.delete(ifname);
    }

    this.running = next;
    this.spacing = announcementSpacing(next);
    const scripts = new Map<string, TrackedStatus>();
    const keptScripts = new Set(plan.scripts.filter((s) => s.kind === 'kept').map((s) => s.name));
    for (const script of next.vrrpScripts) {
      const current = this.scriptStatus.get(script.name);
      scripts.set(script.name, keptScripts.has(script.name) && current !== undefined ? current : initialScriptStatus(script));
    }
    this.scriptStatus = scripts;
    this.receivers.clear();

    for (const p of fresh) this.addRuntime(p, next);
    for (const { group, coordinator } of coordinators) this.attachGroup(group, coordinator);
    const started = fresh.map((p) => this.runtimes.get(p.instance.name)).filter((r): r is VrrpInstanceRuntime => r !== undefined);
    // Their own VIPs may only go up once every stopped or shrunk instance has let go of its own.
    for (const runtime of started) runtime.waitFor('wait for reload removals', removalsDone);
    this.initialize(started, now);
    // A restarted runner starts again from INIT: instances still tracking it see that at once.
    const restartedScripts = plan.scripts.filter((s) => s.kind === 'restarted').map((s) => s.name);
    for (const { runtime } of kept) {
      if (restartedScripts.some((s) => this.tracking.get(runtime.name)?.tracking.tracks('script', s))) this.applyTracking(runtime.name, now);
    }

    const summary = this.logReload(plan, previous, next);
    this.rescheduleWakeup();

    // The stopped instances' priority-0 adverts leave through the old sockets first.
    await withinMs(Promise.all([removalsDone, ...kept.map(({ runtime }) => runtime.queueIdle())]), RELOAD_DRAIN_TIMEOUT_MS);
    for (const r of retired) r.close();
    return { ok: true, summary };
  }

  private logReload(plan: VrrpReloadPlan, previous: VigilConfig, next: VigilConfig): VrrpReloadSummary {
    const summary = { unchanged: [] as string[], updated: [] as string[], restarted: [] as string[], added: [] as string[], removed: [] as string[] };
    for (const action of plan.instances) {
      const config = (action.kind === 'removed' ? previous : next).vrrpInstances.find((i) => i.name === action.name);
      const fields = { instance: action.name, vrid: config?.virtualRouterId, reason: 'reload', change: action.kind };
      summary[action.kind].push(action.name);
      this.ports.log.info(fields, `(${action.name}) reload: ${describeReloadAction(action)}`);
    }
    for (const group of plan.syncGroups) {
      if (group.kind !== 'kept') this.ports.log.info({ group: group.name, reason: 'reload', change: group.kind }, `VRRP_Group(${group.name}) reload: ${group.kind}`);
    }
    return summary;
  }

  // --- inputs -------------------------------------------------------------------------------

  /** A timer fell due: the callback for `VirtualClock.advanceTo` over `timers`. */
  expire(armed: ArmedTimer): void {
    this.deliver(armed.owner, { type: 'timer-expired', timer: armed.timer }, this.ports.clock.nowMs);
  }

  /** Fires every timer due by now (the wake-up's callback). */
  runDueTimers(): void {
    const now = this.ports.clock.nowMs;
    for (let due = this.timers.takeDue(now); due !== undefined; due = this.timers.takeDue(now)) {
      const at = now - due.dueMs <= DRIFT_CORRECTION_LIMIT_MS ? due.dueMs : now;
      const timer = due;
      this.guarded(`timer ${timer.timer} of ${timer.owner}`, () => this.deliver(timer.owner, { type: 'timer-expired', timer: timer.timer }, at));
    }
    this.rescheduleWakeup();
  }

  /** An interface became usable or unusable (IFF_UP and IFF_RUNNING), or appeared / vanished. */
  onLinkChange(ifname: string, usable: boolean): void {
    this.receivers.clear();
    const now = this.ports.clock.nowMs;
    for (const runtime of this.runtimes.values()) {
      if (runtime.addressing.ifname === ifname && !runtime.config.dontTrackPrimary) {
        this.ports.log.info(
          { instance: runtime.name, interface: ifname, reason: usable ? 'link-up' : 'link-down' },
          `(${runtime.name}) interface ${ifname} is ${usable ? 'up' : 'down'}`,
        );
        this.deliver(runtime.name, { type: 'link', up: usable }, now);
      }
      if (this.tracking.get(runtime.name)?.tracking.tracks('interface', ifname)) this.applyTracking(runtime.name, now);
    }
  }

  /** A `vrrp_script` changed verdict. */
  onScriptStatus(script: string, status: TrackedStatus): void {
    this.scriptStatus.set(script, status);
    const now = this.ports.clock.nowMs;
    for (const [name, state] of this.tracking) if (state.tracking.tracks('script', script)) this.applyTracking(name, now);
  }

  /** Addresses changed somewhere: our own-address lists must be rebuilt. */
  onAddressChange(): void {
    this.receivers.clear();
  }

  /** An address disappeared; if it is one of a master's VIPs, the master puts it back. */
  onAddressRemoved(address: Pick<InterfaceAddress, 'ifindex' | 'address' | 'prefixLength'>): void {
    this.receivers.clear();
    if (this.stopping) return;
    const removed = canonicalIp(address.address) ?? address.address;
    for (const runtime of this.runtimes.values()) {
      if (!runtime.holdingVips) continue;
      for (const vip of runtime.vips) {
        if (vip.address !== removed || (vip.spec.prefixLength ?? -1) !== address.prefixLength) continue;
        const ifindex = typeof vip.spec.interface === 'number' ? vip.spec.interface : this.ports.interfaces.indexOf(vip.spec.interface);
        if (ifindex === address.ifindex) runtime.restoreVip(vip);
      }
    }
  }

  /** A route disappeared (RTM_DELROUTE): a master puts back its tracked virtual route. */
  onRouteRemoved(removed: RemovedRoute): void {
    if (this.stopping) return;
    const ifindexOf = (name: string): number | undefined => this.ports.interfaces.indexOf(name);
    for (const runtime of this.runtimes.values()) {
      if (!runtime.holdingVips) continue;
      for (const route of runtime.routes) if (isSameRoute(route, removed, ifindexOf)) runtime.restoreRoute(route);
    }
  }

  /** A policy rule disappeared (RTM_DELRULE): a master puts back its tracked virtual rule. */
  onRuleRemoved(removed: RemovedRule): void {
    if (this.stopping) return;
    for (const runtime of this.runtimes.values()) {
      if (!runtime.holdingVips) continue;
      for (const rule of runtime.rules) if (isSameRule(rule, removed)) runtime.restoreRule(rule);
    }
  }

  // --- outputs and queries ------------------------------------------------------------------

  onTransition(listener: TransitionListener): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  instance(name: string): VrrpInstanceRuntime | undefined {
    return this.runtimes.get(name);
  }

  get instanceNames(): string[] {
    return [...this.runtimes.keys()];
  }

  status(): InstanceStatus[] {
    return [...this.runtimes.values()].map((r) => ({
      name: r.name,
      state: r.state,
      vrid: r.config.virtualRouterId,
      interface: r.addressing.ifname,
      effectivePriority: r.machine.effectivePriority,
      holdingVips: r.holdingVips,
      source: r.addressing.source,
      master: r.masterAddress,
      advertsSent: r.sentAdverts,
      advertsReceived: this.stats.acceptedCount(r.name),
      lastAdvertPriority: r.lastAdvert?.priority ?? null,
      lastTransition: r.transitions.at(-1) ?? null,
    }));
  }

  /**
   * What each instance tracks and how each tracked object stands now (vrrp_script
   * verdicts, interface usability), with the weight and faults they give the instance:
   * the "trackers" of `vigil status` and the state dump.
   */
  trackerStatus(): TrackerStatus {
    const scripts = [...this.scriptStatus].map(([name, status]) => ({ name, status }));
    const instances = [...this.tracking].map(([instance, state]) => ({
      instance,
      weight: state.weight,
      faults: [...state.faults],
      objects: state.tracking.objects.map((object) => ({ kind: object.kind, name: object.name, status: this.trackedStatus(object) })),
    }));
    return { scripts, instances };
  }

  /** Resolves once every instance's queued I/O has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((r) => r.idle()));
  }

  /**
   * Graceful stop (RFC 5798 §6.4.3 "Shutdown"): every master sends a priority-0 advert and
   * drops its VIPs (unless `-V`), every instance's notify is told STOP; then the sockets
   * close. Waits at most `timeoutMs` for the queued I/O.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    if (this.stopping) return true;
    this.stopping = true;
    const now = this.ports.clock.nowMs;
    for (const runtime of this.runtimes.values()) this.deliver(runtime.name, { type: 'shutdown' }, now);
    this.wakeup.close();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      // keepalived removes static rules and routes once the instances have stopped, -V or not.
      this.idle().then(async () => {
        await this.staticRouting.remove();
        return true;
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const runtime of this.runtimes.values()) runtime.cancelAnnouncements();
    for (const entry of this.transports.values()) {
      for (const off of entry.off.splice(0)) off();
      entry.transport.close();
    }
    for (const f of this.frameSenders.values()) f.close();
    return finished;
  }

  // --- internals ----------------------------------------------------------------------------

  /** Builds the runtime of a prepared instance over the socket of its interface and family. */
  private addRuntime(p: PreparedInstance, config: VigilConfig): void {
    const transport = this.transports.get(transportKey(p.addressing))?.transport;
    if (transport === undefined) return; // not reached: every prepared instance has its socket planned
    const announcer = new AnnouncementSender(
      p.instance.name,
      { interfaces: this.ports.interfaces, frameSender: (ifname) => this.frameSender(ifname), sleep: this.sleep, log: this.ports.log },
      this.spacing,
    );
    const runtime = new VrrpInstanceRuntime({
      config: p.instance,
      machine: p.machine,
      addressing: p.addressing,
      vips: p.vips,
      transport,
      installer: this.ports.installer,
      routes: p.instance.virtualRoutes.map(instanceRouteFromConfig),
      rules: p.instance.virtualRules.map(instanceRuleFromConfig),
      routing: this.ports.routing,
      announcer,
      notifier: this.ports.notifier,
      log: this.ports.log,
      onTransition: (name, from, to, reason) => this.transitionHappened(name, from, to, reason),
    });
    this.runtimes.set(p.instance.name, runtime);
    this.vipInterfaces.set(p.instance.name, p.vipInterface);
    this.tracking.set(p.instance.name, { tracking: trackingForInstance(config, p.instance), weight: 0, faults: new Set() });
  }

  private attachGroup(group: VrrpSyncGroup, coordinator: SyncGroupCoordinator): void {
    this.groupConfigs.set(group.name, group);
    for (const name of coordinator.memberNames) this.groupOf.set(name, coordinator);
  }

  private subscribe(entry: TransportEntry): void {
    const { transport } = entry;
    entry.off.push(transport.onPacket((packet) => this.guarded(`packet on ${transport.ifname}`, () => this.receive(transport, packet))));
    entry.off.push(
      transport.onError((error) => {
        this.stats.receiveError(transport.ifname);
        this.ports.log.warn({ interface: transport.ifname, code: error.code }, `VRRP receive error on ${transport.ifname}: ${error.message}`);
      }),
    );
  }

  /** Initialize (RFC 5798 §6.4.1): faults known before start-up make an instance start in FAULT. */
  private initialize(runtimes: readonly VrrpInstanceRuntime[], now: number): void {
    for (const runtime of runtimes) {
      if (!runtime.config.dontTrackPrimary && !this.ports.interfaces.isUsable(runtime.addressing.ifname)) {
        this.deliver(runtime.name, { type: 'link', up: false }, now);
      }
      this.applyTracking(runtime.name, now);
    }
    for (const runtime of runtimes) this.deliver(runtime.name, { type: 'startup' }, now);
  }

  /**
   * Runs an input handler from the event loop. A bug in one packet or timer must not take
   * the whole daemon (and every VIP) down with an uncaught exception: it is logged loudly.
   */
  private guarded(what: string, handle: () => void): void {
    try {
      handle();
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.ports.log.error({ reason: 'internal-error', code: error instanceof VigilError ? error.code : undefined, stack: error.stack }, `internal error handling ${what}: ${error.message}`);
    }
  }

  private frameSender(ifname: string): FrameSender {
    const sender = this.frameSenders.get(ifname);
    if (sender === undefined) throw new VigilError('VRRP_RUNTIME_NO_FRAME_SENDER', `no AF_PACKET socket open on ${ifname}`, { interface: ifname });
    return sender;
  }

  private transitionHappened(name: string, from: VrrpState, to: VrrpState, reason: TransitionReason): void {
    for (const listener of [...this.transitionListeners]) listener(name, from, to, reason);
  }

  private deliver(name: string, event: InstanceEvent, nowMs: number): void {
    if (this.stopping && event.type !== 'shutdown') return;
    const runtime = this.runtimes.get(name);
    if (runtime === undefined) return;
    const group = this.groupOf.get(name);
    const batches: ActionBatch[] = group
      ? group.handle(name, event, nowMs)
      : [{ origin: 'instance', name, event, actions: runtime.machine.handle(event, nowMs) }];
    for (const batch of batches) {
      if (batch.origin === 'instance') {
        this.timers.apply(batch.name, batch.actions, nowMs);
        this.runtimes.get(batch.name)?.execute(this.releaseFilter(batch.actions));
        continue;
      }
      for (const action of batch.actions) {
        if (action.type === 'log') {
          const level = action.level === 'warning' ? 'warn' : action.level;
          this.ports.log[level]({ group: batch.name }, action.message);
        } else {
          const config = this.groupConfigs.get(batch.name);
          if (config !== undefined) this.ports.notifier.group(batch.name, config, action.state);
        }
      }
    }
    this.rescheduleWakeup();
  }

  /** With `-V`, a stopping master keeps its VIPs (keepalived --dont-release-vrrp). */
  private releaseFilter(actions: readonly Action[]): readonly Action[] {
    if (!this.stopping || this.releaseVips) return actions;
    return actions.filter((a) => a.type !== 'remove-vips');
  }

  private rescheduleWakeup(): void {
    if (this.stopping) return;
    this.wakeup.wakeAt(this.timers.nextDue()?.dueMs);
  }

  private applyTracking(name: string, nowMs: number): void {
    const state = this.tracking.get(name);
    if (state === undefined) return;
    const verdict = state.tracking.verdict((object) => this.trackedStatus(object));
    if (verdict.weight !== state.weight) {
      state.weight = verdict.weight;
      this.deliver(name, { type: 'tracker', kind: 'weight', weight: verdict.weight }, nowMs);
    }
    for (const source of verdict.faults) {
      if (!state.faults.has(source)) this.deliver(name, { type: 'tracker', kind: 'fault', source, fault: true }, nowMs);
    }
    for (const source of state.faults) {
      if (!verdict.faults.has(source)) this.deliver(name, { type: 'tracker', kind: 'fault', source, fault: false }, nowMs);
    }
    state.faults = verdict.faults;
  }

  private trackedStatus(object: TrackedObject): TrackedStatus {
    if (object.kind === 'interface') return this.ports.interfaces.isUsable(object.name) ? 'up' : 'down';
    return this.scriptStatus.get(object.name) ?? 'down';
  }

  private receive(transport: AdvertTransport, packet: IncomingAdvertPacket): void {
    if (this.stopping) return;
    const ifname = transport.ifname;
    const decoded = decodeIncomingAdvert(packet);
    if (!decoded.ok) {
      this.stats.undecoded(ifname, decoded.reason);
      this.ports.log.debug({ interface: ifname, reason: decoded.reason }, `undecodable VRRP packet on ${ifname}: ${decoded.reason}`);
      return;
    }
    const result = checkReceivedAdvert(decoded.received, ifname, this.receiversOn(ifname));
    if (!result.accept) {
      this.stats.dropped(result.instance?.name, ifname, result.reason);
      this.ports.log.debug(
        { ...(result.instance ? { instance: result.instance.name, vrid: result.instance.vrid } : {}), interface: ifname, reason: result.reason, from: decoded.received.ip.src },
        result.detail,
      );
      return;
    }
    const name = result.instance.name;
    const mismatch = result.warnings.find((w) => w.code === 'vip-mismatch');
    this.stats.accepted(name, mismatch !== undefined);
    if (mismatch !== undefined && this.vipWarnings.get(name) !== mismatch.message) {
      this.ports.log.warn({ instance: name, reason: 'vip-mismatch', from: decoded.received.ip.src }, mismatch.message);
    }
    if (mismatch !== undefined) this.vipWarnings.set(name, mismatch.message);
    else this.vipWarnings.delete(name);
    const advert = result.advert;
    const source = canonicalIp(decoded.received.ip.src) ?? decoded.received.ip.src;
    this.runtimes.get(name)?.advertAccepted({ source, priority: advert.priority });
    this.deliver(
      name,
      {
        type: 'advert-received',
        advert: {
          vrid: advert.vrid,
          version: advert.version,
          priority: advert.priority,
          // RFC 3768 §5.3.7 whole seconds vs RFC 5798 §5.2.7 centiseconds.
          advertIntervalCs: advert.version === 2 ? advert.adverIntSec * 100 : advert.maxAdverIntCs,
          source,
          vips: advert.addresses,
          authOk: true,
        },
      },
      this.ports.clock.nowMs,
    );
  }

  /** The instance's VIPs that are on their interfaces right now. */
  private vipsPresent(runtime: VrrpInstanceRuntime): InstanceVip[] {
    return runtime.vips.filter((vip) => {
      const ifindex = typeof vip.spec.interface === 'number' ? vip.spec.interface : this.ports.interfaces.indexOf(vip.spec.interface);
      if (ifindex === undefined) return false;
      return this.ports.interfaces
        .addressesOf(ifindex)
        .some((a) => (canonicalIp(a.address) ?? a.address) === vip.address && a.prefixLength === vip.spec.prefixLength);
    });
  }

  private receiversOn(ifname: string): ReceiverInstance[] {
    let list = this.receivers.get(ifname);
    if (list === undefined) {
      const ifindex = this.ports.interfaces.indexOf(ifname);
      const own = ifindex === undefined ? [] : this.ports.interfaces.addressesOf(ifindex).map((a) => a.address);
      list = [...this.runtimes.values()]
        .filter((r) => r.addressing.ifname === ifname)
        // The advert source counts too: a vmac carries no address of its own.
        .map((r) => receiverInstanceFromConfig(r.config, ifname, [...own, r.addressing.source, ...(r.config.unicastSrcIp ? [r.config.unicastSrcIp.address] : [])]));
      this.receivers.set(ifname, list);
    }
    return list;
  }
}

function asVigilError(e: unknown, code: string, what: string): VigilError {
  if (e instanceof VigilError) return new VigilError(e.code, `${what}: ${e.message}`, { ...e.details }, { cause: e });
  return new VigilError(code, `${what}: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
}

/** What the validation half of a reload resolved and opened, for the applying half. */
interface PreparedReload {
  readonly fresh: readonly PreparedInstance[];
  readonly kept: readonly { readonly runtime: VrrpInstanceRuntime; readonly instance: VrrpInstance; readonly action: InstanceReloadAction }[];
  readonly keptVips: ReadonlyMap<string, InstanceVip[]>;
  readonly socketPlan: SocketPlan;
  readonly opened: { readonly transports: ReadonlyMap<string, TransportEntry>; readonly frameSenders: ReadonlyMap<string, FrameSender> };
  readonly coordinators: readonly { readonly group: VrrpSyncGroup; readonly coordinator: SyncGroupCoordinator }[];
}

/** An open advert socket and the multicast groups it joined. */
interface TransportEntry {
  readonly transport: AdvertTransport;
  readonly groups: ReadonlySet<string>;
  /** Listener removals, run when the engine stops using it. */
  readonly off: (() => void)[];
}

/** The sockets a set of instances needs: advert sockets by `transportKey`, AF_PACKET senders by interface. */
interface SocketPlan {
  readonly transports: ReadonlyMap<string, { readonly ifname: string; readonly family: IpFamily; readonly groups: ReadonlySet<string> }>;
  readonly frameInterfaces: ReadonlySet<string>;
}

/** Bounds a reload's wait for the stopped instances' last adverts before their sockets close. */
const RELOAD_DRAIN_TIMEOUT_MS = 3_000;

/** One socket per interface and family, joined to the groups its multicast instances use. */
function planSockets(instances: readonly { addressing: InstanceAddressing; vips: readonly InstanceVip[] }[]): SocketPlan {
  const transports = new Map<string, { ifname: string; family: IpFamily; groups: Set<string> }>();
  for (const { addressing } of instances) {
    const key = transportKey(addressing);
    const entry = transports.get(key) ?? { ifname: addressing.ifname, family: addressing.family, groups: new Set<string>() };
    if (!addressing.unicast) for (const g of addressing.destinations) entry.groups.add(g);
    transports.set(key, entry);
  }
  const frameInterfaces = new Set(instances.flatMap((i) => i.vips.map((v) => v.spec.interface)).filter((i): i is string => typeof i === 'string'));
  return { transports, frameInterfaces };
}

type SocketOpening =
  | { readonly ok: true; readonly transports: Map<string, TransportEntry>; readonly frameSenders: Map<string, FrameSender> }
  | { readonly ok: false; readonly errors: readonly VigilError[] };

/**
 * Opens what `plan` needs beyond the sockets already open: an advert socket for a new
 * interface and family, or a replacement for one that lacks a multicast group (a socket
 * cannot be told to join more groups once open through `AdvertTransport`), and the
 * missing AF_PACKET senders. On any failure closes what it opened.
 */
function openSockets(
  ports: Pick<VrrpEnginePorts, 'openTransport' | 'openFrameSender'>,
  plan: SocketPlan,
  open: ReadonlyMap<string, TransportEntry>,
  openSenders: ReadonlyMap<string, FrameSender>,
): SocketOpening {
  const errors: VigilError[] = [];
  const transports = new Map<string, TransportEntry>();
  const frameSenders = new Map<string, FrameSender>();
  for (const [key, wanted] of plan.transports) {
    const current = open.get(key);
    if (current !== undefined && [...wanted.groups].every((g) => current.groups.has(g))) continue;
    try {
      const transport = ports.openTransport({ ifname: wanted.ifname, family: wanted.family, groups: [...wanted.groups] });
      transports.set(key, { transport, groups: new Set(wanted.groups), off: [] });
    } catch (e) {
      errors.push(asVigilError(e, 'VRRP_RUNTIME_SOCKET_FAILED', `cannot open the VRRP socket on ${wanted.ifname}`));
    }
  }
  for (const ifname of plan.frameInterfaces) {
    if (openSenders.has(ifname)) continue;
    try {
      frameSenders.set(ifname, ports.openFrameSender(ifname));
    } catch (e) {
      errors.push(asVigilError(e, 'VRRP_RUNTIME_SOCKET_FAILED', `cannot open the AF_PACKET socket on ${ifname}`));
    }
  }
  if (errors.length === 0) return { ok: true, transports, frameSenders };
  for (const entry of transports.values()) entry.transport.close();
  for (const sender of frameSenders.values()) sender.close();
  return { ok: false, errors };
}

function announcementSpacing(config: VigilConfig): AnnouncementSpacing {
  return {
    garpIntervalMs: Math.round(config.global.vrrpGarpIntervalSeconds * 1000),
    gnaIntervalMs: Math.round(config.global.vrrpGnaIntervalSeconds * 1000),
  };
}

/** keepalived: a script starts in INIT, or failed with `init_fail`. */
function initialScriptStatus(script: VrrpScript): TrackedStatus {
  return script.initFail ? 'down' : 'init';
}

function refused(code: string, message: string): VrrpReloadResult {
  return { ok: false, errors: [new VigilError(code, message)] };
}

/** keepalived-style wording of one instance's reload outcome. */
function describeReloadAction(action: InstanceReloadAction): string {
  switch (action.kind) {
    case 'unchanged':
    case 'added':
    case 'removed':
      return action.kind;
    case 'restarted':
      return `restarted (${action.reasons.join(', ')} changed)`;
    case 'updated': {
      const parts: string[] = [];
      if (action.vips !== null) parts.push(`virtual addresses changed (+${action.vips.added.length} -${action.vips.removed.length})`);
      if (action.priority !== null) parts.push(`priority changed from ${action.priority.from} to ${action.priority.to}`);
      if (action.notifyChanged) parts.push('notify scripts changed');
      if (action.routesChanged) parts.push('virtual routes/rules changed');
      return parts.join(', ');
    }
  }
}

/** Waits for `work`, but no longer than `ms`. */
async function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
