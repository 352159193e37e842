import type { TimerName } from './Action.js';

/**
 * A received advertisement as the state machine needs it. The receive path (codec and
 * receive checks) has already validated TTL, checksum, version, VRID, address list and
 * authentication; it maps its decoded packet onto this shape.
 */
export interface ReceivedAdvert {
  readonly vrid: number;
  readonly version: 2 | 3;
  /** 0 means the master is resigning (RFC 5798 §5.2.4). */
  readonly priority: number;
  /**
   * The sender's advertisement interval in centiseconds. v3 carries it in the 12-bit Max Adver
   * Int field (RFC 5798 §5.2.7); for v2 the 8-bit seconds field is multiplied by 100.
   */
  readonly advertIntervalCs: number;
  /** The sender's primary address, i.e. the packet's IP source (RFC 5798 §6.4.3 tie-break). */
  readonly source: string;
  readonly vips: readonly string[];
  /** Outcome of the authentication check (v2 PASS / AH); a failed advert is ignored. */
  readonly authOk: boolean;
}

export type SyncGroupTarget = 'MASTER' | 'BACKUP' | 'FAULT';

/** Inputs of one instance's state machine. */
export type InstanceEvent =
  | { readonly type: 'startup' }
  | { readonly type: 'advert-received'; readonly advert: ReceivedAdvert }
  | { readonly type: 'timer-expired'; readonly timer: TimerName }
  /** The instance's own interface went up or down (keepalived tracks it unless dont_track_primary). */
  | { readonly type: 'link'; readonly up: boolean }
  /**
   * `weight`: the sum of the weights of all weighted trackers that currently apply (absolute,
   * not a delta, so replays are idempotent). Effective priority = base + weight, clamped.
   */
  | { readonly type: 'tracker'; readonly kind: 'weight'; readonly weight: number }
  /** `fault`: an unweighted tracked script/interface/file named `source` failed or recovered. */
  | { readonly type: 'tracker'; readonly kind: 'fault'; readonly source: string; readonly fault: boolean }
  | { readonly type: 'shutdown' }
  /**
   * A configuration reload changed what can change in place: the base priority (neither
   * the old nor the new one 255) and the VIP list. Everything else restarts the instance.
   */
  | { readonly type: 'reconfigure'; readonly basePriority: number; readonly vips: readonly string[] }
  /** A transition forced by the sync group the instance belongs to. */
  | { readonly type: 'sync-group'; readonly group: string; readonly to: SyncGroupTarget };

export type InstanceEventType = InstanceEvent['type'];
