import type { IpPrefix, RouteSpec, RuleSpec } from '../../config/model/RoutingPolicy.js';
import { parseInetAddress, type InetAddress } from '../../netlink/rtnl/InetAddress.js';
import { RTN_BLACKHOLE, RTN_PROHIBIT, RTN_UNICAST, RTN_UNREACHABLE } from '../../netlink/rtnl/RouteConstants.js';
import type { RouteEntry } from '../../netlink/rtnl/RoutingInstaller.js';
import type { KernelRoute, KernelRule } from '../../netlink/rtnl/RoutingMessageCodec.js';
import type { RuleRequest } from '../../netlink/rtnl/RuleRequest.js';
import { AF_INET, AF_INET6 } from '../../netlink/rtnl/RtnetlinkConstants.js';

/** A configured route with what the installer sends and what identifies it in notifications. */
export interface InstanceRoute {
  /** Stable identity: equal lines give equal keys (a reload diffs on it). */
  readonly key: string;
  readonly entry: RouteEntry;
  /** `no_track`, written or implied: not put back when deleted from outside. */
  readonly noTrack: boolean;
  readonly text: string;
}

export interface InstanceRule {
  readonly key: string;
  readonly request: RuleRequest;
  readonly noTrack: boolean;
  readonly text: string;
}

const ROUTE_TYPES = { unicast: RTN_UNICAST, blackhole: RTN_BLACKHOLE, unreachable: RTN_UNREACHABLE, prohibit: RTN_PROHIBIT } as const;

/** The model has checked every address; a failure here is a bug, not a config problem. */
function inet(text: string): InetAddress {
  const parsed = parseInetAddress(text);
  if (parsed === null) throw new Error(`not an address: ${text}`);
  return parsed;
}

function prefix(p: IpPrefix | null): { address: InetAddress; prefixLength: number } | null {
  return p === null ? null : { address: inet(p.address), prefixLength: p.prefixLength };
}

export function instanceRouteFromConfig(route: RouteSpec): InstanceRoute {
  const entry: RouteEntry = {
    family: route.family === 'inet' ? AF_INET : AF_INET6,
    type: ROUTE_TYPES[route.type],
    destination: inet(route.destination.address),
    prefixLength: route.destination.prefixLength,
    gateway: route.via === null ? null : inet(route.via),
    preferredSource: route.source === null ? null : inet(route.source),
    ifname: route.device,
    table: route.table,
    protocol: route.protocol,
    scope: route.scope,
    metric: route.metric,
    onlink: route.onlink,
  };
  return { key: routeKey(entry), entry, noTrack: route.noTrack, text: route.text };
}

export function instanceRuleFromConfig(rule: RuleSpec): InstanceRule {
  const request: RuleRequest = {
    family: rule.family === 'inet' ? AF_INET : AF_INET6,
    source: prefix(rule.from),
    destination: prefix(rule.to),
    invert: rule.invert,
    iif: rule.iif,
    oif: rule.oif,
    fwmark: rule.fwmark?.value ?? null,
    fwmask: rule.fwmark?.mask ?? null,
    table: rule.table,
    priority: rule.priority,
    protocol: rule.protocol,
  };
  return { key: JSON.stringify({ ...request, source: request.source && [request.source.address.text, request.source.prefixLength], destination: request.destination && [request.destination.address.text, request.destination.prefixLength] }), request, noTrack: rule.noTrack, text: rule.text };
}

function routeKey(e: RouteEntry): string {
  return JSON.stringify([e.family, e.type, e.destination.text, e.prefixLength, e.gateway?.text, e.preferredSource?.text, e.ifname, e.table, e.protocol, e.scope, e.metric, e.onlink]);
}

/**
 * The kernel's identity of a route, as a deletion notification carries it: table,
 * destination and prefix length, metric (IPv4 also matches tos and type, IPv6 the
 * gateway); what Vigil compares to see whether a deleted route is one of its own. The
 * route's `type` is not compared.
 */
export type RemovedRoute = Omit<KernelRoute, 'type'>;

export function isSameRoute(route: InstanceRoute, removed: RemovedRoute, ifindexOf: (name: string) => number | undefined): boolean {
  const e = route.entry;
  if (e.family !== removed.family || e.destination.text !== removed.destination || e.prefixLength !== removed.prefixLength) return false;
  if (e.table !== removed.table || e.protocol !== removed.protocol) return false;
  if (e.gateway !== null && e.gateway.text !== removed.gateway) return false;
  if (e.ifname !== null && ifindexOf(e.ifname) !== removed.ifindex) return false;
  // The kernel reports IPv6 routes without a metric as 1024 (IP6_RT_PRIO_USER).
  const metric = e.metric ?? (e.family === AF_INET6 ? 1024 : 0);
  return metric === (removed.metric ?? 0);
}

/** A deleted rule as its notification carries it. */
export type RemovedRule = KernelRule;

export function isSameRule(rule: InstanceRule, removed: RemovedRule): boolean {
  const r = rule.request;
  return (
    r.family === removed.family &&
    r.priority === removed.priority &&
    r.protocol === removed.protocol &&
    r.table === removed.table &&
    (r.source?.address.text ?? null) === removed.source &&
    (r.source?.prefixLength ?? 0) === removed.sourceLength &&
    (r.destination?.address.text ?? null) === removed.destination &&
    (r.destination?.prefixLength ?? 0) === removed.destinationLength
  );
}
