import { VigilError } from '../../core/VigilError.js';
import type { Action, LogFields, LogLevel, TimerName } from './Action.js';
import { compareAddresses } from './AddressOrder.js';
import type { InstanceEvent, ReceivedAdvert, SyncGroupTarget } from './InstanceEvent.js';
import {
  PRIORITY_MAX_TRACKED,
  PRIORITY_MIN_TRACKED,
  PRIORITY_OWNER,
  resolveInstanceSpec,
  type InstanceSpec,
  type ResolvedInstanceSpec,
} from './InstanceSpec.js';
import type { SyncGate } from './SyncGate.js';
import type { TransitionReason, VrrpState } from './VrrpState.js';
import { centisecondsToMs, masterDownIntervalUs, skewTimeUs, usToMs } from './VrrpTimerMath.js';

/** A read-only view of an instance, for status output and the sync group. */
export interface InstanceSnapshot {
  readonly name: string;
  readonly state: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly masterAdverIntervalCs: number;
  readonly wantsMaster: boolean;
  readonly faults: readonly string[];
  /** Source address and priority of the last advert we accepted as Backup. */
  readonly lastMaster?: { readonly address: string; readonly priority: number };
  /** Timers the machine has armed, with the absolute time (ms) each is due. */
  readonly timers: Readonly<Partial<Record<TimerName, number>>>;
}

/** Fault source name used for the instance's own interface in snapshots. */
export const LINK_FAULT_SOURCE = 'link';

/**
 * The per-instance VRRP state machine: RFC 3768 §6.3–6.4 (v2) and RFC 5798 §6.4 (v3), with
 * keepalived 2.2.7's extensions (Fault state, tracking weights, preempt_delay, GARP timings,
 * sync groups) where keepalived departs from or adds to the RFC.
 *
 * Pure: no timers, sockets or clock. `handle(event, nowMs)` returns the actions to execute, in
 * order. `nowMs` is any monotonic millisecond clock; it is only used to remember when armed
 * timers fall due and when a preempt_delay window closes.
 *
 * Deliberate choices where keepalived 2.2.7 and the RFC differ are marked "keepalived:" below.
 */
export class VrrpInstanceMachine {
  private currentSpec: ResolvedInstanceSpec;
  private readonly specWarnings: readonly string[];

  private currentState: VrrpState = 'INIT';
  private basePriority: number;
  private effective: number;
  private trackerWeight = 0;
  /** RFC 5798 Master_Adver_Interval: ours, or learned from the master's adverts (v3). */
  private masterAdverIntervalCs: number;
  private linkUp = true;
  private readonly trackerFaults = new Set<string>();
  /** keepalived `wantstate == MASTER` while Backup: held back by the sync group. */
  private heldForGroup = false;
  /** End of the preempt_delay window (keepalived `preempt_time`), once a lower advert started it. */
  private preemptDueMs: number | undefined;
  /** The reason a Master_Down_Timer expiry will carry, from the last advert seen. */
  private timeoutReason: 'master-down-timer' | 'priority-0-advert' | 'preempt' = 'master-down-timer';
  private lastMaster: { address: string; priority: number } | undefined;
  private readonly armed = new Map<TimerName, number>();
  private gate: SyncGate | undefined;

  private out: Action[] = [];
  private now = 0;

  constructor(input: InstanceSpec) {
    const resolution = resolveInstanceSpec(input);
    if (!resolution.ok) {
      throw new VigilError('VRRP_INSTANCE_SPEC_INVALID', resolution.problems.map((p) => p.message).join('; '), {
        problems: resolution.problems,
      });
    }
    this.currentSpec = resolution.spec;
    this.specWarnings = resolution.warnings;
    this.basePriority = this.spec.basePriority;
    this.effective = this.spec.basePriority;
    this.masterAdverIntervalCs = this.spec.advertIntervalCs;
  }

  /** The resolved spec; a reload may replace its base priority and VIPs. */
  get spec(): ResolvedInstanceSpec {
    return this.currentSpec;
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): VrrpState {
    return this.currentState;
  }

