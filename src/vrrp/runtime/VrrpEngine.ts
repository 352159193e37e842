import { VigilError } from '../../core/VigilError.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VrrpSyncGroup } from '../../config/model/VrrpSyncGroup.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import { canonicalIp, type IpFamily } from '../codec/IpAddressBytes.js';
import type { Action } from '../fsm/Action.js';
import type { InstanceEvent } from '../fsm/InstanceEvent.js';
import { SyncGroupCoordinator, type ActionBatch } from '../fsm/SyncGroupCoordinator.js';
import { TimerSet, type ArmedTimer } from '../fsm/TimerSet.js';
import { VrrpInstanceMachine } from '../fsm/VrrpInstanceMachine.js';
import type { NotifyState, VrrpState } from '../fsm/VrrpState.js';
import type { FrameSender } from '../io/GarpSender.js';
import type { NotifyScripts } from '../notify/NotifyCommand.js';
import { checkReceivedAdvert } from '../receive/AdvertReceiveCheck.js';
import type { ReceiverInstance } from '../receive/ReceiverInstance.js';
import type { InstanceTracking, TrackedObject } from '../track/InstanceTracking.js';
import type { TrackedStatus } from '../track/TrackedStatus.js';
import { trackingForInstance } from '../track/TrackingPlan.js';
import type { AdvertTransport, AdvertTransportOpener, IncomingAdvertPacket } from './AdvertTransport.js';
import { AnnouncementSender } from './AnnouncementSender.js';
import { decodeIncomingAdvert } from './IncomingAdvertDecoder.js';
import { resolveInstanceAddressing, resolveInstanceInterface, type InstanceAddressing } from './InstanceAddressing.js';
import { instanceSpecFromConfig } from './InstanceSpecMapping.js';
import type { InterfaceView } from './InterfaceView.js';
import type { MonotonicClock } from './MonotonicClock.js';
import { ReceiveStats } from './ReceiveStats.js';
import { vmacDecision } from './VmacPlan.js';
import { receiverInstanceFromConfig } from './ReceiverInstanceMapping.js';
import type { TimerWakeup } from './TimerWakeup.js';
import { instanceVipsFromConfig, type InstanceVip } from './VipSpecMapping.js';
import { VrrpInstanceRuntime, type InstanceNotifier, type VipInstallerPort } from './VrrpInstanceRuntime.js';
import type { VrrpLog } from './VrrpLog.js';

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

