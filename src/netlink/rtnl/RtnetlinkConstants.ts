/**
 * rtnetlink constants for addresses and links. Message types and groups come from
 * include/uapi/linux/rtnetlink.h, address attributes and flags from
 * include/uapi/linux/if_addr.h, link attributes from include/uapi/linux/if_link.h,
 * interface flags from include/uapi/linux/if.h. All have been stable since Linux 2.6
 * unless noted.
 */

// Address families (include/linux/socket.h).
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

// Message types (rtnetlink.h, enum RTM_*).
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;

// Multicast groups (rtnetlink.h, enum rtnetlink_groups). These are group numbers for
// NETLINK_ADD_MEMBERSHIP, not the legacy RTMGRP_* bitmask values.
export const RTNLGRP_LINK = 1;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV6_IFADDR = 9;

/** `sizeof(struct ifaddrmsg)`: u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index. */
export const IFADDRMSG_SIZE = 8;
/** `sizeof(struct ifinfomsg)`: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
export const IFINFOMSG_SIZE = 16;

// struct ifaddrmsg attributes (if_addr.h, enum IFA_*).
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_ANYCAST = 5;
export const IFA_CACHEINFO = 6;
export const IFA_MULTICAST = 7;
/** u32 flags; Linux 3.14+. Carries the flags that do not fit the u8 `ifa_flags`. */
export const IFA_FLAGS = 8;
export const IFA_RT_PRIORITY = 9;
export const IFA_TARGET_NETNSID = 10;
export const IFA_PROTO = 11;

// Address flags (if_addr.h, IFA_F_*). The low 8 bits also fit `ifa_flags`.
export const IFA_F_SECONDARY = 0x01;
export const IFA_F_NODAD = 0x02;
export const IFA_F_OPTIMISTIC = 0x04;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_MANAGETEMPADDR = 0x100;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;
export const IFA_F_STABLE_PRIVACY = 0x800;

// Scopes (rtnetlink.h, enum rt_scope_t); names as iproute2's rt_scopes table prints them.
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

// struct ifinfomsg attributes (if_link.h, enum IFLA_*).
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_MASTER = 10;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKMODE = 17;
/** u8 carrier state; Linux 3.5+. */
export const IFLA_CARRIER = 33;

// Interface flags (if.h, enum net_device_flags); the kernel reports them in ifi_flags.
export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_POINTOPOINT = 0x10;
export const IFF_RUNNING = 0x40;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_MULTICAST = 0x1000;
/** Carrier is present (netif_carrier_ok); Linux 2.6.17+. */
export const IFF_LOWER_UP = 0x10000;
export const IFF_DORMANT = 0x20000;

// IFLA_OPERSTATE values (if.h, RFC 2863 ifOperStatus).
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_NOTPRESENT = 1;
export const IF_OPER_DOWN = 2;
export const IF_OPER_LOWERLAYERDOWN = 3;
export const IF_OPER_TESTING = 4;
export const IF_OPER_DORMANT = 5;
export const IF_OPER_UP = 6;

/** Interface names hold at most 15 bytes plus NUL (if.h IFNAMSIZ = 16); so do IFA_LABELs. */
export const IFNAMSIZ = 16;