  get effectivePriority(): number {
    return this.effective;
  }

  /** keepalived `wantstate == MASTER`: master now, or held in Backup by the sync group. */
  get wantsMaster(): boolean {
    return this.currentState === 'MASTER' || this.heldForGroup;
  }

  /** A fault of this instance's own (link or tracker), as opposed to one forced by its group. */
  get hasOwnFault(): boolean {
    return !this.linkUp || this.trackerFaults.size > 0;
  }

  /** Joins a sync group; the gate is consulted before every unforced move to Master or out of Fault. */
  attachSyncGroup(gate: SyncGate): void {
    this.gate = gate;
  }

  snapshot(): InstanceSnapshot {
    const faults = [...(this.linkUp ? [] : [LINK_FAULT_SOURCE]), ...[...this.trackerFaults].sort()];
    return {
      name: this.name,
      state: this.currentState,
      basePriority: this.basePriority,
      effectivePriority: this.effective,
      masterAdverIntervalCs: this.masterAdverIntervalCs,
      wantsMaster: this.wantsMaster,
      faults,
      ...(this.lastMaster ? { lastMaster: { ...this.lastMaster } } : {}),
      timers: Object.fromEntries(this.armed),
    };
  }

  handle(event: InstanceEvent, nowMs: number): Action[] {
    this.out = [];
    this.now = nowMs;
    switch (event.type) {
      case 'startup':
        this.onStartup();
        break;
      case 'advert-received':
        this.onAdvert(event.advert);
        break;
      case 'timer-expired':
        this.onTimer(event.timer);
        break;
      case 'link':
        this.onFaultSource(() => {
          const changed = this.linkUp !== event.up;
          this.linkUp = event.up;
          return changed;
        }, 'link-down');
        break;
      case 'tracker':
        if (event.kind === 'weight') this.onTrackerWeight(event.weight);
        else
          this.onFaultSource(() => {
            const changed = this.trackerFaults.has(event.source) !== event.fault;
            if (event.fault) this.trackerFaults.add(event.source);
            else this.trackerFaults.delete(event.source);
            return changed;
          }, 'tracker-fault');
        break;
      case 'shutdown':
        this.onShutdown();
        break;
      case 'reconfigure':
        this.onReconfigure(event.basePriority, event.vips);
        break;
      case 'sync-group':
        this.onSyncGroup(event.to);
        break;
    }
    const produced = this.out;
    this.out = [];
    return produced;
  }

  // --- events -------------------------------------------------------------------------------

  /** RFC 5798 §6.4.1 Initialize; keepalived vrrp_scheduler.c `vrrp_init_state`. */
  private onStartup(): void {
    if (this.currentState !== 'INIT') return;
    for (const warning of this.specWarnings) this.log('warning', warning);
    this.masterAdverIntervalCs = this.spec.advertIntervalCs;
    this.preemptDueMs = undefined;
    this.timeoutReason = 'master-down-timer';

    if (this.hasOwnFault || (this.gate && !this.gate.mayLeaveFault(this.name))) {
      const reason = this.hasOwnFault ? this.faultReason() : 'sync-group';
      this.transition('FAULT', reason);
      this.log('info', `(${this.name}) Entering FAULT STATE (init)`);
      this.notify('FAULT');
      return;
    }
    // Only the address owner whose wanted state is MASTER skips Backup. keepalived 2.2.7 does
    // this by a 1 µs Master_Down_Timer; an owner configured `state BACKUP` starts as Backup.
    if (this.isOwner() && this.spec.initialState === 'MASTER') {
      if (this.becomeMaster('address-owner', true)) return;
      // Held by the sync group: keepalived leaves it Backup wanting MASTER.
      this.log('info', `(${this.name}) Entering BACKUP STATE (init)`);
      this.notify('BACKUP');
      return;
    }
    // keepalived 2.2.7: a non-owner `state MASTER` also starts as Backup with the full
    // Master_Down_Interval (vrrp_init_state only shortens the timer for the owner); its only
    // effect is that nopreempt and preempt_delay are ignored (see resolveInstanceSpec).
    this.transition('BACKUP', 'startup');
    this.log('info', `(${this.name}) Entering BACKUP STATE (init)`);
    this.notify('BACKUP');
    this.arm('master-down', this.masterDownMs());
  }

