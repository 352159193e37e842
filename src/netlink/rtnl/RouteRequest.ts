import type { InetAddress, InetFamily } from './InetAddress.js';

/**
 * One route to add or delete, resolved to what RTM_NEWROUTE / RTM_DELROUTE carry: an
 * interface index instead of a name, bytes instead of text.
 */
export interface RouteRequest {
  readonly family: InetFamily;
  /** RTN_* route type. */
  readonly type: number;
  readonly destination: InetAddress;
  readonly prefixLength: number;
  readonly gateway: InetAddress | null;
  readonly preferredSource: InetAddress | null;
  /** `null`: the kernel finds the interface from the gateway (or the route has none). */
  readonly ifindex: number | null;
  /** The interface name, kept for messages. */
  readonly ifname: string | null;
  readonly table: number;
  readonly protocol: number;
  /** rt_scope_t. */
  readonly scope: number;
  /** RTA_PRIORITY; `null` leaves the kernel's default (0 for IPv4, 1024 for IPv6). */
  readonly metric: number | null;
  readonly onlink: boolean;
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 6: 'blackhole', 7: 'unreachable', 8: 'prohibit' };

/** `blackhole 198.51.100.0/24 via 192.0.2.1 dev eth0 table 100`, iproute2 style. */
export function describeRouteRequest(r: RouteRequest): string {
  const parts: string[] = [];
  const typeName = TYPE_NAMES[r.type];
  if (typeName !== undefined) parts.push(typeName);
  parts.push(`${r.destination.text}/${r.prefixLength}`);
  if (r.gateway !== null) parts.push(`via ${r.gateway.text}`);
  if (r.ifname !== null) parts.push(`dev ${r.ifname}`);
  if (r.table !== 254) parts.push(`table ${r.table}`);
  if (r.preferredSource !== null) parts.push(`src ${r.preferredSource.text}`);
  if (r.metric !== null) parts.push(`metric ${r.metric}`);
  return parts.join(' ');
}
