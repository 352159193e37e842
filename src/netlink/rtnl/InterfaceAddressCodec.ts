import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../HostByteOrder.js';
import { NetlinkAttributeTable, readString, readU32 } from '../NetlinkAttribute.js';
import { NetlinkAttributeWriter } from '../NetlinkAttributeWriter.js';
import { NLMSG_HDRLEN, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { NetlinkDecodeError } from '../NetlinkDecodeError.js';
import { encodeNetlinkMessage, type NetlinkMessage } from '../NetlinkMessage.js';
import type { AddressRequest } from './AddressRequest.js';
import { inetAddressFromBytes, type InetFamily } from './InetAddress.js';
import type { InterfaceAddress } from './InterfaceAddress.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  AF_INET,
  AF_INET6,
  IFADDRMSG_SIZE,
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  RTM_DELADDR,
  RTM_GETADDR,
  RTM_NEWADDR,
} from './RtnetlinkConstants.js';

/** `struct ifaddrmsg` (include/uapi/linux/if_addr.h). */
export interface IfAddrMsg {
  readonly family: number;
  readonly prefixLength: number;
  /** The u8 `ifa_flags`; IFA_FLAGS supersedes it when present. */
  readonly flags: number;
  readonly scope: number;
  readonly ifindex: number;
}

function encodeIfAddrMsg(m: IfAddrMsg): Uint8Array {
  const bytes = new Uint8Array(IFADDRMSG_SIZE);
  bytes[0] = m.family;
  bytes[1] = m.prefixLength;
  bytes[2] = m.flags & 0xff;
  bytes[3] = m.scope;
  viewOf(bytes).setUint32(4, m.ifindex >>> 0, HOST_IS_LITTLE_ENDIAN);
  return bytes;
}

function withAttributes(header: Uint8Array, attributes: Uint8Array): Uint8Array {
  const payload = new Uint8Array(header.length + attributes.length);
  payload.set(header);
  payload.set(attributes, header.length);
  return payload;
}

/**
 * RTM_NEWADDR with NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK, laid out byte for byte as
 * iproute2 6.1 `ip addr add` sends it: IFA_LOCAL, IFA_LABEL, IFA_FLAGS, IFA_ADDRESS
 * (the address itself: no peer), IFA_BROADCAST. Flags that fit the u8 `ifa_flags`
 * (IFA_F_NODAD) go there, which every kernel reads; larger ones (IFA_F_NOPREFIXROUTE)
 * go in IFA_FLAGS (Linux 3.14+). EXCL makes an existing address an EEXIST rather than
 * a silent update.
 */
export function encodeAddAddressRequest(r: AddressRequest, header: RequestHeader): Uint8Array {
  const attributes = new NetlinkAttributeWriter().bytes(IFA_LOCAL, r.address.bytes);
  if (r.label !== null) attributes.string(IFA_LABEL, r.label);
  if (r.flags > 0xff) attributes.u32(IFA_FLAGS, r.flags);
  attributes.bytes(IFA_ADDRESS, r.address.bytes);
  if (r.broadcast !== null) attributes.bytes(IFA_BROADCAST, r.broadcast.bytes);
  const ifa = encodeIfAddrMsg({
    family: r.address.family,
    prefixLength: r.prefixLength,
    flags: r.flags > 0xff ? 0 : r.flags,
    scope: r.scope,
    ifindex: r.ifindex,
  });
  return encodeNetlinkMessage(
    { type: RTM_NEWADDR, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq: header.seq, pid: header.pid ?? 0 },
    withAttributes(ifa, attributes.toBytes()),
  );
}

/**
 * RTM_DELADDR matching the address and its prefix length: IFA_LOCAL and IFA_ADDRESS, as
 * `ip addr del ADDR/LEN` sends them (net/ipv4/devinet.c inet_rtm_deladdr then also
 * compares the prefix; IPv6 always does). No label, so a VIP whose label someone
 * changed is still removed.
 */