  private onAdvert(advert: ReceivedAdvert): void {
    if (this.currentState !== 'BACKUP' && this.currentState !== 'MASTER') return; // keepalived ignores adverts in INIT/FAULT
    if (advert.vrid !== this.spec.vrid) {
      this.log('warning', `(${this.name}) advert for VRID ${advert.vrid} delivered to VRID ${this.spec.vrid} - ignoring`);
      return;
    }
    if (advert.version !== this.spec.version) {
      this.log('warning', `(${this.name}) received VRRPv${advert.version} advert, configured for v${this.spec.version} - ignoring`);
      return;
    }
    if (!advert.authOk) {
      this.log('debug', `(${this.name}) advert from ${advert.source} failed authentication - ignoring`);
      return;
    }
    if (this.currentState === 'BACKUP') this.backupReceives(advert);
    else this.masterReceives(advert);
  }

  /** RFC 5798 §6.4.2 / RFC 3768 §6.4.2 "If an ADVERTISEMENT is received"; keepalived `vrrp_state_backup`. */
  private backupReceives(advert: ReceivedAdvert): void {
    if (advert.priority === 0) {
      // The master resigned: take over after Skew_Time.
      this.log('debug', `(${this.name}) Backup received priority 0 advertisement`, { from: advert.source, reason: 'priority-0-advert' });
      this.arm('master-down', usToMs(this.skewUs()));
      this.timeoutReason = 'priority-0-advert';
      return;
    }
    const preemptHeld =
      this.spec.preemptDelayMs > 0 && (this.preemptDueMs === undefined || this.now < this.preemptDueMs);
    if (!this.spec.preempt || advert.priority >= this.effective || preemptHeld) {
      if (this.spec.version === 3 && advert.advertIntervalCs !== this.masterAdverIntervalCs) {
        // RFC 5798 §6.4.2: Master_Adver_Interval = the advert's interval; recompute the rest.
        this.log(
          'debug',
          `(${this.name}) advertisement interval updated from ${centisecondsToMs(this.masterAdverIntervalCs)}ms to ${centisecondsToMs(advert.advertIntervalCs)}ms by master`,
        );
        this.masterAdverIntervalCs = advert.advertIntervalCs;
      }
      this.arm('master-down', this.masterDownMs());
      this.lastMaster = { address: advert.source, priority: advert.priority };
      this.timeoutReason = 'master-down-timer';
      if (this.spec.preemptDelayMs > 0) {
        if (advert.priority >= this.effective) {
          if (this.preemptDueMs !== undefined) {
            this.log('debug', `(${this.name}) stop preempt delay`);
            this.preemptDueMs = undefined;
          }
        } else if (this.preemptDueMs === undefined) {
          // keepalived 2.2.7 starts the window at the first lower-priority advert (not at startup,
          // whatever the man page says) and keeps accepting adverts until it closes.
          this.log('debug', `(${this.name}) start preempt delay (${formatSeconds(this.spec.preemptDelayMs)})`);
          this.preemptDueMs = this.now + this.spec.preemptDelayMs;
        }
      }
      // An accepted advert means a live master: stop wanting MASTER (keepalived wantstate = BACKUP).
      this.heldForGroup = false;
      return;
    }
    // Preempt: discard, leaving Master_Down_Timer running so we take over when it fires.
    this.log('info', `(${this.name}) received lower priority (${advert.priority}) advert from ${advert.source} - discarding`, { from: advert.source, reason: 'preempt' });
    this.timeoutReason = 'preempt';
  }