/** Snapshot of one instance for status output and tests. */
export interface InstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly vrid: number;
  readonly interface: string;
  readonly effectivePriority: number;
  readonly holdingVips: boolean;
  readonly source: string;
}

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
  private readonly groupOf = new Map<string, SyncGroupCoordinator>();
  private readonly groupConfigs = new Map<string, VrrpSyncGroup>();
  private readonly tracking = new Map<string, TrackingState>();
  private readonly scriptStatus = new Map<string, TrackedStatus>();
  private readonly receivers = new Map<string, ReceiverInstance[]>();
  private readonly vipWarnings = new Map<string, string>();
  private readonly transitionListeners = new Set<(instance: string, from: VrrpState, to: VrrpState) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly wakeup: TimerWakeup;
  private started = false;
  private stopping = false;
  private readonly releaseVips: boolean;

  private constructor(
    config: VigilConfig,
    private readonly ports: VrrpEnginePorts,
    private readonly transports: readonly AdvertTransport[],
    private readonly frameSenders: ReadonlyMap<string, FrameSender>,
    options: VrrpEngineOptions,
  ) {
    this.releaseVips = options.releaseVipsOnStop ?? true;
    this.wakeup = ports.createWakeup(() => this.runDueTimers());
    for (const script of config.vrrpScripts) this.scriptStatus.set(script.name, script.initFail ? 'down' : 'init');
  }

  /**
   * Resolves every instance against the interfaces and opens the sockets. Nothing is sent
   * before `start()`. Fails (closing whatever it opened) with every problem found: a
   * missing interface, no source address, a socket that cannot be opened (EPERM...).
   */
  static create(config: VigilConfig, ports: VrrpEnginePorts, options: VrrpEngineOptions = {}): VrrpEngineCreation {
    const errors: VigilError[] = [];
    const planned: { instance: VigilConfig['vrrpInstances'][number]; machine: VrrpInstanceMachine; addressing: InstanceAddressing; vips: InstanceVip[] }[] = [];
    const allAddresses = ports.interfaces.allAddresses();
    for (const instance of config.vrrpInstances) {
      const iface = resolveInstanceInterface(instance, allAddresses, (i) => ports.interfaces.nameOf(i));
      if (!iface.ok) {
        errors.push(iface.error);
        continue;
      }
      const ifindex = ports.interfaces.indexOf(iface.ifname);
      if (ifindex === undefined) {
        errors.push(
          new VigilError('VRRP_RUNTIME_INTERFACE_MISSING', `(${instance.name}) interface ${iface.ifname} does not exist`, {
            instance: instance.name,
            interface: iface.ifname,
          }),
        );
        continue;
      }
      if (instance.version === 2 && instance.authentication?.type === 'AH') {
        errors.push(
          new VigilError('VRRP_RUNTIME_UNSUPPORTED', `(${instance.name}) auth_type AH is not supported by Vigil; use PASS or VRRPv3`, {
            instance: instance.name,
          }),
        );
        continue;
      }
      // use_vmac: adverts on the vmac (unless vmac_xmit_base), VIPs on it, the source
      // address still the parent's (the daemon created the vmac before this runs).
      const vmac = vmacDecision(instance, iface.ifname);
      if (vmac.kind === 'unsupported') {
        ports.log.warn({ instance: instance.name }, `(${instance.name}) ${vmac.reason}; running on ${iface.ifname} itself`);
      }
      const vmacName = vmac.kind === 'vmac' ? vmac.plan.name : undefined;
      if (vmacName !== undefined && ports.interfaces.indexOf(vmacName) === undefined) {
        errors.push(
          new VigilError('VRRP_RUNTIME_INTERFACE_MISSING', `(${instance.name}) VMAC interface ${vmacName} does not exist`, { instance: instance.name, interface: vmacName }),
        );
        continue;
      }
      const advertIfname = vmac.kind === 'vmac' && !vmac.plan.transmitOnParent ? vmac.plan.name : iface.ifname;
      const resolved = resolveInstanceAddressing(instance, config.global, advertIfname, ports.interfaces.addressesOf(ifindex));
      if (!resolved.ok) {
        errors.push(resolved.error);
        continue;
      }
      try {
        const machine = new VrrpInstanceMachine(instanceSpecFromConfig(instance, resolved.addressing.source));
        planned.push({ instance, machine, addressing: resolved.addressing, vips: instanceVipsFromConfig(instance, vmacName ?? iface.ifname) });
      } catch (e) {
        errors.push(e instanceof VigilError ? e : new VigilError('VRRP_RUNTIME_INSTANCE_INVALID', `(${instance.name}) ${String(e)}`));
      }
    }
    if (errors.length > 0) return { ok: false, errors };

    // One socket per interface and family, joined to the groups its multicast instances use.
    const transportPlan = new Map<string, { ifname: string; family: IpFamily; groups: Set<string> }>();
    for (const p of planned) {
      const key = `${p.addressing.ifname}|${p.addressing.family}`;
      const entry = transportPlan.get(key) ?? { ifname: p.addressing.ifname, family: p.addressing.family, groups: new Set<string>() };
      if (!p.addressing.unicast) for (const g of p.addressing.destinations) entry.groups.add(g);
      transportPlan.set(key, entry);
    }
    const transports = new Map<string, AdvertTransport>();
    const frameSenders = new Map<string, FrameSender>();
    const closeAll = (): void => {
      for (const t of transports.values()) t.close();
      for (const f of frameSenders.values()) f.close();
    };
    for (const [key, entry] of transportPlan) {
      try {
        transports.set(key, ports.openTransport({ ifname: entry.ifname, family: entry.family, groups: [...entry.groups] }));
      } catch (e) {
        errors.push(asVigilError(e, 'VRRP_RUNTIME_SOCKET_FAILED', `cannot open the VRRP socket on ${entry.ifname}`));
      }
    }
    const announceInterfaces = new Set(planned.flatMap((p) => p.vips.map((v) => v.spec.interface)).filter((i): i is string => typeof i === 'string'));
    for (const ifname of announceInterfaces) {
      try {
        frameSenders.set(ifname, ports.openFrameSender(ifname));
      } catch (e) {
        errors.push(asVigilError(e, 'VRRP_RUNTIME_SOCKET_FAILED', `cannot open the AF_PACKET socket on ${ifname}`));
      }
    }
    if (errors.length > 0) {
      closeAll();
      return { ok: false, errors };
    }

    const engine = new VrrpEngine(config, ports, [...transports.values()], frameSenders, options);
    const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const spacing = {
      garpIntervalMs: Math.round(config.global.vrrpGarpIntervalSeconds * 1000),
      gnaIntervalMs: Math.round(config.global.vrrpGnaIntervalSeconds * 1000),
    };
    for (const p of planned) {
      const transport = transports.get(`${p.addressing.ifname}|${p.addressing.family}`);
      if (transport === undefined) continue; // not reached: every plan has its transport
      const announcer = new AnnouncementSender(
        p.instance.name,
        { interfaces: ports.interfaces, frameSender: (ifname) => engine.frameSender(ifname), sleep, log: ports.log },
        spacing,
      );
      const runtime = new VrrpInstanceRuntime({
        config: p.instance,
        machine: p.machine,
        addressing: p.addressing,
        vips: p.vips,
        transport,
        installer: ports.installer,
        announcer,
        notifier: ports.notifier,
        log: ports.log,
        onTransition: (name, from, to) => engine.transitionHappened(name, from, to),
      });
      engine.runtimes.set(p.instance.name, runtime);
      engine.tracking.set(p.instance.name, { tracking: trackingForInstance(config, p.instance), weight: 0, faults: new Set() });
    }
    for (const group of config.vrrpSyncGroups) {
      const machines = group.members.map((m) => engine.runtimes.get(m.name)?.machine).filter((m): m is VrrpInstanceMachine => m !== undefined);
      if (machines.length === 0) continue;
      const coordinator = new SyncGroupCoordinator(group.name, machines);
      engine.groupConfigs.set(group.name, group);
      for (const m of machines) engine.groupOf.set(m.name, coordinator);
    }
    return { ok: true, engine };
  }

  /** Starts receiving and puts every instance through its Initialize state (RFC 5798 §6.4.1). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const transport of this.transports) {
      this.unsubscribe.push(transport.onPacket((packet) => this.guarded(`packet on ${transport.ifname}`, () => this.receive(transport, packet))));
      this.unsubscribe.push(
        transport.onError((error) => {
          this.stats.receiveError(transport.ifname);
          this.ports.log.warn({ interface: transport.ifname, code: error.code }, `VRRP receive error on ${transport.ifname}: ${error.message}`);
        }),
      );
    }
    for (const runtime of this.runtimes.values()) runtime.releaseLeftoverVips(this.vipsPresent(runtime));
    const now = this.ports.clock.nowMs;
    for (const runtime of this.runtimes.values()) {
      // Faults known before start-up are remembered by the machine and make it start in FAULT.
      if (!runtime.config.dontTrackPrimary && !this.ports.interfaces.isUsable(runtime.addressing.ifname)) {
        this.deliver(runtime.name, { type: 'link', up: false }, now);
      }
      this.applyTracking(runtime.name, now);
    }
    for (const runtime of this.runtimes.values()) this.deliver(runtime.name, { type: 'startup' }, now);
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

  // --- outputs and queries ------------------------------------------------------------------

  onTransition(listener: (instance: string, from: VrrpState, to: VrrpState) => void): () => void {
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
    }));
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
      this.idle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const runtime of this.runtimes.values()) runtime.cancelAnnouncements();
    for (const off of this.unsubscribe.splice(0)) off();
    for (const t of this.transports) t.close();
    for (const f of this.frameSenders.values()) f.close();
    return finished;
  }

  // --- internals ----------------------------------------------------------------------------

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

  private transitionHappened(name: string, from: VrrpState, to: VrrpState): void {
    for (const listener of [...this.transitionListeners]) listener(name, from, to);
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
          source: canonicalIp(decoded.received.ip.src) ?? decoded.received.ip.src,
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
