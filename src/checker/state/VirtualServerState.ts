import type { RealServer, SorryServer, VirtualServer } from '../../config/model/VirtualServer.js';
import { IPVS_WEIGHT_LIMIT } from '../../config/model/KeepalivedDefaults.js';
import type { CheckerVerdict, QuorumState, RealServerDesiredState, SorryServerDesiredState, VirtualServerDesiredState } from '../CheckerOutput.js';
import type { ProbeFailureReason } from '../probe/ProbeOutcome.js';
import type { CarriedRealServer, CarriedVirtualServer } from './CheckerStateCarryOver.js';
import type { ServiceEffects } from './ServiceEffects.js';
import { formatService, formatVirtualServer } from './ServiceText.js';

/** A checker as its real server sees it (keepalived checker_t is_up / has_run / cur_weight). */
interface CheckerView {
  up: boolean;
  ran: boolean;
  readonly alpha: boolean;
  /** The plan fingerprint, so a successor can tell it is the same checker. */
  readonly plan: string;
  /** misc_dynamic weight delta (2.2.7: effective weight = weight + sum of these). */
  curWeight: number;
}

interface RealServerRuntime {
  readonly cfg: RealServer;
  readonly text: string;
  readonly port: number | null;
  readonly inhibit: boolean;
  effectiveWeight: number;
  /** Health verdict (rs->alive). */
  alive: boolean;
  /** Present in the IPVS service (rs->set). */
  set: boolean;
  /** Present with weight 0 because inhibit_on_failure holds it. */
  zeroed: boolean;
  failed: number;
  readonly checkers: CheckerView[];
  reason: ProbeFailureReason | 'alpha' | null;
  since: number;
  lastCheck: number | null;
}

interface SorryRuntime {
  readonly cfg: SorryServer;
  readonly text: string;
  readonly port: number | null;
  alive: boolean;
  set: boolean;
  zeroed: boolean;
  since: number;
}

/** check_data.c: a sorry server gets the default real server weight. */
const SORRY_SERVER_WEIGHT = 1;

/** check_data.h real_weight(): effective weights are clamped into what IPVS accepts. */
function realWeight(w: number): number {
  return w <= 0 ? 0 : Math.min(w, IPVS_WEIGHT_LIMIT);
}

/**
 * One virtual server's pool logic, a transcription of keepalived 2.2.7 ipwrapper.c
 * (perform_svr_state, update_quorum_state, perform_quorum_state, update_svr_wgt,
 * update_svr_checker_state, init_service_vs, clear_service_vs) and of the desired-state side
 * of ipvswrapper.c ipvs_cmd (inhibit_on_failure turns a removal into weight 0). Pure: time
 * comes in as arguments, decisions go out through `ServiceEffects`.
 */
export class VirtualServerState {
  readonly text: string;
  private readonly rs: RealServerRuntime[];
  private readonly sorry: SorryRuntime | null;
  private readonly quorum: number;
  private readonly hysteresis: number;
  private quorumUp = false;
  private quorumSince: number;
  private active = true;
  private dirty = false;