  /** RFC 5798 §6.4.3 / RFC 3768 §6.4.3 "If an ADVERTISEMENT is received"; keepalived `vrrp_state_master_rx`. */
  private masterReceives(advert: ReceivedAdvert): void {
    const addressOrder = this.compareWithOurs(advert.source);
    const isHigher = (): boolean =>
      advert.priority > this.effective || (advert.priority === this.effective && addressOrder > 0);

    if (advert.priority === 0 || (this.spec.higherPrioSendAdvert && isHigher())) {
      this.sendAdvert(this.effective);
      if (advert.priority === 0) {
        // RFC: send an advert and reset Adver_Timer so the resigning master's peers see us at once.
        this.log('debug', `(${this.name}) Master received priority 0 message`, { from: advert.source, reason: 'priority-0-advert' });
        this.arm('advert', this.advertMs());
        return;
      }
    }

    if (advert.priority === this.effective) {
      if (addressOrder === 0) {
        this.log('info', `(${this.name}) WARNING - equal priority advert received from remote host with our IP address.`);
      } else if (this.effective === PRIORITY_OWNER) {
        // keepalived: two owners is a configuration error; it steps down to 254 to break the tie.
        this.log(
          'info',
          `(${this.name}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`,
        );
        this.basePriority = PRIORITY_OWNER - 1;
        this.effective = PRIORITY_OWNER - 1;
      }
    }

    if (advert.priority < this.effective || (advert.priority === this.effective && addressOrder < 0)) {
      // RFC: discard. keepalived (default) answers with an advert of its own, "forcing new
      // election" so the lower router sees us and returns to Backup; `lower_prio_no_advert`
      // restores the RFC behaviour.
      const forcing = this.spec.lowerPrioNoAdvert ? '' : ', forcing new election';
      this.log(
        'info',
        `(${this.name}) Received advert from ${advert.source} with lower priority ${advert.priority}, ours ${this.effective}${forcing}`,
        { from: advert.source, reason: 'lower-priority-advert' },
      );
      if (!this.spec.lowerPrioNoAdvert) {
        this.sendAdvert(this.effective);
        this.arm('advert', this.advertMs());
      }
      if (this.spec.garp.lowerPrioRepeat > 0) {
        this.sendGarp(this.spec.garp.lowerPrioRepeat);
        if (this.spec.garp.lowerPrioDelayMs > 0) this.arm('garp-lower-prio', this.spec.garp.lowerPrioDelayMs);
      }
      return;
    }

    if (isHigher()) {
      const reason: TransitionReason = advert.priority > this.effective ? 'higher-priority-advert' : 'higher-address-advert';
      if (reason === 'higher-priority-advert') {
        this.log(
          'info',
          `(${this.name}) Master received advert from ${advert.source} with higher priority ${advert.priority}, ours ${this.effective}`,
          { from: advert.source, reason },
        );
      } else {
        this.log(
          'info',
          `(${this.name}) Master received advert from ${advert.source} with same priority ${advert.priority} but higher IP address than ours`,
          { from: advert.source, reason },
        );
      }
      if (this.spec.version === 3) this.masterAdverIntervalCs = advert.advertIntervalCs; // RFC 5798 §6.4.3
      this.lastMaster = { address: advert.source, priority: advert.priority };
      this.leaveMaster('BACKUP', reason);
    }
  }

  private onTimer(timer: TimerName): void {
    // A timer we did not arm (or cancelled since) is stale: the runtime raced a cancel.
    if (!this.armed.has(timer)) return;
    this.armed.delete(timer);
    switch (timer) {
      case 'master-down':
        if (this.currentState !== 'BACKUP') return;
        this.log('debug', `(${this.name}) Receive advertisement timeout`);
        this.becomeMaster(this.timeoutReason, true);
        return;
      case 'advert':
        if (this.currentState !== 'MASTER') return;
        this.sendAdvert(this.effective);
        this.arm('advert', this.advertMs());
        return;
      case 'garp-delay':
        if (this.currentState === 'MASTER') this.sendGarp(this.spec.garp.masterRepeat);
        return;
      case 'garp-refresh':
        if (this.currentState !== 'MASTER') return;
        this.sendGarp(this.spec.garp.refreshRepeat);
        this.arm('garp-refresh', this.spec.garp.masterRefreshMs);
        return;
      case 'garp-lower-prio':
        if (this.currentState === 'MASTER') this.sendGarp(this.spec.garp.lowerPrioRepeat);
        return;
    }
  }

