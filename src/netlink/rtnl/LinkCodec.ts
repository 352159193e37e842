import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../HostByteOrder.js';
import { NetlinkAttributeTable, readString, readU32, readU8 } from '../NetlinkAttribute.js';
import { NLMSG_HDRLEN, NLM_F_DUMP, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { NetlinkDecodeError } from '../NetlinkDecodeError.js';
import { encodeNetlinkMessage, type NetlinkMessage } from '../NetlinkMessage.js';
import type { LinkState } from './LinkState.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  AF_UNSPEC,
  IFINFOMSG_SIZE,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_MTU,
  IFLA_OPERSTATE,
  IF_OPER_UNKNOWN,
  RTM_DELLINK,
  RTM_GETLINK,
  RTM_NEWLINK,
} from './RtnetlinkConstants.js';

/** `struct ifinfomsg` (include/uapi/linux/rtnetlink.h). */
export interface IfInfoMsg {
  readonly family: number;
  /** ARPHRD_* device type (include/uapi/linux/if_arp.h). */
  readonly type: number;
  readonly ifindex: number;
  readonly flags: number;
  readonly change: number;
}

export function encodeIfInfoMsg(m: IfInfoMsg): Uint8Array {
  const bytes = new Uint8Array(IFINFOMSG_SIZE);
  const view = viewOf(bytes);
  bytes[0] = m.family;
  view.setUint16(2, m.type, HOST_IS_LITTLE_ENDIAN);
  view.setInt32(4, m.ifindex, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(8, m.flags >>> 0, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(12, m.change >>> 0, HOST_IS_LITTLE_ENDIAN);
  return bytes;
}

export function decodeIfInfoMsg(message: NetlinkMessage): IfInfoMsg {
  const p = message.payload;
  if (p.length < IFINFOMSG_SIZE) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_PAYLOAD', `payload of ${p.length} byte(s) cannot hold a struct ifinfomsg`, {
      offset: message.offset,
      type: message.header.type,
    });
  }
  const view = viewOf(p);
  return {
    family: p[0] ?? 0,
    type: view.getUint16(2, HOST_IS_LITTLE_ENDIAN),
    ifindex: view.getInt32(4, HOST_IS_LITTLE_ENDIAN),
    flags: view.getUint32(8, HOST_IS_LITTLE_ENDIAN),
    change: view.getUint32(12, HOST_IS_LITTLE_ENDIAN),
  };
}

/** RTM_GETLINK dump of every link (a full ifinfomsg, as kernels with strict checking want). */
export function encodeLinkDumpRequest(header: RequestHeader): Uint8Array {
  return encodeNetlinkMessage(
    { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: header.seq, pid: header.pid ?? 0 },
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, ifindex: 0, flags: 0, change: 0 }),
  );
}

export interface LinkNotification {
  /** RTM_NEWLINK: appeared or changed; RTM_DELLINK: gone. */
  readonly kind: 'new' | 'del';
  readonly link: LinkState;
}

function formatHardwareAddress(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * Decodes RTM_NEWLINK / RTM_DELLINK. Returns null for messages that describe no
 * interface of this namespace's table: bridge port messages (family AF_BRIDGE, sent on
 * the same group for bridge ports) and messages without IFLA_IFNAME.
 */
export function decodeLinkMessage(message: NetlinkMessage): LinkNotification | null {
  const type = message.header.type;
  if (type !== RTM_NEWLINK && type !== RTM_DELLINK) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `message type ${type} is not RTM_NEWLINK or RTM_DELLINK`, {
      offset: message.offset,
    });
  }
  const ifi = decodeIfInfoMsg(message);
  // AF_BRIDGE (7) copies of bridge-port links arrive on RTNLGRP_LINK too (net/bridge/br_netlink.c).
  if (ifi.family !== AF_UNSPEC) return null;
  const table = NetlinkAttributeTable.decode(message.payload.subarray(IFINFOMSG_SIZE), NLMSG_HDRLEN + IFINFOMSG_SIZE);
  const name = table.get(IFLA_IFNAME);
  if (name === undefined) return null;
  const operState = table.get(IFLA_OPERSTATE);
  const mtu = table.get(IFLA_MTU);
  const hardwareAddress = table.get(IFLA_ADDRESS);
  return {
    kind: type === RTM_NEWLINK ? 'new' : 'del',
    link: {
      ifindex: ifi.ifindex,
      name: readString(name),
      flags: ifi.flags,
      operState: operState ? readU8(operState) : IF_OPER_UNKNOWN,
      mtu: mtu ? readU32(mtu) : null,
      hardwareAddress: hardwareAddress ? formatHardwareAddress(hardwareAddress.payload) : null,
    },
  };
}