  constructor(
    readonly cfg: VirtualServer,
    readonly configIndex: number,
    /** Checker block indexes per real server that Vigil runs (unsupported ones are left out). */
    checkerAlpha: readonly (readonly boolean[])[],
    private readonly effects: ServiceEffects,
    now: number,
    /** Plan fingerprints, parallel to `checkerAlpha` (CheckerPlanSet.checkerFingerprints). */
    checkerFingerprints: readonly (readonly string[])[] = [],
  ) {
    this.text = formatVirtualServer(cfg);
    const vsPort = cfg.key.kind === 'address' ? cfg.key.port : null;
    this.rs = cfg.realServers.map((r, i) => {
      const port = r.port ?? vsPort;
      const checkers = (checkerAlpha[i] ?? []).map((alpha, c) => ({ up: !alpha, ran: false, alpha, plan: checkerFingerprints[i]?.[c] ?? '', curWeight: 0 }));
      const failed = checkers.filter((c) => !c.up).length;
      return {
        cfg: r,
        text: formatService(r.address, cfg.protocol, port),
        port,
        inhibit: r.inhibitOnFailure,
        effectiveWeight: r.weight,
        alive: false,
        set: false,
        zeroed: false,
        failed,
        checkers,
        reason: failed > 0 ? 'alpha' : null,
        since: now,
        lastCheck: null,
      };
    });
    const s = cfg.sorryServer;
    this.sorry = s ? { cfg: s, text: formatService(s.address, cfg.protocol, s.port ?? vsPort), port: s.port ?? vsPort, alive: false, set: false, zeroed: false, since: now } : null;

    // check_data.c validate_check_config: a quorum above the total weight could never be met,
    // and hysteresis must stay below the quorum.
    const total = this.rs.reduce((sum, r) => sum + r.effectiveWeight, 0);
    let quorum = cfg.quorum;
    if (quorum > total) {
      this.effects.log('warn', `Warning - quorum ${quorum} for ${this.text} exceeds total weight of real servers ${total}, reducing quorum to ${total}`, { vs: this.text });
      quorum = total;
    }
    let hysteresis = cfg.hysteresis;
    if (quorum > 0 && hysteresis >= quorum) {
      this.effects.log('warn', `Virtual server ${this.text}: hysteresis ${hysteresis} >= quorum ${quorum}; setting hysteresis to ${quorum - 1}`, { vs: this.text });
      hysteresis = quorum - 1;
    } else if (quorum === 0) hysteresis = 0;
    this.quorum = quorum;
    this.hysteresis = hysteresis;
    this.quorumSince = now;
  }

  /**
   * Start-up: check_data.c set_quorum_states, then ipwrapper.c init_service_vs. With
   * `carried` (a reload, a respawned checker process) the virtual server continues from its
   * predecessor's state instead; see `resume`.
   */
  init(now: number, carried: CarriedVirtualServer | null = null): void {
    if (carried !== null) {
      this.resume(carried, now);
      return;
    }
    this.quorumUp = this.weightSum() >= this.quorum + this.hysteresis;
    for (const r of this.rs) {
      // Alpha servers stay out until a check passes, unless inhibit_on_failure adds them at weight 0.
      if ((r.failed === 0 && !r.alive) || (r.inhibit && !r.set)) {
        this.ipvsAdd(r, now);
        if (r.failed === 0) this.setAlive(r, true, now);
      }
    }
    this.updateQuorum(true, now);
    const s = this.sorry;
    if (s && s.cfg.inhibit && !s.set) {
      // A sorry server with sorry_server_inhibit is always present, at weight 0 until needed.
      s.set = true;
      s.zeroed = true;
      s.since = now;
    }
    this.dirty = true;
  }

  /**
   * Continues from a predecessor's state without announcing it again: carried real servers
   * keep their verdicts, health and IPVS presence silently (no log, no notify); new ones start
   * as at a fresh start (alpha: down, else up). The quorum starts where it was, then is
   * re-evaluated once, which announces a change the new membership really causes.
   */
  private resume(carried: CarriedVirtualServer, now: number): void {
    this.rs.forEach((r, i) => {
      const c = carried.realServers[i];
      if (c) this.resumeRealServer(r, c);
      else if (r.failed === 0) this.setAlive(r, true, now);
    });
    this.quorumUp = carried.quorumUp;
    this.quorumSince = carried.quorumSince;
    const s = this.sorry;
    if (s && carried.sorryServer) {
      s.alive = carried.sorryServer.active;
      s.set = s.alive || s.cfg.inhibit;
      s.zeroed = s.set && !s.alive;
      s.since = carried.sorryServer.since;
    }
    // ipvswrapper.c: out of the pool while down or while the sorry server stands in; at weight 0 instead when inhibited.
    const holds = this.sorryHolds();
    for (const r of this.rs) {
      const inPool = r.alive && !holds;
      r.set = inPool || r.inhibit;
      r.zeroed = r.set && !inPool;
    }
    this.updateQuorum(true, now);
    if (s && s.cfg.inhibit && !s.set) {
      s.set = true;
      s.zeroed = true;
      s.since = now;
    }
    this.dirty = true;
  }

