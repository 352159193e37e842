/**
 * Constants of the IPVS generic netlink interface. Unless noted they come from the
 * kernel's include/uapi/linux/ip_vs.h (checked against Linux 6.1, the kernel the
 * project's VM boots); enum members are listed with their explicit values.
 */

/** ip_vs.h `IP_VS_VERSION_CODE`: 1.2.1, what IPVS_INFO_ATTR_VERSION reports. */
export const IP_VS_VERSION_CODE = 0x010201;

/** Generic netlink family name and version (ip_vs.h "Generic Netlink family info"). */
export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 0x1;

// Sizes of fixed string buffers, including the NUL. The kernel's policy accepts
// scheduler names of at most IP_VS_SCHEDNAME_MAXLEN - 1 characters.
export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;
export const IP_VS_PEDATA_MAXLEN = 255;

// Virtual service flags (ip_vs.h "Virtual Service Flags").
export const IP_VS_SVC_F_PERSISTENT = 0x0001;
/** Kernel-internal: set on every service in a table, never settable by user space. */
export const IP_VS_SVC_F_HASHED = 0x0002;
export const IP_VS_SVC_F_ONEPACKET = 0x0004;
export const IP_VS_SVC_F_SCHED1 = 0x0008;
export const IP_VS_SVC_F_SCHED2 = 0x0010;
export const IP_VS_SVC_F_SCHED3 = 0x0020;
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_SH_PORT = IP_VS_SVC_F_SCHED2;
/** The mh scheduler reuses the scheduler flags; defined in net/netfilter/ipvs/ip_vs_mh.c, not the uapi header. */
export const IP_VS_SVC_F_SCHED_MH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_MH_PORT = IP_VS_SVC_F_SCHED2;
/** Flags user space may set: everything but HASHED. */
export const IP_VS_SVC_F_USER_MASK =
  IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

// Sync daemon states (ip_vs.h "IPVS sync daemon states").
export const IP_VS_STATE_NONE = 0x0000;
export const IP_VS_STATE_MASTER = 0x0001;
export const IP_VS_STATE_BACKUP = 0x0002;

// Connection flags (ip_vs.h "IPVS Connection Flags"); the low 3 bits are the forwarding method.
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IP_VS_CONN_F_MASQ = 0x0000;
export const IP_VS_CONN_F_LOCALNODE = 0x0001;
export const IP_VS_CONN_F_TUNNEL = 0x0002;
export const IP_VS_CONN_F_DROUTE = 0x0003;
export const IP_VS_CONN_F_BYPASS = 0x0004;
export const IP_VS_CONN_F_SYNC = 0x0020;
export const IP_VS_CONN_F_HASHED = 0x0040;
export const IP_VS_CONN_F_NOOUTPUT = 0x0080;
export const IP_VS_CONN_F_INACTIVE = 0x0100;
export const IP_VS_CONN_F_OUT_SEQ = 0x0200;
export const IP_VS_CONN_F_IN_SEQ = 0x0400;
export const IP_VS_CONN_F_SEQ_MASK = 0x0600;
export const IP_VS_CONN_F_NO_CPORT = 0x0800;
export const IP_VS_CONN_F_TEMPLATE = 0x1000;
export const IP_VS_CONN_F_ONE_PACKET = 0x2000;
export const IP_VS_CONN_F_NFCT = 1 << 16;

// Tunnel types (ip_vs.h anonymous enum, Linux 5.3+).
export const IP_VS_CONN_F_TUNNEL_TYPE_IPIP = 0;
export const IP_VS_CONN_F_TUNNEL_TYPE_GUE = 1;
export const IP_VS_CONN_F_TUNNEL_TYPE_GRE = 2;
export const IP_VS_CONN_F_TUNNEL_TYPE_MAX = 3;

// Tunnel encapsulation flags (ip_vs.h, Linux 5.3+).
export const IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM = 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_CSUM = 1 << 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM = 1 << 1;

