import { isIPv4, isIPv6 } from 'node:net';
import { DEFAULT_DOWN_TIMER_ADVERTS } from './VrrpTimerMath.js';

/** RFC 3768 §5.3.4 / RFC 5798 §5.2.4: 255 is the address owner, 0 means "stop". */
export const PRIORITY_OWNER = 255;
/** keepalived clamps tracked priorities into 1..254 (vrrp_track.c `vrrp_set_effective_priority`). */
export const PRIORITY_MIN_TRACKED = 1;
export const PRIORITY_MAX_TRACKED = 254;

/** Gratuitous ARP / unsolicited NA timings, keepalived's `garp_*` keywords. */
export interface GarpTimings {
  /** `garp_master_delay`: delay of the second burst after becoming master; 0 = none. */
  readonly masterDelayMs: number;
  /** `garp_master_repeat`: GARPs per VIP in each burst on becoming master. */
  readonly masterRepeat: number;
  /** `garp_master_refresh`: period of refresh bursts while master; 0 = none. */
  readonly masterRefreshMs: number;
  /** `garp_master_refresh_repeat`: GARPs per VIP in each refresh burst. */
  readonly refreshRepeat: number;
  /** `garp_lower_prio_delay`: delay of the second burst after hearing a lower-priority advert. */
  readonly lowerPrioDelayMs: number;
  /** `garp_lower_prio_repeat`: GARPs per VIP on hearing a lower-priority advert; 0 = none. */
  readonly lowerPrioRepeat: number;
}

/**
 * keepalived 2.2.7 defaults (include/vrrp.h VRRP_GARP_DELAY 5 s, VRRP_GARP_REP 5,
 * VRRP_GARP_REFRESH 0, VRRP_GARP_REFRESH_REP 1; vrrp.c makes the lower_prio values default
 * to garp_master_repeat / garp_master_delay outside strict mode).
 */
export const KEEPALIVED_GARP_DEFAULTS: GarpTimings = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  refreshRepeat: 1,
  lowerPrioDelayMs: 5000,
  lowerPrioRepeat: 5,
};

/** What the state machine needs to know about one `vrrp_instance`. */
export interface InstanceSpec {
  readonly name: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: 'ipv4' | 'ipv6';
  /** Configured priority 1..255 (255 = address owner). */
  readonly basePriority: number;
  /** Our advertisement interval in centiseconds (v2: whole seconds only, i.e. multiples of 100). */
  readonly advertIntervalCs: number;
  /** false for `nopreempt`. */
  readonly preempt: boolean;
  /** `preempt_delay` in ms; 0 = none. */
  readonly preemptDelayMs?: number;
  /** keepalived `state`; absent = derived from the priority (255 → MASTER, else BACKUP). */
  readonly initialState?: 'BACKUP' | 'MASTER';
  /** Our primary address on the interface: the advert source, used for the tie-break. */
  readonly primaryAddress: string;
  readonly vips: readonly string[];
  /**
   * RFC 5798 Accept_Mode (`accept` / `no_accept`). keepalived defaults it to true outside
   * strict mode (vrrp.c `vrrp_complete_instance`); the owner always accepts.
   */
  readonly accept?: boolean;
  readonly garp?: Partial<GarpTimings>;
  /** `lower_prio_no_advert`: a master does not answer a lower-priority advert with its own. */
  readonly lowerPrioNoAdvert?: boolean;
  /** `higher_prio_send_advert`: a master sends one advert before yielding to a higher priority. */
  readonly higherPrioSendAdvert?: boolean;
  /** `down_timer_adverts` (1..100): missed adverts before Master_Down fires; default 3. */
  readonly downTimerAdverts?: number;
}

/** The spec with every default applied and keepalived's consistency rules enforced. */
export interface ResolvedInstanceSpec {
  readonly name: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: 'ipv4' | 'ipv6';
  readonly basePriority: number;
  readonly advertIntervalCs: number;
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  readonly initialState: 'BACKUP' | 'MASTER';
  readonly primaryAddress: string;
  readonly vips: readonly string[];
  readonly accept: boolean;
  readonly garp: GarpTimings;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly downTimerAdverts: number;
}

export interface SpecProblem {
  /** Stable code, e.g. `VRRP_SPEC_VRID_RANGE`. */
  readonly code: string;
  readonly message: string;
}

