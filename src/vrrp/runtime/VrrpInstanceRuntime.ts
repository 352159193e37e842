import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import type { RoutingInstaller, RoutingOutcome } from '../../netlink/rtnl/RoutingInstaller.js';
import type { VipInstaller, VipOutcome } from '../../netlink/rtnl/VipInstaller.js';
import type { Action } from '../fsm/Action.js';
import type { VrrpInstanceMachine } from '../fsm/VrrpInstanceMachine.js';
import type { NotifyState, TransitionReason, VrrpState } from '../fsm/VrrpState.js';
import type { NotifyScripts } from '../notify/NotifyCommand.js';
import type { AdvertTransport } from './AdvertTransport.js';
import type { AnnouncementSender } from './AnnouncementSender.js';
import type { InstanceAddressing } from './InstanceAddressing.js';
import { advertFields, type AdvertTemplate } from './OutgoingAdvertFields.js';
import { SerialTaskQueue } from './SerialTaskQueue.js';
import { ObservedMaster, type LastAdvert } from './ObservedMaster.js';
import type { InstanceRoute, InstanceRule } from './RoutingSpecMapping.js';
import type { InstanceVip } from './VipSpecMapping.js';
import type { VrrpLog } from './VrrpLog.js';

/** Adds and removes addresses: `VipInstaller` fits. */
export type VipInstallerPort = Pick<VipInstaller, 'add' | 'remove'>;

/** Adds and removes routes and policy rules: `RoutingInstaller` fits. */
export type RoutingInstallerPort = Pick<RoutingInstaller, 'addRoutes' | 'removeRoutes' | 'addRules' | 'removeRules'>;

/** Runs notify scripts: `NotifyDispatcher` fits. */
export interface InstanceNotifier {
  instance(name: string, scripts: NotifyScripts, state: NotifyState, priority: number): void;
}

export interface InstanceRuntimeParts {
  readonly config: VrrpInstance;
  readonly machine: VrrpInstanceMachine;
  readonly addressing: InstanceAddressing;
  readonly vips: readonly InstanceVip[];
  readonly transport: AdvertTransport;
  readonly installer: VipInstallerPort;
  /** `virtual_routes` / `virtual_rules`, installed after the VIPs and removed before them. */
  readonly routes: readonly InstanceRoute[];
  readonly rules: readonly InstanceRule[];
  readonly routing: RoutingInstallerPort;
  readonly announcer: AnnouncementSender;
  readonly notifier: InstanceNotifier;
  readonly log: VrrpLog;
  /** Told of every transition after its actions have been queued. */
  readonly onTransition: (instance: string, from: VrrpState, to: VrrpState, reason: TransitionReason) => void;
}

/** Transitions kept per instance for status output: enough to see a flap, bounded for a long-running daemon. */
const TRANSITION_HISTORY = 100;

/** One transition, for status output and tests. */
export interface InstanceTransition {
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
}

/**
 * One `vrrp_instance` at run time: its state machine, and the I/O that executes the
 * machine's actions. Timer actions are applied by the engine (which owns the timers);
 * everything else runs here, in the order the machine listed it: adverts, VIP changes
 * and GARP/NA bursts through one serial queue (so the advert that makes the old master
 * step down leaves before our VIPs appear and are announced, as keepalived does), logs
 * and notify scripts at once.
 */
export class VrrpInstanceRuntime {
  readonly name: string;
  readonly machine: VrrpInstanceMachine;
  readonly addressing: InstanceAddressing;
  private currentConfig: VrrpInstance;
  private currentVips: readonly InstanceVip[];
  private currentRoutes: readonly InstanceRoute[];
  private currentRules: readonly InstanceRule[];
  /** Routes and rules (by key) a reload added that wait for the reload's removals. */
  private readonly pendingReloadRouting = new Set<string>();
  private transport: AdvertTransport;
  private template: AdvertTemplate;
  private readonly queue: SerialTaskQueue;
  private readonly detached = new Set<Promise<unknown>>();
  private readonly history: InstanceTransition[] = [];
  private wantVips = false;
  /** VIPs a reload added that wait for the reload's removals: not "removed externally" meanwhile. */
  private readonly pendingReloadAdds = new Set<string>();
  /** Bumped whenever the VIPs are dropped, so a running GARP burst stops. */
  private vipGeneration = 0;
  private sendFailing = false;
  private advertsSent = 0;
  private readonly observedMaster: ObservedMaster;

