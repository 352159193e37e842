import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../../../../../src/netlink/HostByteOrder.js';
import { NetlinkAttributeWriter } from '../../../../../src/netlink/NetlinkAttributeWriter.js';
import { encodeNetlinkMessage } from '../../../../../src/netlink/NetlinkMessage.js';
import { parseInetAddress } from '../../../../../src/netlink/rtnl/InetAddress.js';
import type { InterfaceAddress } from '../../../../../src/netlink/rtnl/InterfaceAddress.js';
import { encodeIfInfoMsg } from '../../../../../src/netlink/rtnl/LinkCodec.js';
import type { LinkState } from '../../../../../src/netlink/rtnl/LinkState.js';
import {
  AF_INET,
  AF_UNSPEC,
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_MTU,
  IFLA_OPERSTATE,
} from '../../../../../src/netlink/rtnl/RtnetlinkConstants.js';

export interface KernelHeader {
  readonly type: number;
  readonly flags?: number;
  readonly seq?: number;
  /** nlmsg_pid: the requester's port for notifications it caused, 0 otherwise. */
  readonly pid?: number;
}

function bytesOf(text: string): Uint8Array {
  const parsed = parseInetAddress(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed.bytes;
}

/**
 * An address message laid out as the kernel fills it (net/ipv4/devinet.c
 * inet_fill_ifaddr: IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_LABEL, IFA_FLAGS;
 * net/ipv6/addrconf.c inet6_fill_ifaddr: IFA_ADDRESS, IFA_FLAGS).
 */
export function encodeKernelAddressMessage(a: InterfaceAddress, header: KernelHeader): Uint8Array {
  const ifa = new Uint8Array(8);
  ifa[0] = a.family;
  ifa[1] = a.prefixLength;
  ifa[2] = a.flags & 0xff;
  ifa[3] = a.scope;
  viewOf(ifa).setUint32(4, a.ifindex, HOST_IS_LITTLE_ENDIAN);
  const w = new NetlinkAttributeWriter();
  if (a.family === AF_INET) {
    w.bytes(IFA_ADDRESS, bytesOf(a.peer ?? a.address)).bytes(IFA_LOCAL, bytesOf(a.address));
    if (a.broadcast !== null) w.bytes(IFA_BROADCAST, bytesOf(a.broadcast));
    if (a.label !== null) w.string(IFA_LABEL, a.label);
  } else {
    if (a.peer !== null) w.bytes(IFA_LOCAL, bytesOf(a.address));
    w.bytes(IFA_ADDRESS, bytesOf(a.peer ?? a.address));
  }
  w.u32(IFA_FLAGS, a.flags);
  const attributes = w.toBytes();
  const payload = new Uint8Array(ifa.length + attributes.length);
  payload.set(ifa);
  payload.set(attributes, ifa.length);
  return encodeNetlinkMessage({ type: header.type, flags: header.flags ?? 0, seq: header.seq ?? 0, pid: header.pid ?? 0 }, payload);
}

/** A link message laid out as net/core/rtnetlink.c rtnl_fill_ifinfo starts one. */
export function encodeKernelLinkMessage(l: LinkState, header: KernelHeader): Uint8Array {
  const ifi = encodeIfInfoMsg({ family: AF_UNSPEC, type: 1, ifindex: l.ifindex, flags: l.flags, change: 0 });
  const w = new NetlinkAttributeWriter().string(IFLA_IFNAME, l.name);
  if (l.mtu !== null) w.u32(IFLA_MTU, l.mtu);
  w.u8(IFLA_OPERSTATE, l.operState);
  if (l.hardwareAddress !== null) w.bytes(IFLA_ADDRESS, Uint8Array.from(l.hardwareAddress.split(':'), (h) => parseInt(h, 16)));
  const attributes = w.toBytes();
  const payload = new Uint8Array(ifi.length + attributes.length);
  payload.set(ifi);
  payload.set(attributes, ifi.length);
  return encodeNetlinkMessage({ type: header.type, flags: header.flags ?? 0, seq: header.seq ?? 0, pid: header.pid ?? 0 }, payload);
}
