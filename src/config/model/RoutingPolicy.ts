import type { SourcePos } from '../SourcePos.js';
import type { AddressFamily } from './Common.js';

/** An address with a prefix length, host bits clear (`198.51.100.0/24`, `default` = `0.0.0.0/0`). */
export interface IpPrefix {
  /** Canonical address text (see `IpAddress.address`). */
  readonly address: string;
  readonly family: AddressFamily;
  readonly prefixLength: number;
}

/** Route types Vigil installs (rtnetlink.h enum RTN_*: unicast 1, blackhole 6, unreachable 7, prohibit 8). */
export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';

/**
 * One `virtual_routes` / `static_routes` line, keepalived 2.2.7's grammar
 * (vrrp_iproute.c alloc_route): `[TYPE] [src IP] [to] PREFIX|default [via|gw IP] [dev|oif IF]
 * [scope S] [table T] [metric|priority|preference N] [protocol P] [onlink] [no_track]`.
 */
export interface RouteSpec {
  readonly family: AddressFamily;
  readonly type: RouteType;
  readonly destination: IpPrefix;
  /** `src`: the preferred source address (RTA_PREFSRC). */
  readonly source: string | null;
  /** `via` / `gw`: the gateway (RTA_GATEWAY). */
  readonly via: string | null;
  /** `dev` / `oif`; `null` lets the kernel pick it from the gateway. */
  readonly device: string | null;
  /** rt_scope_t number; keepalived sends RT_SCOPE_UNIVERSE (0) unless `scope` is written. */
  readonly scope: number;
  /** Routing table id; RT_TABLE_MAIN (254) unless `table` is written. */
  readonly table: number;
  /** `metric` / `priority` / `preference` (RTA_PRIORITY); `null` = the kernel's default. */
  readonly metric: number | null;
  /** rtm_protocol; keepalived's own RTPROT_KEEPALIVED (18) unless `protocol` is written. */
  readonly protocol: number;
  /** RTNH_F_ONLINK: the gateway is on the link even without a matching prefix. */
  readonly onlink: boolean;
  /**
   * Not put back when deleted from outside: written `no_track`, or implied as keepalived
   * implies it for routes without `dev` ("cannot track route ... with no interface").
   */
  readonly noTrack: boolean;
  /** The line as written, for messages. */
  readonly text: string;
  readonly pos: SourcePos;
}

/**
 * One `virtual_rules` / `static_rules` line (keepalived vrrp_iprule.c alloc_rule):
 * `[not] [from PREFIX|all] [to PREFIX|all] [iif IF] [oif IF] [fwmark N[/MASK]]
 * table|lookup T [priority|preference|order N] [no_track]`.
 */
export interface RuleSpec {
  readonly family: AddressFamily;
  readonly from: IpPrefix | null;
  readonly to: IpPrefix | null;
  /** FIB_RULE_INVERT: `not`. */
  readonly invert: boolean;
  readonly iif: string | null;
  readonly oif: string | null;
  readonly fwmark: { readonly value: number; readonly mask: number | null } | null;
  readonly table: number;
  /**
   * FRA_PRIORITY. keepalived gives a rule without one a preference of its own (16384, then
   * 16383 ... per family, in file order); `priorityAssigned` says this happened.
   */
  readonly priority: number;
  readonly priorityAssigned: boolean;
  /** FRA_PROTOCOL: always RTPROT_KEEPALIVED (18), as keepalived sends it. */
  readonly protocol: number;
  readonly noTrack: boolean;
  readonly text: string;
  readonly pos: SourcePos;
}
