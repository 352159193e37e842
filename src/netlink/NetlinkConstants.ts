/**
 * Constants of the netlink wire format, from the kernel's
 * include/uapi/linux/netlink.h (values unchanged since Linux 2.6 unless noted).
 */

/** Netlink protocol number of generic netlink (netlink.h `NETLINK_GENERIC`). */
export const NETLINK_GENERIC = 16;
/** rtnetlink, for the neighbours of this module (netlink.h `NETLINK_ROUTE`). */
export const NETLINK_ROUTE = 0;

/** `sizeof(struct nlmsghdr)`: u32 len, u16 type, u16 flags, u32 seq, u32 pid. */
export const NLMSG_HDRLEN = 16;
/** Messages are padded to 4 bytes (netlink.h `NLMSG_ALIGNTO`). */
export const NLMSG_ALIGNTO = 4;

/** `sizeof(struct nlattr)`: u16 len, u16 type. */
export const NLA_HDRLEN = 4;
/** Attributes are padded to 4 bytes (netlink.h `NLA_ALIGNTO`). */
export const NLA_ALIGNTO = 4;

// nlmsg_flags (netlink.h "Flags values").
export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;

// Modifiers to GET requests.
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_ATOMIC = 0x400;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

// Modifiers to NEW requests.
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;

// Flags of an NLMSG_ERROR acknowledgement (Linux 4.12+).
/** The echoed request is only its header (success ACKs, or NETLINK_CAP_ACK). */
export const NLM_F_CAPPED = 0x100;
/** Extended-ACK TLVs follow the echoed request (NETLINK_EXT_ACK). */
export const NLM_F_ACK_TLVS = 0x200;

// Reserved control message types (below NLMSG_MIN_TYPE).
export const NLMSG_NOOP = 0x1;
export const NLMSG_ERROR = 0x2;
export const NLMSG_DONE = 0x3;
export const NLMSG_OVERRUN = 0x4;
export const NLMSG_MIN_TYPE = 0x10;

// enum nlmsgerr_attrs: TLVs appended to NLMSG_ERROR / NLMSG_DONE.
export const NLMSGERR_ATTR_UNUSED = 0;
export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;
export const NLMSGERR_ATTR_COOKIE = 3;
export const NLMSGERR_ATTR_POLICY = 4;
export const NLMSGERR_ATTR_MISS_TYPE = 5;
export const NLMSGERR_ATTR_MISS_NEST = 6;

// nla_type high bits; mutually exclusive in practice.
export const NLA_F_NESTED = 1 << 15;
export const NLA_F_NET_BYTEORDER = 1 << 14;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

// Socket options at SOL_NETLINK (level 270) a socket adapter may set.
export const SOL_NETLINK = 270;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const NETLINK_GET_STRICT_CHK = 12;

/** Rounds `len` up to the 4-byte boundary netlink uses for messages and attributes. */
export function netlinkAlign(len: number): number {
  return (len + 3) & ~3;
}