  constructor(private readonly parts: InstanceRuntimeParts) {
    this.name = parts.config.name;
    this.observedMaster = new ObservedMaster(parts.addressing.source);
    this.currentConfig = parts.config;
    this.machine = parts.machine;
    this.addressing = parts.addressing;
    this.currentVips = parts.vips;
    this.currentRoutes = parts.routes;
    this.currentRules = parts.rules;
    this.transport = parts.transport;
    this.template = {
      version: parts.config.version,
      vrid: parts.config.virtualRouterId,
      addresses: parts.machine.spec.vips,
      authentication: parts.config.version === 2 ? parts.config.authentication : null,
    };
    this.queue = new SerialTaskQueue((error, label) => this.taskFailed(error, label));
  }

  get config(): VrrpInstance {
    return this.currentConfig;
  }

  /** Every VIP (`virtual_ipaddress` and `virtual_ipaddress_excluded`) to install while master. */
  get vips(): readonly InstanceVip[] {
    return this.currentVips;
  }

  /** `virtual_routes`, installed while master. */
  get routes(): readonly InstanceRoute[] {
    return this.currentRoutes;
  }

  /** `virtual_rules`, installed while master. */
  get rules(): readonly InstanceRule[] {
    return this.currentRules;
  }

  get state(): VrrpState {
    return this.machine.state;
  }

  /** True between our add-vips and remove-vips: the VIPs should be on the interface. */
  get holdingVips(): boolean {
    return this.wantVips;
  }

  /** The most recent transitions, oldest first. */
  get transitions(): readonly InstanceTransition[] {
    return this.history;
  }

  /** Adverts that left through the socket (every destination of a unicast instance counts once). */
  get sentAdverts(): number {
    return this.advertsSent;
  }

  /** The current master's address as seen from here (ours while MASTER), `null` when unknown. */
  get masterAddress(): string | null {
    return this.observedMaster.address;
  }

  /** The last advert that passed the receive checks, `null` before the first. */
  get lastAdvert(): LastAdvert | null {
    return this.observedMaster.lastAdvert;
  }

  /** An advert passed the receive checks; called before the machine handles it. */
  advertAccepted(advert: LastAdvert): void {
    this.observedMaster.advertAccepted(advert);
  }

  /** Executes the non-timer actions of one batch, in order. */
  execute(actions: readonly Action[]): void {
    // The machine logs "Entering X STATE" after the transition: that line carries from/to/reason.
    let transition: Record<string, string> = {};
    for (const action of actions) {
      if (action.type === 'state-changed') transition = { from: action.from, to: action.to, reason: action.reason };
      this.executeOne(action, action.type === 'log' && /Entering \w+ STATE/.test(action.message) ? transition : {});
    }
  }

  /**
   * Removes VIPs of ours found on the interfaces before start-up (left by a crashed run):
   * an instance starts as BACKUP and must not answer for them (keepalived does the same at
   * start-up). Queued first, so an owner's own add-vips comes after it.
   */
  releaseLeftoverVips(present: readonly InstanceVip[]): void {
    if (present.length === 0) return;
    this.parts.log.info(
      { instance: this.name, vrid: this.config.virtualRouterId, vips: present.map((v) => v.address), reason: 'leftover-vips' },
      `(${this.name}) removing VIPs.`,
    );
    void this.queue.push('remove leftover VIPs', async () => this.checkVipOutcomes('remove', await this.parts.installer.remove(present.map((v) => v.spec))));
  }

  /**
   * Deletes this instance's virtual rules and routes at start-up, whether or not a crashed
   * run left them: keepalived 2.2.7 does the same ("removing Virtual Rules", "removing
   * Virtual Routes" before its first state). Absent ones are not errors.
   */
  releaseLeftoverRouting(): void {
    this.queueRoutingRemoval('remove leftover routes and rules', this.currentRoutes, this.currentRules, false);
  }

  /** A tracked route of ours was deleted from outside while master: put it back (keepalived does). */
  restoreRoute(route: InstanceRoute): void {
    if (!this.wantVips || route.noTrack || this.pendingReloadRouting.has(route.key)) return;
    this.parts.log.warn(
      { instance: this.name, vrid: this.config.virtualRouterId, route: route.text, reason: 'route-removed-externally' },
      `(${this.name}) virtual route ${route.text} was removed while MASTER - putting it back`,
    );
    const generation = this.vipGeneration;
    void this.queue.push('restore route', async () => {
      if (generation !== this.vipGeneration || !this.wantVips) return;
      this.checkRoutingOutcomes('add', await this.parts.routing.addRoutes([route.entry]));
    });
  }

