/**
 * rtnetlink constants for routes and policy rules. Message types, `struct rtmsg` fields,
 * RTA_* attributes, route types and groups from include/uapi/linux/rtnetlink.h; rule
 * attributes, actions and flags from include/uapi/linux/fib_rules.h. Stable since Linux
 * 2.6 unless noted.
 */

// Message types (rtnetlink.h, enum RTM_*).
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;

/** `sizeof(struct rtmsg)`: u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags. */
export const RTMSG_SIZE = 12;
/** `sizeof(struct fib_rule_hdr)`: u8 family, dst_len, src_len, tos, table, res1, res2, action; u32 flags. */
export const FIB_RULE_HDR_SIZE = 12;

// struct rtmsg attributes (rtnetlink.h, enum rtattr_type_t).
export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_IIF = 3;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
/** u32 table id; needed for tables above 255, which do not fit `rtm_table`. Linux 2.6.19+. */
export const RTA_TABLE = 15;

// Route types (rtnetlink.h, enum RTN_*).
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;

/** rtnetlink.h enum rt_class_t: `rtm_table` 0 says "see RTA_TABLE". */
export const RT_TABLE_UNSPEC = 0;
/** RTPROT_KEEPALIVED (rtnetlink.h, Linux 4.17+ names it; the number works on any kernel). */
export const RTPROT_KEEPALIVED = 18;
/** RTNH_F_ONLINK (rtnetlink.h): the gateway is on-link; also valid in `rtm_flags`. */
export const RTNH_F_ONLINK = 4;

// Multicast groups (rtnetlink.h, enum rtnetlink_groups).
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV4_RULE = 8;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_IPV6_RULE = 19;

// struct fib_rule_hdr attributes (fib_rules.h, enum FRA_*).
export const FRA_DST = 1;
export const FRA_SRC = 2;
export const FRA_IIFNAME = 3;
export const FRA_PRIORITY = 6;
export const FRA_FWMARK = 10;
export const FRA_TABLE = 15;
export const FRA_FWMASK = 16;
export const FRA_OIFNAME = 17;
/** u8 protocol of the rule; Linux 4.17+. */
export const FRA_PROTOCOL = 21;

// Rule actions (fib_rules.h enum FR_ACT_*) and flags.
export const FR_ACT_UNSPEC = 0;
export const FR_ACT_TO_TBL = 1;
export const FIB_RULE_INVERT = 0x2;