export function encodeDeleteAddressRequest(r: AddressRequest, header: RequestHeader): Uint8Array {
  const attributes = new NetlinkAttributeWriter().bytes(IFA_LOCAL, r.address.bytes).bytes(IFA_ADDRESS, r.address.bytes);
  const ifa = encodeIfAddrMsg({ family: r.address.family, prefixLength: r.prefixLength, flags: 0, scope: 0, ifindex: r.ifindex });
  return encodeNetlinkMessage(
    { type: RTM_DELADDR, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 },
    withAttributes(ifa, attributes.toBytes()),
  );
}

/** RTM_GETADDR dump of one family, or of both with AF_UNSPEC (0). */
export function encodeAddressDumpRequest(family: number, header: RequestHeader): Uint8Array {
  const ifa = encodeIfAddrMsg({ family, prefixLength: 0, flags: 0, scope: 0, ifindex: 0 });
  return encodeNetlinkMessage({ type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: header.seq, pid: header.pid ?? 0 }, ifa);
}

export function decodeIfAddrMsg(message: NetlinkMessage): IfAddrMsg {
  const p = message.payload;
  if (p.length < IFADDRMSG_SIZE) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_PAYLOAD', `payload of ${p.length} byte(s) cannot hold a struct ifaddrmsg`, {
      offset: message.offset,
      type: message.header.type,
    });
  }
  return {
    family: p[0] ?? 0,
    prefixLength: p[1] ?? 0,
    flags: p[2] ?? 0,
    scope: p[3] ?? 0,
    ifindex: viewOf(p).getUint32(4, HOST_IS_LITTLE_ENDIAN),
  };
}

export interface AddressNotification {
  /** RTM_NEWADDR: added or changed; RTM_DELADDR: removed. */
  readonly kind: 'new' | 'del';
  readonly address: InterfaceAddress;
}

/**
 * Decodes RTM_NEWADDR / RTM_DELADDR. Returns null for families other than IPv4/IPv6
 * (e.g. DECnet, MPLS), which Vigil does not track; throws NetlinkDecodeError on
 * malformed input.
 */
export function decodeAddressMessage(message: NetlinkMessage): AddressNotification | null {
  const type = message.header.type;
  if (type !== RTM_NEWADDR && type !== RTM_DELADDR) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `message type ${type} is not RTM_NEWADDR or RTM_DELADDR`, {
      offset: message.offset,
    });
  }
  const ifa = decodeIfAddrMsg(message);
  if (ifa.family !== AF_INET && ifa.family !== AF_INET6) return null;
  const family: InetFamily = ifa.family;
  const table = NetlinkAttributeTable.decode(message.payload.subarray(IFADDRMSG_SIZE), NLMSG_HDRLEN + IFADDRMSG_SIZE);
  const addressOf = (attrType: number): string | null => {
    const attribute = table.get(attrType);
    if (attribute === undefined) return null;
    const decoded = inetAddressFromBytes(family, attribute.payload);
    if (decoded === null) {
      throw new NetlinkDecodeError('NETLINK_ATTRIBUTE_SIZE', `address attribute ${attrType} holds ${attribute.payload.length} byte(s)`, {
        offset: attribute.offset,
        type: attrType,
      });
    }
    return decoded.text;
  };
  const local = addressOf(IFA_LOCAL);
  const address = addressOf(IFA_ADDRESS);
  const own = local ?? address;
  if (own === null) {
    throw new NetlinkDecodeError('NETLINK_MISSING_ATTRIBUTE', 'address message without IFA_LOCAL or IFA_ADDRESS', { offset: message.offset });
  }
  const flagsAttribute = table.get(IFA_FLAGS);
  const label = table.get(IFA_LABEL);
  return {
    kind: type === RTM_NEWADDR ? 'new' : 'del',
    address: {
      ifindex: ifa.ifindex,
      family,
      address: own,
      prefixLength: ifa.prefixLength,
      peer: local !== null && address !== null && address !== local ? address : null,
      broadcast: addressOf(IFA_BROADCAST),
      label: label ? readString(label) : null,
      scope: ifa.scope,
      flags: flagsAttribute ? readU32(flagsAttribute) : ifa.flags,
    },
  };
}
