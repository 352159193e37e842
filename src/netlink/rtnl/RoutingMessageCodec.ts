import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../HostByteOrder.js';
import { NetlinkAttributeTable, readU32, readU8 } from '../NetlinkAttribute.js';
import { NLMSG_HDRLEN, NLM_F_DUMP, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { NetlinkDecodeError } from '../NetlinkDecodeError.js';
import { encodeNetlinkMessage, type NetlinkMessage } from '../NetlinkMessage.js';
import { inetAddressFromBytes } from './InetAddress.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  FIB_RULE_HDR_SIZE,
  FRA_DST,
  FRA_PRIORITY,
  FRA_PROTOCOL,
  FRA_SRC,
  FRA_TABLE,
  RTA_DST,
  RTA_GATEWAY,
  RTA_OIF,
  RTA_PRIORITY,
  RTA_TABLE,
  RTMSG_SIZE,
  RTM_DELROUTE,
  RTM_DELRULE,
  RTM_GETROUTE,
  RTM_GETRULE,
  RTM_NEWROUTE,
  RTM_NEWRULE,
} from './RouteConstants.js';
import { AF_INET, AF_INET6, AF_UNSPEC } from './RtnetlinkConstants.js';

/** A route as the kernel reports it: the fields that identify it (net/ipv4/fib_trie.c, net/ipv6/route.c). */
export interface KernelRoute {
  readonly family: number;
  readonly type: number;
  readonly destination: string;
  readonly prefixLength: number;
  readonly table: number;
  readonly protocol: number;
  readonly ifindex: number | null;
  readonly gateway: string | null;
  readonly metric: number | null;
}

/** A policy rule as the kernel reports it. */
export interface KernelRule {
  readonly family: number;
  readonly priority: number;
  readonly table: number;
  readonly protocol: number;
  readonly source: string | null;
  readonly sourceLength: number;
  readonly destination: string | null;
  readonly destinationLength: number;
}

export type RoutingMessage =
  | { readonly kind: 'route'; readonly deleted: boolean; readonly route: KernelRoute }
  | { readonly kind: 'rule'; readonly deleted: boolean; readonly rule: KernelRule };

function addressText(family: number, table: NetlinkAttributeTable, type: number): string | null {
  const attribute = table.get(type);
  if (attribute === undefined) return null;
  const decoded = inetAddressFromBytes(family, attribute.payload);
  if (decoded === null) {
    throw new NetlinkDecodeError('NETLINK_ATTRIBUTE_SIZE', `address attribute ${type} holds ${attribute.payload.length} byte(s)`, { offset: attribute.offset, type });
  }
  return decoded.text;
}

/**
 * Decodes RTM_NEWROUTE / RTM_DELROUTE / RTM_NEWRULE / RTM_DELRULE (families other than
 * IPv4 and IPv6 give null); throws NetlinkDecodeError on malformed input.
 */
export function decodeRoutingMessage(message: NetlinkMessage): RoutingMessage | null {
  const type = message.header.type;
  const p = message.payload;
  const isRoute = type === RTM_NEWROUTE || type === RTM_DELROUTE;
  const isRule = type === RTM_NEWRULE || type === RTM_DELRULE;
  if (!isRoute && !isRule) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `message type ${type} is not a route or rule message`, { offset: message.offset });
  }
  // struct rtmsg and struct fib_rule_hdr are both 12 bytes with the family, lengths and table at the same offsets.
  const size = isRoute ? RTMSG_SIZE : FIB_RULE_HDR_SIZE;
  if (p.length < size) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_PAYLOAD', `payload of ${p.length} byte(s) cannot hold a ${isRoute ? 'struct rtmsg' : 'struct fib_rule_hdr'}`, { offset: message.offset, type });
  }
  const family = p[0] ?? 0;
  if (family !== AF_INET && family !== AF_INET6) return null;
  const attributes = NetlinkAttributeTable.decode(p.subarray(size), NLMSG_HDRLEN + size);
  if (isRoute) {
    const tableAttr = attributes.get(RTA_TABLE);
    const oif = attributes.get(RTA_OIF);
    const metric = attributes.get(RTA_PRIORITY);
    const zero = family === AF_INET ? '0.0.0.0' : '::';
    return {
      kind: 'route',
      deleted: type === RTM_DELROUTE,
      route: {
        family,
        type: p[7] ?? 0,
        destination: addressText(family, attributes, RTA_DST) ?? zero,
        prefixLength: p[1] ?? 0,
        table: tableAttr ? readU32(tableAttr) : (p[4] ?? 0),
        protocol: p[5] ?? 0,
        ifindex: oif ? readU32(oif) : null,
        gateway: addressText(family, attributes, RTA_GATEWAY),
        metric: metric ? readU32(metric) : null,
      },
    };
  }
  const tableAttr = attributes.get(FRA_TABLE);
  const priority = attributes.get(FRA_PRIORITY);
  const protocol = attributes.get(FRA_PROTOCOL);
  return {
    kind: 'rule',
    deleted: type === RTM_DELRULE,
    rule: {
      family,
      priority: priority ? readU32(priority) : 0,
      table: tableAttr ? readU32(tableAttr) : (p[4] ?? 0),
      protocol: protocol ? readU8(protocol) : 0,
      source: addressText(family, attributes, FRA_SRC),
      sourceLength: p[2] ?? 0,
      destination: addressText(family, attributes, FRA_DST),
      destinationLength: p[1] ?? 0,
    },
  };
}

/** RTM_GETROUTE or RTM_GETRULE dump of both families. */
export function encodeRoutingDumpRequest(what: 'route' | 'rule', header: RequestHeader): Uint8Array {
  const body = new Uint8Array(12);
  body[0] = AF_UNSPEC;
  viewOf(body).setUint32(8, 0, HOST_IS_LITTLE_ENDIAN);
  return encodeNetlinkMessage({ type: what === 'route' ? RTM_GETROUTE : RTM_GETRULE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: header.seq, pid: header.pid ?? 0 }, body);
}