  /** A tracked rule of ours was deleted from outside while master: put it back. */
  restoreRule(rule: InstanceRule): void {
    if (!this.wantVips || rule.noTrack || this.pendingReloadRouting.has(rule.key)) return;
    this.parts.log.warn(
      { instance: this.name, vrid: this.config.virtualRouterId, rule: rule.text, reason: 'rule-removed-externally' },
      `(${this.name}) virtual rule ${rule.text} was removed while MASTER - putting it back`,
    );
    const generation = this.vipGeneration;
    void this.queue.push('restore rule', async () => {
      if (generation !== this.vipGeneration || !this.wantVips) return;
      this.checkRoutingOutcomes('add', await this.parts.routing.addRules([rule.request]));
    });
  }

  /** Someone else deleted one of our VIPs while we hold them: put it back and announce it. */
  restoreVip(vip: InstanceVip): void {
    if (!this.wantVips || this.pendingReloadAdds.has(vip.address)) return;
    this.parts.log.warn(
      { instance: this.name, vrid: this.config.virtualRouterId, vip: vip.address, reason: 'vip-removed-externally' },
      `(${this.name}) VIP ${vip.address} was removed from ${String(vip.spec.interface)} while MASTER - putting it back`,
    );
    const generation = this.vipGeneration;
    void this.queue.push('restore VIP', async () => {
      if (generation !== this.vipGeneration || !this.wantVips) return;
      this.checkVipOutcomes('add', await this.parts.installer.add([vip.spec]));
      await this.parts.announcer.burst([vip], 1, () => generation === this.vipGeneration);
    });
  }

  /** Resolves once every queued action (and detached announcement) has finished. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.detached.size > 0) await Promise.allSettled([...this.detached]);
  }

  /** Resolves once the actions queued so far have run (announcements may still be going). */
  async queueIdle(): Promise<void> {
    await this.queue.idle();
  }

  // --- reload -------------------------------------------------------------------------------

  /**
   * The reloaded configuration, equal to the running one apart from what applies in place
   * (notify scripts, routes kept in the model): read from the next notify on.
   */
  adoptConfig(config: VrrpInstance): void {
    this.currentConfig = config;
  }

  /** A reload replaced the socket of this interface and family (new multicast groups). */
  switchTransport(transport: AdvertTransport): void {
    this.transport = transport;
  }

  /** Holds everything queued after this until `barrier` settles (a reload's VIP removals). */
  waitFor(label: string, barrier: Promise<unknown>): void {
    void this.queue.push(label, () => barrier);
  }

  /**
   * Adopts a reload's VIP list (the machine already has the new one); adverts carry it from
   * now on. While holding the VIPs, those no longer listed are removed at once and the
   * returned `added` must then be installed with `installAddedVips`; a non-master just
   * adopts the list. Resolves `removal` once the removal has run (at once if none).
   */
  replaceVips(next: readonly InstanceVip[]): { added: InstanceVip[]; removed: InstanceVip[]; removal: Promise<void> } {
    const key = (v: InstanceVip): string => JSON.stringify(v.spec);
    const before = new Set(this.currentVips.map(key));
    const after = new Set(next.map(key));
    const added = next.filter((v) => !before.has(key(v)));
    const removed = this.currentVips.filter((v) => !after.has(key(v)));
    this.currentVips = next;
    this.template = { ...this.template, addresses: this.machine.spec.vips };
    if (!this.wantVips) return { added: [], removed: [], removal: Promise.resolve() };
    if (removed.length === 0) return { added, removed, removal: Promise.resolve() };
    this.parts.log.info(
      { instance: this.name, vrid: this.config.virtualRouterId, vips: removed.map((v) => v.address), reason: 'reload' },
      `(${this.name}) removing VIPs no longer configured.`,
    );
    const removal = this.queue.push('remove VIPs (reload)', async () => this.checkVipOutcomes('remove', await this.parts.installer.remove(removed.map((v) => v.spec))));
    return { added, removed, removal };
  }

  /**
   * Installs and announces (GARP / unsolicited NA, `garp_master_repeat` rounds) VIPs a
   * reload added to a master, once `after` has settled: every instance's removals go first,
   * so a VIP moved from one instance to another in the same reload ends up present.
   */
  installAddedVips(added: readonly InstanceVip[], after: Promise<unknown>): void {
    if (added.length === 0 || !this.wantVips) return;
    const generation = this.vipGeneration;
    for (const v of added) this.pendingReloadAdds.add(v.address);
    void this.queue.push('add VIPs (reload)', async () => {
      try {
        await after;
        if (generation !== this.vipGeneration || !this.wantVips) return; // left MASTER meanwhile
        this.parts.log.info(
          { instance: this.name, vrid: this.config.virtualRouterId, vips: added.map((v) => v.address), reason: 'reload' },
          `(${this.name}) setting VIPs added by reload.`,
        );
        this.checkVipOutcomes('add', await this.parts.installer.add(added.map((v) => v.spec)));
      } finally {
        // Until our add is acknowledged, a deletion seen is the other instance's, not someone else's.
        for (const v of added) this.pendingReloadAdds.delete(v.address);
      }
    });
    this.queueAnnouncement(this.machine.spec.garp.masterRepeat, added);
  }