// Generic netlink commands (ip_vs.h enum, IPVS_CMD_*).
export const IPVS_CMD_UNSPEC = 0;
export const IPVS_CMD_NEW_SERVICE = 1;
export const IPVS_CMD_SET_SERVICE = 2;
export const IPVS_CMD_DEL_SERVICE = 3;
export const IPVS_CMD_GET_SERVICE = 4;
export const IPVS_CMD_NEW_DEST = 5;
export const IPVS_CMD_SET_DEST = 6;
export const IPVS_CMD_DEL_DEST = 7;
export const IPVS_CMD_GET_DEST = 8;
export const IPVS_CMD_NEW_DAEMON = 9;
export const IPVS_CMD_DEL_DAEMON = 10;
export const IPVS_CMD_GET_DAEMON = 11;
export const IPVS_CMD_SET_CONFIG = 12;
export const IPVS_CMD_GET_CONFIG = 13;
/** Only used as the command of the GET_INFO reply. */
export const IPVS_CMD_SET_INFO = 14;
export const IPVS_CMD_GET_INFO = 15;
export const IPVS_CMD_ZERO = 16;
export const IPVS_CMD_FLUSH = 17;
export const IPVS_CMD_MAX = 17;

// First-level command attributes (IPVS_CMD_ATTR_*).
export const IPVS_CMD_ATTR_UNSPEC = 0;
export const IPVS_CMD_ATTR_SERVICE = 1;
export const IPVS_CMD_ATTR_DEST = 2;
export const IPVS_CMD_ATTR_DAEMON = 3;
export const IPVS_CMD_ATTR_TIMEOUT_TCP = 4;
export const IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5;
export const IPVS_CMD_ATTR_TIMEOUT_UDP = 6;
export const IPVS_CMD_ATTR_MAX = 6;

// Service attributes, inside IPVS_CMD_ATTR_SERVICE (IPVS_SVC_ATTR_*).
export const IPVS_SVC_ATTR_UNSPEC = 0;
/** u16 address family. */
export const IPVS_SVC_ATTR_AF = 1;
/** u16 IP protocol number. */
export const IPVS_SVC_ATTR_PROTOCOL = 2;
/** 16-byte `union nf_inet_addr`; an IPv4 address fills the first 4 bytes. */
export const IPVS_SVC_ATTR_ADDR = 3;
/** __be16 port. */
export const IPVS_SVC_ATTR_PORT = 4;
/** u32 firewall mark; present instead of protocol/addr/port. */
export const IPVS_SVC_ATTR_FWMARK = 5;
/** NUL-terminated scheduler name. */
export const IPVS_SVC_ATTR_SCHED_NAME = 6;
/** `struct ip_vs_flags { u32 flags; u32 mask; }`. */
export const IPVS_SVC_ATTR_FLAGS = 7;
/** u32 persistence timeout in seconds. */
export const IPVS_SVC_ATTR_TIMEOUT = 8;
/** __be32 netmask for IPv4; for IPv6 a prefix length stored as a host-order u32. */
export const IPVS_SVC_ATTR_NETMASK = 9;
export const IPVS_SVC_ATTR_STATS = 10;
/** NUL-terminated persistence engine name (e.g. "sip"). */
export const IPVS_SVC_ATTR_PE_NAME = 11;
export const IPVS_SVC_ATTR_STATS64 = 12;
export const IPVS_SVC_ATTR_MAX = 12;

// Destination attributes, inside IPVS_CMD_ATTR_DEST (IPVS_DEST_ATTR_*).
export const IPVS_DEST_ATTR_UNSPEC = 0;
export const IPVS_DEST_ATTR_ADDR = 1;
/** __be16 port. */
export const IPVS_DEST_ATTR_PORT = 2;
/** u32; the kernel keeps only the IP_VS_CONN_F_FWD_MASK bits. */
export const IPVS_DEST_ATTR_FWD_METHOD = 3;
/** u32 holding an int; negative weights are rejected with ERANGE. */
export const IPVS_DEST_ATTR_WEIGHT = 4;
export const IPVS_DEST_ATTR_U_THRESH = 5;
export const IPVS_DEST_ATTR_L_THRESH = 6;
export const IPVS_DEST_ATTR_ACTIVE_CONNS = 7;
export const IPVS_DEST_ATTR_INACT_CONNS = 8;
export const IPVS_DEST_ATTR_PERSIST_CONNS = 9;
export const IPVS_DEST_ATTR_STATS = 10;
/** u16 address family of the destination (Linux 3.18+, for mixed-family tunnels). */
export const IPVS_DEST_ATTR_ADDR_FAMILY = 11;
export const IPVS_DEST_ATTR_STATS64 = 12;
/** u8 tunnel type (Linux 5.3+). */
export const IPVS_DEST_ATTR_TUN_TYPE = 13;
/** __be16 tunnel (GUE) port (Linux 5.3+). */
export const IPVS_DEST_ATTR_TUN_PORT = 14;
/** u16 tunnel flags (Linux 5.3+). */
export const IPVS_DEST_ATTR_TUN_FLAGS = 15;
export const IPVS_DEST_ATTR_MAX = 15;