  private resumeRealServer(r: RealServerRuntime, c: CarriedRealServer): void {
    r.checkers.forEach((view, i) => {
      const v = c.verdicts[i];
      if (!v) return;
      view.up = v.up;
      view.ran = v.ran;
      view.curWeight = v.weightDelta;
    });
    r.failed = r.checkers.filter((v) => !v.up).length;
    r.effectiveWeight = r.cfg.weight + r.checkers.reduce((sum, v) => sum + v.curWeight, 0);
    // rs->alive follows the checkers: up when none has failed.
    r.alive = r.failed === 0;
    r.reason = r.alive ? null : (c.reason ?? 'alpha');
    r.since = c.since;
    r.lastCheck = c.lastCheck;
  }

  /**
   * A checker reports (ipwrapper.c update_svr_checker_state). `reason` is the failure that
   * made it report down.
   */
  checkerReport(rsIndex: number, checkerIndex: number, alive: boolean, reason: ProbeFailureReason | null, now: number): void {
    const r = this.rs[rsIndex];
    const c = r?.checkers[checkerIndex];
    if (!r || !c) return;
    if (!alive && !r.alive && reason !== null) r.reason = reason;
    if (c.up === alive) {
      if (!c.ran) {
        // First result, and it confirms the initial state: alpha servers announce they are down.
        if (c.alpha || !alive) this.notifyRealServer(r);
        c.ran = true;
      }
      return;
    }
    c.ran = true;
    if (alive) {
      if (r.failed <= 1) this.performServerState(r, true, null, now);
    } else if (r.failed === 0) this.performServerState(r, false, reason, now);
    c.up = alive;
    r.failed += alive ? -1 : 1;
    if (r.failed < 0) r.failed = 0;
  }

  /**
   * A MISC_CHECK returned a new success status (check_misc.c 2.2.7): with misc_dynamic, 2..255
   * moves the weight by status - 2 - weight (one such checker sets it to status - 2); 0 takes
   * its adjustment back.
   */
  checkerExitCode(rsIndex: number, checkerIndex: number, exitCode: number, now: number): void {
    const r = this.rs[rsIndex];
    const c = r?.checkers[checkerIndex];
    if (!r || !c) return;
    const weight = r.effectiveWeight - c.curWeight;
    c.curWeight = exitCode >= 2 && exitCode <= 255 ? exitCode - 2 - r.cfg.weight : 0;
    this.updateWeight(r, weight + c.curWeight, now);
  }

  /** A MISC_CHECK failed: keepalived drops its weight adjustment without logging or re-counting the quorum. */
  checkerWeightReset(rsIndex: number, checkerIndex: number): void {
    const r = this.rs[rsIndex];
    const c = r?.checkers[checkerIndex];
    if (!r || !c || c.curWeight === 0) return;
    r.effectiveWeight -= c.curWeight;
    c.curWeight = 0;
    if (r.set && !r.zeroed) this.dirty = true;
  }

  /** Stamps the time of a probe result (shown in snapshots, no event). */
  recordCheck(rsIndex: number, wallNow: number): void {
    const r = this.rs[rsIndex];
    if (r) r.lastCheck = wallNow;
  }

  get checkersActive(): boolean {
    return this.active;
  }

  /** Whether a checker's latest report to this real server was "up" (`null`: no such checker). */
  checkerUp(rsIndex: number, checkerIndex: number): boolean | null {
    return this.rs[rsIndex]?.checkers[checkerIndex]?.up ?? null;
  }

  /** Whether a checker has reported to this real server (`false`: no such checker). */
  checkerRan(rsIndex: number, checkerIndex: number): boolean {
    return this.rs[rsIndex]?.checkers[checkerIndex]?.ran ?? false;
  }

  /** ha_suspend: whether the checkers run (shown in the output). */
  setCheckersActive(active: boolean): void {
    if (this.active !== active) {
      this.active = active;
      this.dirty = true;
    }
  }