  /**
   * Adopts a reload's `virtual_routes` / `virtual_rules`. While master, those no longer
   * listed are removed at once (rules first, as keepalived) and the returned `install`
   * adds the new ones once `after` has settled (every instance's removals, so a route
   * moved between instances ends up present). A non-master just adopts the lists.
   */
  replaceRouting(routes: readonly InstanceRoute[], rules: readonly InstanceRule[]): { removal: Promise<void>; install: (after: Promise<unknown>) => void } {
    const gone = <T extends { key: string }>(from: readonly T[], to: readonly T[]): T[] => from.filter((x) => !to.some((y) => y.key === x.key));
    const removedRoutes = gone(this.currentRoutes, routes);
    const removedRules = gone(this.currentRules, rules);
    const addedRoutes = gone(routes, this.currentRoutes);
    const addedRules = gone(rules, this.currentRules);
    this.currentRoutes = routes;
    this.currentRules = rules;
    const nothing = { removal: Promise.resolve(), install: () => undefined };
    if (!this.wantVips) return nothing;
    const removal =
      removedRoutes.length + removedRules.length > 0
        ? this.queueRoutingRemoval('remove routes and rules (reload)', removedRoutes, removedRules, true)
        : Promise.resolve();
    if (addedRoutes.length + addedRules.length === 0) return { removal, install: () => undefined };
    const generation = this.vipGeneration;
    for (const x of [...addedRoutes, ...addedRules]) this.pendingReloadRouting.add(x.key);
    return {
      removal,
      install: (after) => {
        void this.queue.push('add routes and rules (reload)', async () => {
          try {
            await after;
            if (generation !== this.vipGeneration || !this.wantVips) return;
            this.parts.log.info({ instance: this.name, vrid: this.config.virtualRouterId, reason: 'reload' }, `(${this.name}) setting Virtual Routes and Rules added by reload.`);
            if (addedRoutes.length > 0) this.checkRoutingOutcomes('add', await this.parts.routing.addRoutes(addedRoutes.map((r) => r.entry)));
            if (addedRules.length > 0) this.checkRoutingOutcomes('add', await this.parts.routing.addRules(addedRules.map((r) => r.request)));
          } finally {
            for (const x of [...addedRoutes, ...addedRules]) this.pendingReloadRouting.delete(x.key);
          }
        });
      },
    };
  }

  /** Stops any announcement still running or queued. */
  cancelAnnouncements(): void {
    this.vipGeneration++;
  }

  private executeOne(action: Action, extra: Record<string, string>): void {
    const fields = { instance: this.name, vrid: this.config.virtualRouterId, ...extra };
    switch (action.type) {
      case 'set-timer':
      case 'cancel-timer':
        return; // the engine's TimerSet has them already
      case 'log': {
        const all = action.fields === undefined ? fields : { ...fields, ...action.fields };
        if (action.level === 'debug') this.parts.log.debug(all, action.message);
        else if (action.level === 'warning') this.parts.log.warn(all, action.message);
        else this.parts.log.info(all, action.message);
        return;
      }
      case 'state-changed':
        this.observedMaster.transition(action.to, action.reason);
        this.history.push({ from: action.from, to: action.to, reason: action.reason });
        if (this.history.length > TRANSITION_HISTORY) this.history.shift();
        this.parts.log.debug({ ...fields, from: action.from, to: action.to, reason: action.reason }, `(${this.name}) ${action.from} -> ${action.to} (${action.reason})`);
        this.parts.onTransition(this.name, action.from, action.to, action.reason);
        return;
      case 'notify':
        this.parts.notifier.instance(this.name, this.config, action.state, action.priority);
        return;
      case 'send-advert':
        this.queueAdvert(action.priority, action.advertIntervalCs);
        return;
      case 'add-vips':
        this.wantVips = true;
        this.parts.log.info(fields, `(${this.name}) setting VIPs.`);
        void this.queue.push('add VIPs', async () => this.checkVipOutcomes('add', await this.parts.installer.add(this.vips.map((v) => v.spec))));
        this.queueRoutingInstall();
        return;
      case 'remove-vips':
        this.wantVips = false;
        this.vipGeneration++;
        // keepalived's order on leaving MASTER: rules, routes, then the VIPs they may depend on.
        this.queueRoutingRemoval('remove routes and rules', this.currentRoutes, this.currentRules, true);
        this.parts.log.info(fields, `(${this.name}) removing VIPs.`);
        void this.queue.push('remove VIPs', async () => this.checkVipOutcomes('remove', await this.parts.installer.remove(this.vips.map((v) => v.spec))));
        return;
      case 'send-garp':
        this.queueAnnouncement(action.repeat);
        return;
    }
  }

