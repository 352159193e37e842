/**
 * Constants of generic netlink and its controller family ("nlctrl"), from the
 * kernel's include/uapi/linux/genetlink.h.
 */

/** `sizeof(struct genlmsghdr)`: u8 cmd, u8 version, u16 reserved. */
export const GENL_HDRLEN = 4;
/** Family names are at most 15 characters plus NUL (genetlink.h `GENL_NAMSIZ`). */
export const GENL_NAMSIZ = 16;
export const GENL_MIN_ID = 0x10;
export const GENL_MAX_ID = 1023;

// Operation flags reported in CTRL_ATTR_OP_FLAGS.
export const GENL_ADMIN_PERM = 0x01;
export const GENL_CMD_CAP_DO = 0x02;
export const GENL_CMD_CAP_DUMP = 0x04;
export const GENL_CMD_CAP_HASPOL = 0x08;
export const GENL_UNS_ADMIN_PERM = 0x10;

/** The controller's own, static family id (`GENL_ID_CTRL` = NLMSG_MIN_TYPE). */
export const GENL_ID_CTRL = 0x10;
/** Version the controller family speaks; libnl and iproute2 send 1. */
export const GENL_CTRL_VERSION = 1;
export const GENL_CTRL_NAME = 'nlctrl';

// Controller commands.
export const CTRL_CMD_UNSPEC = 0;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_DELFAMILY = 2;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_CMD_NEWOPS = 4;
export const CTRL_CMD_DELOPS = 5;
export const CTRL_CMD_GETOPS = 6;
export const CTRL_CMD_NEWMCAST_GRP = 7;
export const CTRL_CMD_DELMCAST_GRP = 8;
export const CTRL_CMD_GETMCAST_GRP = 9;
export const CTRL_CMD_GETPOLICY = 10;

// Controller attributes.
export const CTRL_ATTR_UNSPEC = 0;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
export const CTRL_ATTR_OPS = 6;
export const CTRL_ATTR_MCAST_GROUPS = 7;
export const CTRL_ATTR_POLICY = 8;
export const CTRL_ATTR_OP_POLICY = 9;
export const CTRL_ATTR_OP = 10;

// Attributes of one entry in the CTRL_ATTR_OPS nested array.
export const CTRL_ATTR_OP_UNSPEC = 0;
export const CTRL_ATTR_OP_ID = 1;
export const CTRL_ATTR_OP_FLAGS = 2;

// Attributes of one entry in the CTRL_ATTR_MCAST_GROUPS nested array.
export const CTRL_ATTR_MCAST_GRP_UNSPEC = 0;
export const CTRL_ATTR_MCAST_GRP_NAME = 1;
export const CTRL_ATTR_MCAST_GRP_ID = 2;