  /**
   * Daemon stop (ipwrapper.c clear_service_vs with stopping, lvs_flush_on_stop off): every
   * destination goes, and with `omega` the down notifiers of healthy servers and quorum_down run.
   */
  shutdown(now: number): void {
    const s = this.sorry;
    if (s && s.set) {
      s.set = false;
      s.zeroed = false;
      s.alive = false;
      s.since = now;
    }
    for (const r of this.rs) {
      this.effects.log('info', `Shutting down ${r.inhibit && !r.alive ? '(inhibited) ' : ''}service ${r.text} from VS ${this.text}`, { vs: this.text, rs: r.text });
      if (!r.set) continue;
      r.set = false;
      r.zeroed = false;
      r.since = now;
      if (!r.alive) continue;
      r.alive = false;
      if (this.cfg.omega) this.notifyRealServer(r);
    }
    this.quorumUp = false;
    this.quorumSince = now;
    if (this.cfg.omega && this.cfg.quorumDown) {
      this.effects.notify({ kind: 'quorum_down', queueKey: this.text, command: this.cfg.quorumDown, vs: this.text, rs: null });
    }
    this.dirty = true;
  }

  /** `true` once if anything in the desired state changed since the last call. */
  takeDirty(): boolean {
    const d = this.dirty;
    this.dirty = false;
    return d;
  }

  realServerText(rsIndex: number): string {
    return this.rs[rsIndex]?.text ?? '';
  }

  snapshot(): VirtualServerDesiredState {
    const quorum: QuorumState = { up: this.quorumUp, weightSum: this.weightSum(), quorum: this.quorum, hysteresis: this.hysteresis, since: this.quorumSince };
    const s = this.sorry;
    const sorryServer: SorryServerDesiredState | null = s
      ? { rs: s.text, address: s.cfg.address, port: s.port, active: s.alive, inPool: s.set, weight: s.set && !s.zeroed ? SORRY_SERVER_WEIGHT : 0, since: s.since }
      : null;
    return {
      vs: this.text,
      key: this.cfg.key,
      configIndex: this.configIndex,
      checkersActive: this.active,
      quorum,
      sorryServer,
      realServers: this.rs.map((r): RealServerDesiredState => ({
        rs: r.text,
        address: r.cfg.address,
        port: r.port,
        up: r.alive,
        inPool: r.set,
        weight: r.set && !r.zeroed ? realWeight(r.effectiveWeight) : 0,
        configuredWeight: r.cfg.weight,
        reason: r.alive ? null : r.reason,
        since: r.since,
        lastCheck: r.lastCheck,
        checkers: r.checkers.length,
        failedCheckers: r.failed,
        checkerStates: r.checkers.map((c): CheckerVerdict => ({ plan: c.plan, up: c.up, ran: c.ran, weightDelta: c.curWeight })),
      })),
    };
  }

  // ---- ipwrapper.c ----

  private weightSum(): number {
    return this.rs.reduce((sum, r) => (r.alive ? sum + realWeight(r.effectiveWeight) : sum), 0);
  }

  /** The sorry server is in and the quorum is down: real servers are kept out of IPVS. */
  private sorryHolds(): boolean {
    return !this.quorumUp && this.sorry !== null && this.sorry.alive;
  }

  private performServerState(r: RealServerRuntime, alive: boolean, reason: ProbeFailureReason | null, now: number): void {
    if (r.alive === alive) return;
    const verb = alive ? (r.inhibit ? 'Enabling' : 'Adding') : r.inhibit ? 'Disabling' : 'Removing';
    const prep = r.inhibit ? 'of' : alive ? 'to' : 'from';
    this.effects.log('info', `${verb} service ${r.text} ${prep} VS ${this.text}`, { vs: this.text, rs: r.text, up: alive, ...(reason ? { reason } : {}) });
    if (!this.sorryHolds()) {
      if (alive) this.ipvsAdd(r, now);
      else this.ipvsDel(r, now);
    }
    this.setAlive(r, alive, now);
    if (!alive && reason) r.reason = reason;
    this.notifyRealServer(r);
    this.updateQuorum(false, now);
  }