  private queueAdvert(priority: number, advertIntervalCs: number): void {
    const fields = advertFields(this.template, priority, advertIntervalCs);
    const { source, destinations } = this.addressing;
    void this.queue.push('send advert', async () => {
      for (const dst of destinations) await this.transport.send({ fields, src: source, dst });
      this.advertsSent++;
      if (this.sendFailing) {
        this.sendFailing = false;
        this.parts.log.info({ instance: this.name }, `(${this.name}) sending adverts again`);
      }
    });
  }

  private queueAnnouncement(repeat: number, vips?: readonly InstanceVip[]): void {
    // The announcement covers `virtual_ipaddress_excluded` too, as keepalived's does.
    const generation = this.vipGeneration;
    void this.queue.push('announce VIPs', () => {
      const burst = this.parts.announcer.burst(vips ?? this.vips, repeat, () => generation === this.vipGeneration && this.wantVips);
      // Spaced bursts (vrrp_garp_interval) must not hold up our adverts: let them run on their own.
      const detached = burst.then(
        () => undefined,
        (e: unknown) => this.taskFailed(e, 'announce VIPs'),
      );
      this.detached.add(detached);
      void detached.finally(() => this.detached.delete(detached));
      return undefined;
    });
  }

  /** After the VIPs (a route's `src` or gateway may need them): routes, then rules, as keepalived. */
  private queueRoutingInstall(): void {
    const routes = this.currentRoutes;
    const rules = this.currentRules;
    const fields = { instance: this.name, vrid: this.config.virtualRouterId };
    if (routes.length > 0) {
      this.parts.log.info(fields, `(${this.name}) setting Virtual Routes`);
      void this.queue.push('add routes', async () => this.checkRoutingOutcomes('add', await this.parts.routing.addRoutes(routes.map((r) => r.entry))));
    }
    if (rules.length > 0) {
      this.parts.log.info(fields, `(${this.name}) setting Virtual Rules`);
      void this.queue.push('add rules', async () => this.checkRoutingOutcomes('add', await this.parts.routing.addRules(rules.map((r) => r.request))));
    }
  }

  private queueRoutingRemoval(label: string, routes: readonly InstanceRoute[], rules: readonly InstanceRule[], logged: boolean): Promise<void> {
    const fields = { instance: this.name, vrid: this.config.virtualRouterId };
    if (logged && rules.length > 0) this.parts.log.info(fields, `(${this.name}) removing Virtual Rules`);
    if (logged && routes.length > 0) this.parts.log.info(fields, `(${this.name}) removing Virtual Routes`);
    if (routes.length + rules.length === 0) return Promise.resolve();
    return this.queue.push(label, async () => {
      if (rules.length > 0) this.checkRoutingOutcomes('remove', await this.parts.routing.removeRules(rules.map((r) => r.request)));
      if (routes.length > 0) this.checkRoutingOutcomes('remove', await this.parts.routing.removeRoutes(routes.map((r) => r.entry)));
    });
  }

  private checkRoutingOutcomes(operation: 'add' | 'remove', outcomes: readonly RoutingOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.status === 'failed') {
        this.parts.log.error(
          { instance: this.name, entry: outcome.description, code: outcome.error.code, reason: `routing-${operation}-failed` },
          `(${this.name}) ${outcome.error.message}`,
        );
      }
    }
  }

  private checkVipOutcomes(operation: 'add' | 'remove', outcomes: readonly VipOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.status === 'failed') {
        this.parts.log.error(
          { instance: this.name, vip: outcome.vip.address, code: outcome.error.code, reason: `vip-${operation}-failed` },
          `(${this.name}) ${outcome.error.message}`,
        );
      }
    }
  }

  private taskFailed(error: unknown, label: string): void {
    const message = error instanceof Error ? error.message : String(error);
    const fields = { instance: this.name, task: label, error: message };
    if (label === 'send advert') {
      // A down link fails every advert; say so once, then quietly until one gets through.
      if (this.sendFailing) return this.parts.log.debug(fields, `(${this.name}) ${label} failed: ${message}`);
      this.sendFailing = true;
    }
    this.parts.log.warn(fields, `(${this.name}) ${label} failed: ${message}`);
  }
}
