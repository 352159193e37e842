import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../HostByteOrder.js';
import { NetlinkAttributeWriter } from '../NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { encodeNetlinkMessage } from '../NetlinkMessage.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  RTA_DST,
  RTA_GATEWAY,
  RTA_OIF,
  RTA_PREFSRC,
  RTA_PRIORITY,
  RTA_TABLE,
  RTMSG_SIZE,
  RTM_DELROUTE,
  RTM_NEWROUTE,
  RTNH_F_ONLINK,
  RTN_UNICAST,
  RTN_UNSPEC,
  RT_TABLE_UNSPEC,
} from './RouteConstants.js';
import type { RouteRequest } from './RouteRequest.js';
import { AF_INET6, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE } from './RtnetlinkConstants.js';

/** `struct rtmsg` (include/uapi/linux/rtnetlink.h). */
interface RtMsg {
  readonly family: number;
  readonly dstLength: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  readonly flags: number;
}

function encodeRtMsg(m: RtMsg): Uint8Array {
  const bytes = new Uint8Array(RTMSG_SIZE);
  bytes[0] = m.family;
  bytes[1] = m.dstLength;
  // bytes[2] src_len and bytes[3] tos stay 0: Vigil installs no source-specific or TOS routes.
  bytes[4] = m.table;
  bytes[5] = m.protocol;
  bytes[6] = m.scope;
  bytes[7] = m.type;
  viewOf(bytes).setUint32(8, m.flags >>> 0, HOST_IS_LITTLE_ENDIAN);
  return bytes;
}

/**
 * Attributes in the order iproute2 6.1 sends them for `ip route add DST via GW metric N
 * src S table T dev D` (it appends each as it parses the words, RTA_OIF last). A table
 * above 255 does not fit `rtm_table`: it goes in RTA_TABLE with `rtm_table` 0.
 */
function routeMessage(type: number, flags: number, r: RouteRequest, header: RequestHeader, fields: { scope: number; routeType: number }): Uint8Array {
  const a = new NetlinkAttributeWriter().bytes(RTA_DST, r.destination.bytes);
  if (r.gateway !== null) a.bytes(RTA_GATEWAY, r.gateway.bytes);
  if (r.metric !== null) a.u32(RTA_PRIORITY, r.metric);
  if (r.preferredSource !== null) a.bytes(RTA_PREFSRC, r.preferredSource.bytes);
  if (r.table > 255) a.u32(RTA_TABLE, r.table);
  if (r.ifindex !== null) a.u32(RTA_OIF, r.ifindex);
  const rtm = encodeRtMsg({
    family: r.family,
    dstLength: r.prefixLength,
    table: r.table > 255 ? RT_TABLE_UNSPEC : r.table,
    protocol: r.protocol,
    scope: fields.scope,
    type: fields.routeType,
    flags: r.onlink ? RTNH_F_ONLINK : 0,
  });
  const attributes = a.toBytes();
  const payload = new Uint8Array(rtm.length + attributes.length);
  payload.set(rtm);
  payload.set(attributes, rtm.length);
  return encodeNetlinkMessage({ type, flags, seq: header.seq, pid: header.pid ?? 0 }, payload);
}

/**
 * RTM_NEWROUTE with NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK, as `ip route add` sends it: EXCL
 * makes an existing route an EEXIST (adopted by the installer) rather than a replacement.
 */
export function encodeAddRouteRequest(r: RouteRequest, header: RequestHeader): Uint8Array {
  return routeMessage(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, r, header, { scope: r.scope, routeType: r.type });
}

/**
 * RTM_DELROUTE as `ip route del` sends it: for IPv4, scope RT_SCOPE_NOWHERE and (unicast)
 * type RTN_UNSPEC are wildcards (net/ipv4/fib_trie.c fib_table_delete); IPv6 routes carry
 * no scope, and iproute2 sends RT_SCOPE_UNIVERSE for them. The protocol is matched, so
 * only a route with our protocol is deleted.
 */
export function encodeDeleteRouteRequest(r: RouteRequest, header: RequestHeader): Uint8Array {
  return routeMessage(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, r, header, {
    scope: r.family === AF_INET6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE,
    routeType: r.type === RTN_UNICAST ? RTN_UNSPEC : r.type,
  });
}