  private updateQuorum(init: boolean, now: number): void {
    const weightSum = this.weightSum();
    const threshold = this.quorum + (this.quorumUp ? -1 : 1) * this.hysteresis;
    const vs = this.text;
    const s = this.sorry;
    if (!this.quorumUp && weightSum >= threshold) {
      this.quorumUp = true;
      this.quorumSince = now;
      this.dirty = true;
      this.effects.log('info', `Gained quorum ${this.quorum}+${this.hysteresis}=${threshold} <= ${weightSum} for VS ${vs}`, { vs, quorum: 'up' });
      if (s && s.alive) {
        this.effects.log('info', `${s.cfg.inhibit ? 'Disabling' : 'Removing'} sorry server ${s.text} from VS ${vs}`, { vs, rs: s.text });
        this.sorryDel(s, now);
        s.alive = false;
        this.performQuorumState(true, now);
      }
      this.notifyQuorum();
    } else if ((this.quorumUp && (weightSum === 0 || weightSum < threshold)) || (init && !this.quorumUp && s !== null && !s.alive)) {
      this.quorumUp = false;
      this.quorumSince = now;
      this.dirty = true;
      this.effects.log('info', `${init ? 'Starting with quorum down' : 'Lost quorum'} ${this.quorum}-${this.hysteresis}=${threshold} > ${weightSum} for VS ${vs}`, { vs, quorum: 'down' });
      if (s && !s.alive) {
        this.effects.log('info', `${s.cfg.inhibit ? 'Enabling' : 'Adding'} sorry server ${s.text} to VS ${vs}`, { vs, rs: s.text });
        this.performQuorumState(false, now);
        this.sorryAdd(s, now);
        s.alive = true;
      }
      this.notifyQuorum();
    }
  }

  private performQuorumState(add: boolean, now: number): void {
    this.effects.log('info', `${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${this.text}`, { vs: this.text });
    for (const r of this.rs) {
      if (!r.alive) continue;
      if (add) this.ipvsAdd(r, now);
      else this.ipvsDel(r, now);
    }
  }

  private updateWeight(r: RealServerRuntime, weight: number, now: number): void {
    const before = realWeight(r.effectiveWeight);
    const after = realWeight(weight);
    r.effectiveWeight = weight;
    if (before === after) return;
    this.effects.log('info', `Changing weight from ${before} to ${after} for ${r.alive ? '' : 'in'}active service ${r.text} of VS ${this.text}`, { vs: this.text, rs: r.text, weight: after });
    if (r.set && !r.zeroed && r.alive) {
      r.since = now;
      this.dirty = true;
    }
    this.updateQuorum(false, now);
  }

  private notifyRealServer(r: RealServerRuntime): void {
    const command = r.alive ? r.cfg.notifyUp : r.cfg.notifyDown;
    if (command) this.effects.notify({ kind: r.alive ? 'notify_up' : 'notify_down', queueKey: `${this.text} ${r.text}`, command, vs: this.text, rs: r.text });
  }

  private notifyQuorum(): void {
    const command = this.quorumUp ? this.cfg.quorumUp : this.cfg.quorumDown;
    if (command) this.effects.notify({ kind: this.quorumUp ? 'quorum_up' : 'quorum_down', queueKey: this.text, command, vs: this.text, rs: null });
  }

  private setAlive(r: RealServerRuntime, alive: boolean, now: number): void {
    if (r.alive === alive) return;
    r.alive = alive;
    if (alive) r.reason = null;
    r.since = now;
    this.dirty = true;
  }

  // ---- ipvswrapper.c ipvs_cmd, desired-state side ----

  private ipvsAdd(r: RealServerRuntime, now: number): void {
    if (r.inhibit && r.set) {
      if (r.zeroed) this.touch(r, now);
      r.zeroed = false;
    } else if (!r.set) {
      r.set = true;
      r.zeroed = r.inhibit && r.failed > 0;
      this.touch(r, now);
    }
  }

  private ipvsDel(r: RealServerRuntime, now: number): void {
    if (r.inhibit) {
      if (!r.zeroed) this.touch(r, now);
      r.zeroed = true;
    } else if (r.set) {
      r.set = false;
      this.touch(r, now);
    }
  }

  private sorryAdd(s: SorryRuntime, now: number): void {
    if (s.cfg.inhibit && s.set) s.zeroed = false;
    else s.set = true;
    s.since = now;
    this.dirty = true;
  }

  private sorryDel(s: SorryRuntime, now: number): void {
    if (s.cfg.inhibit) s.zeroed = true;
    else s.set = false;
    s.since = now;
    this.dirty = true;
  }

  private touch(r: RealServerRuntime, now: number): void {
    r.since = now;
    this.dirty = true;
  }
}