  private onTrackerWeight(weight: number): void {
    this.trackerWeight = weight;
    this.updateEffectivePriority();
  }

  /**
   * A reload's new base priority and VIP list, applied to the running machine. A new
   * priority works as a tracker weight change does: a Backup's Master_Down_Timer moves with
   * Skew_Time, a Master carries it in its next advert, and the election then runs by the
   * normal protocol (a Backup with preempt takes over on the master's next lower advert; a
   * Master outranked is preempted by its peer). The address owner's priority cannot move
   * in place (its start-up, accept and preempt rules differ): the runtime restarts it.
   */
  private onReconfigure(basePriority: number, vips: readonly string[]): void {
    const ownerChange = basePriority !== this.basePriority && (basePriority === PRIORITY_OWNER || this.isOwner());
    if (ownerChange || !Number.isInteger(basePriority) || basePriority < 1 || basePriority > PRIORITY_OWNER) {
      this.log('warning', `(${this.name}) priority ${this.basePriority} -> ${basePriority} cannot be applied in place - ignored`);
    } else {
      this.basePriority = basePriority;
    }
    this.currentSpec = { ...this.currentSpec, basePriority: this.basePriority, vips: [...vips] };
    this.updateEffectivePriority();
  }

  /** keepalived vrrp_track.c `vrrp_set_effective_priority`. */
  private updateEffectivePriority(): void {
    if (this.basePriority === PRIORITY_OWNER) return; // the owner's priority never moves
    const wanted = Math.min(PRIORITY_MAX_TRACKED, Math.max(PRIORITY_MIN_TRACKED, this.basePriority + this.trackerWeight));
    if (wanted === this.effective) return;
    this.log('info', `(${this.name}) Changing effective priority from ${this.effective} to ${wanted}`);
    const oldSkewUs = this.skewUs();
    this.effective = wanted;
    const due = this.armed.get('master-down');
    if (this.currentState === 'BACKUP' && due !== undefined) {
      // Master_Down_Interval = n * interval + Skew_Time, so a new priority moves the running
      // timer by the change in Skew_Time (keepalived shifts `sands` the same way).
      const shiftUs = this.skewUs() - oldSkewUs;
      this.arm('master-down', Math.max(0, due - this.now + shiftUs / 1000));
    }
    // A Master carries the new priority in its next advert; keepalived sends none early.
  }

  private onFaultSource(apply: () => boolean, downReason: 'link-down' | 'tracker-fault'): void {
    const wasFaulty = this.hasOwnFault;
    const changed = apply();
    if (!changed) return;
    const isFaulty = this.hasOwnFault;
    if (!wasFaulty && isFaulty) {
      // keepalived vrrp_track.c `down_instance`, on the first fault only.
      if (this.currentState === 'MASTER') this.leaveMaster('FAULT', downReason);
      else if (this.currentState === 'BACKUP') this.backupToFault(downReason);
      // INIT: remembered for startup. FAULT (held by the group): now a fault of our own.
    } else if (wasFaulty && !isFaulty && this.currentState === 'FAULT') {
      this.leaveFault();
    }
  }