// Sync daemon attributes, inside IPVS_CMD_ATTR_DAEMON (IPVS_DAEMON_ATTR_*).
export const IPVS_DAEMON_ATTR_UNSPEC = 0;
/** u32 IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP. */
export const IPVS_DAEMON_ATTR_STATE = 1;
/** NUL-terminated interface name, at most 15 characters. */
export const IPVS_DAEMON_ATTR_MCAST_IFN = 2;
export const IPVS_DAEMON_ATTR_SYNC_ID = 3;
/** u16 maximum sync message payload (Linux 4.3+). */
export const IPVS_DAEMON_ATTR_SYNC_MAXLEN = 4;
/** IPv4 multicast group, a __be32 (Linux 4.3+). */
export const IPVS_DAEMON_ATTR_MCAST_GROUP = 5;
/** IPv6 multicast group, 16 bytes (Linux 4.3+). */
export const IPVS_DAEMON_ATTR_MCAST_GROUP6 = 6;
/** u16 multicast port in host order (Linux 4.3+). */
export const IPVS_DAEMON_ATTR_MCAST_PORT = 7;
/** u8 multicast TTL (Linux 4.3+). */
export const IPVS_DAEMON_ATTR_MCAST_TTL = 8;
export const IPVS_DAEMON_ATTR_MAX = 8;

// Statistics attributes, inside *_ATTR_STATS (u32 counters, u64 byte counts) and
// *_ATTR_STATS64 (all u64) (IPVS_STATS_ATTR_*).
export const IPVS_STATS_ATTR_UNSPEC = 0;
export const IPVS_STATS_ATTR_CONNS = 1;
export const IPVS_STATS_ATTR_INPKTS = 2;
export const IPVS_STATS_ATTR_OUTPKTS = 3;
export const IPVS_STATS_ATTR_INBYTES = 4;
export const IPVS_STATS_ATTR_OUTBYTES = 5;
export const IPVS_STATS_ATTR_CPS = 6;
export const IPVS_STATS_ATTR_INPPS = 7;
export const IPVS_STATS_ATTR_OUTPPS = 8;
export const IPVS_STATS_ATTR_INBPS = 9;
export const IPVS_STATS_ATTR_OUTBPS = 10;
/** Padding attribute nla_put_u64_64bit() inserts on hosts that need 8-byte alignment. */
export const IPVS_STATS_ATTR_PAD = 11;
export const IPVS_STATS_ATTR_MAX = 11;

// Attributes of the GET_INFO reply (IPVS_INFO_ATTR_*).
export const IPVS_INFO_ATTR_UNSPEC = 0;
export const IPVS_INFO_ATTR_VERSION = 1;
export const IPVS_INFO_ATTR_CONN_TAB_SIZE = 2;
export const IPVS_INFO_ATTR_MAX = 2;

// Address families (include/linux/socket.h) and protocols (include/uapi/linux/in.h)
// the IPVS attributes carry.
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

// Sync daemon defaults applied by the kernel when attributes are absent
// (include/net/ip_vs.h IP_VS_SYNC_GROUP / IP_VS_SYNC_PORT; ip_vs_sync.c TTL 1).
export const IP_VS_SYNC_GROUP = '224.0.0.81';
export const IP_VS_SYNC_PORT = 8848;
export const IP_VS_SYNC_DEFAULT_TTL = 1;