export type SpecResolution =
  | { readonly ok: true; readonly spec: ResolvedInstanceSpec; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

/**
 * Validates a spec and applies keepalived 2.2.7's adjustments (vrrp.c `vrrp_complete_instance`):
 * - `nopreempt` is cleared for the address owner and for `state MASTER`;
 * - `preempt_delay` is cleared for `state MASTER` and with `nopreempt`.
 * Each adjustment yields a warning worded like keepalived's config error.
 */
export function resolveInstanceSpec(input: InstanceSpec): SpecResolution {
  const problems: SpecProblem[] = [];
  const problem = (code: string, message: string): void => {
    problems.push({ code, message: `(${input.name}) ${message}` });
  };

  if (input.name.trim() === '') problem('VRRP_SPEC_NAME', 'instance name is empty');
  if (!Number.isInteger(input.vrid) || input.vrid < 1 || input.vrid > 255) {
    // RFC 5798 §5.2.3: VRID 1..255.
    problem('VRRP_SPEC_VRID_RANGE', `virtual_router_id ${input.vrid} outside 1..255`);
  }
  if (input.version !== 2 && input.version !== 3) problem('VRRP_SPEC_VERSION', `version ${String(input.version)} is not 2 or 3`);
  if (!Number.isInteger(input.basePriority) || input.basePriority < 1 || input.basePriority > PRIORITY_OWNER) {
    problem('VRRP_SPEC_PRIORITY_RANGE', `priority ${input.basePriority} outside 1..255`);
  }
  if (!Number.isInteger(input.advertIntervalCs) || input.advertIntervalCs < 1 || input.advertIntervalCs > 4095) {
    // RFC 5798 §5.2.7: 12-bit Max Adver Int in centiseconds.
    problem('VRRP_SPEC_INTERVAL_RANGE', `advert interval ${input.advertIntervalCs} cs outside 1..4095`);
  } else if (input.version === 2 && (input.advertIntervalCs % 100 !== 0 || input.advertIntervalCs > 25500)) {
    // RFC 3768 §5.3.7: 8-bit Adver Int in whole seconds.
    problem('VRRP_SPEC_INTERVAL_V2', `VRRPv2 advert interval must be whole seconds, got ${input.advertIntervalCs} cs`);
  }
  const familyOk = input.family === 'ipv4' ? isIPv4(input.primaryAddress) : isIPv6(input.primaryAddress.split('%')[0] ?? '');
  if (!familyOk) problem('VRRP_SPEC_PRIMARY_ADDRESS', `primary address ${input.primaryAddress} is not an ${input.family} address`);
  if (input.family === 'ipv6' && input.version === 2) problem('VRRP_SPEC_V2_IPV6', 'VRRPv2 is IPv4 only (RFC 3768)');
  const downTimerAdverts = input.downTimerAdverts ?? DEFAULT_DOWN_TIMER_ADVERTS;
  if (!Number.isInteger(downTimerAdverts) || downTimerAdverts < 1 || downTimerAdverts > 100) {
    problem('VRRP_SPEC_DOWN_TIMER_ADVERTS', `down_timer_adverts ${downTimerAdverts} outside 1..100`);
  }
  const garp: GarpTimings = { ...KEEPALIVED_GARP_DEFAULTS, ...input.garp };
  for (const [key, value] of Object.entries(garp)) {
    if (!Number.isInteger(value) || value < 0) problem('VRRP_SPEC_GARP', `garp ${key} ${String(value)} is not a non-negative integer`);
  }
  const preemptDelayMs = input.preemptDelayMs ?? 0;
  if (!Number.isInteger(preemptDelayMs) || preemptDelayMs < 0) problem('VRRP_SPEC_PREEMPT_DELAY', `preempt_delay ${preemptDelayMs} ms is invalid`);
  if (problems.length > 0) return { ok: false, problems };

  const owner = input.basePriority === PRIORITY_OWNER;
  const initialState = input.initialState ?? (owner ? 'MASTER' : 'BACKUP');
  const warnings: string[] = [];
  let preempt = input.preempt;
  let delay = preemptDelayMs;
  if (owner && !preempt) {
    warnings.push(`(${input.name}) nopreempt is incompatible with priority 255. resetting nopreempt`);
    preempt = true;
  }
  if (initialState === 'MASTER') {
    if (!preempt) {
      warnings.push(`(${input.name}) Warning - nopreempt will not work with initial state MASTER - clearing`);
      preempt = true;
    }
    if (delay > 0) {
      warnings.push(`(${input.name}) Warning - preempt delay will not work with initial state MASTER - clearing`);
      delay = 0;
    }
  }
  if (delay > 0 && !preempt) {
    warnings.push(`(${input.name}) preempt_delay is incompatible with nopreempt mode - resetting`);
    delay = 0;
  }

  return {
    ok: true,
    warnings,
    spec: {
      name: input.name,
      vrid: input.vrid,
      version: input.version,
      family: input.family,
      basePriority: input.basePriority,
      advertIntervalCs: input.advertIntervalCs,
      preempt,
      preemptDelayMs: delay,
      initialState,
      primaryAddress: input.primaryAddress,
      vips: [...input.vips],
      accept: owner || (input.accept ?? true),
      garp,
      lowerPrioNoAdvert: input.lowerPrioNoAdvert ?? false,
      higherPrioSendAdvert: input.higherPrioSendAdvert ?? false,
      downTimerAdverts,
    },
  };
}