  /**
   * RFC 5798 §6.4.2/§6.4.3 "If a Shutdown event is received". keepalived: only a Master sends
   * the priority 0 advert and drops its VIPs (vrrp.c `restore_vrrp_interfaces`); every
   * instance's notify script is told STOP.
   */
  private onShutdown(): void {
    const from = this.currentState;
    if (from === 'INIT') return;
    this.cancelAll();
    this.transition('INIT', 'shutdown');
    if (from === 'MASTER') {
      this.sendAdvert(0);
      this.log('debug', `(${this.name}) sent 0 priority`);
      this.out.push({ type: 'remove-vips', vips: this.spec.vips });
    }
    this.heldForGroup = false;
    this.preemptDueMs = undefined;
    this.notify('STOP');
  }

  /** Transitions forced by the sync group (keepalived vrrp_sync.c `vrrp_sync_master/backup/fault`). */
  private onSyncGroup(to: SyncGroupTarget): void {
    switch (to) {
      case 'MASTER':
        if (this.currentState === 'BACKUP' && !this.hasOwnFault) this.becomeMaster('sync-group', false);
        return;
      case 'BACKUP':
        if (this.currentState === 'MASTER') this.leaveMaster('BACKUP', 'sync-group');
        else if (this.currentState === 'FAULT' && !this.hasOwnFault) this.faultToBackup('sync-group');
        return;
      case 'FAULT':
        if (this.currentState === 'MASTER') this.leaveMaster('FAULT', 'sync-group');
        else if (this.currentState === 'BACKUP') this.backupToFault('sync-group');
        return;
    }
  }

  // --- transitions --------------------------------------------------------------------------

  /**
   * → Master (RFC 5798 §6.4.2 "If the Master_Down_Timer fires"; keepalived `vrrp_state_goto_master`
   * and `vrrp_state_master_tx`). Returns false when the sync group holds us in Backup.
   */
  private becomeMaster(reason: TransitionReason, askGroup: boolean): boolean {
    if (askGroup && this.gate && !this.gate.mayBecomeMaster(this.name)) {
      // keepalived: stay Backup wanting MASTER, re-arm the full Master_Down_Interval, retry then.
      if (this.currentState === 'INIT') this.transition('BACKUP', 'startup');
      this.heldForGroup = true;
      this.log('debug', `(${this.name}) sync group ${this.gate.groupName} not ready for MASTER - staying BACKUP`);
      this.arm('master-down', this.masterDownMs());
      return false;
    }
    this.cancel('master-down');
    this.heldForGroup = false;
    this.preemptDueMs = undefined;
    this.timeoutReason = 'master-down-timer';
    this.masterAdverIntervalCs = this.spec.advertIntervalCs;
    this.transition('MASTER', reason);
    // keepalived sends the advert first so the old master drops the VIPs before our GARPs.
    this.sendAdvert(this.effective);
    this.log('info', `(${this.name}) Entering MASTER STATE`);
    this.out.push({ type: 'add-vips', vips: this.spec.vips, accept: this.spec.accept });
    this.sendGarp(this.spec.garp.masterRepeat);
    this.notify('MASTER');
    this.arm('advert', this.advertMs());
    if (this.spec.garp.masterDelayMs > 0) this.arm('garp-delay', this.spec.garp.masterDelayMs);
    if (this.spec.garp.masterRefreshMs > 0) this.arm('garp-refresh', this.spec.garp.masterRefreshMs);
    return true;
  }

  /** Master → Backup or Fault (keepalived `vrrp_state_leave_master`). */
  private leaveMaster(to: 'BACKUP' | 'FAULT', reason: TransitionReason): void {
    this.cancel('advert');
    this.cancel('garp-delay');
    this.cancel('garp-refresh');
    this.cancel('garp-lower-prio');
    this.transition(to, reason);
    this.log('info', `(${this.name}) Entering ${to} STATE`);
    // keepalived: a master entering Fault still resigns with a priority 0 advert so the backup
    // takes over after Skew_Time rather than Master_Down_Interval. (It sends two; one suffices.)
    if (to === 'FAULT') this.sendAdvert(0);
    this.out.push({ type: 'remove-vips', vips: this.spec.vips });
    this.notify(to);
    this.heldForGroup = false;
    this.timeoutReason = 'master-down-timer';
    if (to === 'BACKUP') {
      this.preemptDueMs = undefined;
      this.arm('master-down', this.masterDownMs());
    }
  }

