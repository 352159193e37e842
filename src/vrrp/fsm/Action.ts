import type { NotifyState, TransitionReason, VrrpState } from './VrrpState.js';

/**
 * The timers one instance may have armed. The machine never runs them itself: it asks for
 * them with `set-timer` / `cancel-timer` and is told with a `timer-expired` event.
 * - `master-down`: RFC Master_Down_Timer (Backup only).
 * - `advert`: RFC Adver_Timer (Master only).
 * - `garp-delay`: keepalived `garp_master_delay`, the second GARP burst after becoming master.
 * - `garp-refresh`: keepalived `garp_master_refresh`, periodic GARPs while master.
 * - `garp-lower-prio`: keepalived `garp_lower_prio_delay`, the delayed GARP burst after a
 *   master hears a lower-priority advert.
 */
export type TimerName = 'master-down' | 'advert' | 'garp-delay' | 'garp-refresh' | 'garp-lower-prio';

export const TIMER_NAMES: readonly TimerName[] = ['master-down', 'advert', 'garp-delay', 'garp-refresh', 'garp-lower-prio'];

export type LogLevel = 'info' | 'warning' | 'debug';

/**
 * Structured fields a log line carries besides the instance and VRID, with stable keys for
 * log search: `from` is the sender of the advert the line is about, `reason` a stable code.
 */
export interface LogFields {
  readonly from?: string;
  readonly reason?: string;
}

/** Everything the machine asks its runtime to do. Executed in list order. */
export type Action =
  | { readonly type: 'send-advert'; readonly priority: number; readonly advertIntervalCs: number }
  | { readonly type: 'set-timer'; readonly timer: TimerName; readonly delayMs: number }
  | { readonly type: 'cancel-timer'; readonly timer: TimerName }
  /** `accept`: whether packets to the VIPs are accepted (RFC 5798 §6.1 Accept_Mode). */
  | { readonly type: 'add-vips'; readonly vips: readonly string[]; readonly accept: boolean }
  | { readonly type: 'remove-vips'; readonly vips: readonly string[] }
  /** Gratuitous ARP (IPv4) / unsolicited NA (IPv6) for each VIP, `repeat` rounds. */
  | { readonly type: 'send-garp'; readonly vips: readonly string[]; readonly repeat: number }
  | { readonly type: 'notify'; readonly state: NotifyState; readonly priority: number }
  | { readonly type: 'state-changed'; readonly from: VrrpState; readonly to: VrrpState; readonly reason: TransitionReason }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly fields?: LogFields };

export type ActionType = Action['type'];