  private backupToFault(reason: TransitionReason): void {
    this.cancel('master-down');
    this.transition('FAULT', reason);
    this.log('info', `(${this.name}) Entering FAULT STATE`);
    this.notify('FAULT');
    this.heldForGroup = false;
  }

  /** keepalived `try_up_instance` → `vrrp_state_leave_fault`. */
  private leaveFault(): void {
    if (this.gate && !this.gate.mayLeaveFault(this.name)) {
      this.log('debug', `(${this.name}) sync group ${this.gate.groupName} still in FAULT - staying FAULT`);
      return;
    }
    this.masterAdverIntervalCs = this.spec.advertIntervalCs;
    if (this.isOwner() && this.spec.initialState === 'MASTER') {
      if (this.gate && !this.gate.mayBecomeMaster(this.name)) {
        this.faultToBackup('fault-cleared');
        this.heldForGroup = true;
        return;
      }
      this.becomeMaster('address-owner', false);
      return;
    }
    this.faultToBackup('fault-cleared');
  }

  private faultToBackup(reason: TransitionReason): void {
    this.masterAdverIntervalCs = this.spec.advertIntervalCs;
    this.preemptDueMs = undefined;
    this.timeoutReason = 'master-down-timer';
    this.transition('BACKUP', reason);
    this.log('info', `(${this.name}) Entering BACKUP STATE`);
    this.notify('BACKUP');
    this.arm('master-down', this.masterDownMs());
  }

  // --- helpers ------------------------------------------------------------------------------

  private transition(to: VrrpState, reason: TransitionReason): void {
    const from = this.currentState;
    this.currentState = to;
    this.out.push({ type: 'state-changed', from, to, reason });
  }

  private faultReason(): 'link-down' | 'tracker-fault' {
    return this.linkUp ? 'tracker-fault' : 'link-down';
  }

  private isOwner(): boolean {
    return this.basePriority === PRIORITY_OWNER;
  }

  private compareWithOurs(source: string): -1 | 0 | 1 {
    try {
      return compareAddresses(source, this.spec.primaryAddress);
    } catch {
      return 0; // an unparsable source cannot win a tie-break; the receive path should not let it through
    }
  }

  private skewUs(): number {
    return skewTimeUs(this.spec.version, this.effective, this.masterAdverIntervalCs);
  }

  private masterDownMs(): number {
    return usToMs(
      masterDownIntervalUs(this.spec.version, this.effective, this.masterAdverIntervalCs, this.spec.downTimerAdverts),
    );
  }

  private advertMs(): number {
    return centisecondsToMs(this.spec.advertIntervalCs);
  }

  private sendAdvert(priority: number): void {
    this.out.push({ type: 'send-advert', priority, advertIntervalCs: this.spec.advertIntervalCs });
  }

  private sendGarp(repeat: number): void {
    if (repeat > 0 && this.spec.vips.length > 0) this.out.push({ type: 'send-garp', vips: this.spec.vips, repeat });
  }

  private notify(state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'): void {
    this.out.push({ type: 'notify', state, priority: this.effective });
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    this.out.push(fields === undefined ? { type: 'log', level, message } : { type: 'log', level, message, fields });
  }

  private arm(timer: TimerName, delayMs: number): void {
    this.armed.set(timer, this.now + delayMs);
    this.out.push({ type: 'set-timer', timer, delayMs });
  }

  private cancel(timer: TimerName): void {
    if (!this.armed.delete(timer)) return;
    this.out.push({ type: 'cancel-timer', timer });
  }

  private cancelAll(): void {
    for (const timer of [...this.armed.keys()]) this.cancel(timer);
  }
}

/** keepalived prints preempt_delay as seconds with six decimals ("5.000000"). */
function formatSeconds(ms: number): string {
  const us = ms * 1000;
  return `${Math.trunc(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}
