import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_ATTR_HDRSIZE,
  CTRL_ATTR_MAXATTR,
  CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_MCAST_GRP_ID,
  CTRL_ATTR_MCAST_GRP_NAME,
  CTRL_ATTR_OPS,
  CTRL_ATTR_OP_FLAGS,
  CTRL_ATTR_OP_ID,
  CTRL_ATTR_VERSION,
  CTRL_CMD_GETFAMILY,
  CTRL_CMD_NEWFAMILY,
  GENL_CTRL_VERSION,
  GENL_ID_CTRL,
  GENL_NAMSIZ,
} from './GenericNetlinkConstants.js';
import { decodeGenericNetlinkMessage, encodeGenericNetlinkMessage } from './GenericNetlinkMessage.js';
import { NetlinkAttributeTable, decodeNested, readString, readU16, readU32 } from './NetlinkAttribute.js';
import { NetlinkAttributeWriter } from './NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_REQUEST } from './NetlinkConstants.js';
import { NetlinkDecodeError } from './NetlinkDecodeError.js';
import { VigilError } from '../core/VigilError.js';
import type { NetlinkMessage } from './NetlinkMessage.js';

/** What the controller ("nlctrl") reports about a generic netlink family. */
export interface GenericNetlinkFamily {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly headerSize: number;
  readonly maxAttribute: number;
  readonly operations: readonly { readonly cmd: number; readonly flags: number }[];
  readonly multicastGroups: readonly { readonly name: string; readonly id: number }[];
}

export interface ControllerRequestHeader {
  readonly seq: number;
  readonly pid?: number;
}

/**
 * CTRL_CMD_GETFAMILY by name, as libnl's genl_ctrl_resolve() sends it: type
 * GENL_ID_CTRL, flags REQUEST|ACK, genl version 1, one CTRL_ATTR_FAMILY_NAME.
 */
export function buildGetFamilyRequest(name: string, header: ControllerRequestHeader): Uint8Array {
  if (name.length === 0 || name.length >= GENL_NAMSIZ) {
    throw new VigilError('NETLINK_BAD_FAMILY_NAME', `generic netlink family names have 1..${GENL_NAMSIZ - 1} characters, got "${name}"`);
  }
  const attributes = new NetlinkAttributeWriter().string(CTRL_ATTR_FAMILY_NAME, name).toBytes();
  return encodeGenericNetlinkMessage(
    { type: GENL_ID_CTRL, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 },
    { cmd: CTRL_CMD_GETFAMILY, version: GENL_CTRL_VERSION },
    attributes,
  );
}

/** Decodes the CTRL_CMD_NEWFAMILY reply to a GETFAMILY request. */
export function parseFamilyReply(message: NetlinkMessage): GenericNetlinkFamily {
  if (message.header.type !== GENL_ID_CTRL) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `expected a controller message (type ${GENL_ID_CTRL}), got type ${message.header.type}`);
  }
  const genl = decodeGenericNetlinkMessage(message);
  if (genl.genl.cmd !== CTRL_CMD_NEWFAMILY) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `expected CTRL_CMD_NEWFAMILY, got command ${genl.genl.cmd}`);
  }
  const table = genl.attributes;
  const version = table.get(CTRL_ATTR_VERSION);
  const headerSize = table.get(CTRL_ATTR_HDRSIZE);
  const maxAttribute = table.get(CTRL_ATTR_MAXATTR);
  const ops = table.get(CTRL_ATTR_OPS);
  const groups = table.get(CTRL_ATTR_MCAST_GROUPS);
  return {
    id: readU16(table.require(CTRL_ATTR_FAMILY_ID, 'CTRL_ATTR_FAMILY_ID')),
    name: readString(table.require(CTRL_ATTR_FAMILY_NAME, 'CTRL_ATTR_FAMILY_NAME')),
    version: version ? readU32(version) : 0,
    headerSize: headerSize ? readU32(headerSize) : 0,
    maxAttribute: maxAttribute ? readU32(maxAttribute) : 0,
    // Both lists are nested arrays: each entry is a nest whose type is just its index.
    operations: ops
      ? decodeNested(ops).map((entry) => {
          const op = NetlinkAttributeTable.nested(entry);
          const flags = op.get(CTRL_ATTR_OP_FLAGS);
          return { cmd: readU32(op.require(CTRL_ATTR_OP_ID, 'CTRL_ATTR_OP_ID')), flags: flags ? readU32(flags) : 0 };
        })
      : [],
    multicastGroups: groups
      ? decodeNested(groups).map((entry) => {
          const group = NetlinkAttributeTable.nested(entry);
          return {
            name: readString(group.require(CTRL_ATTR_MCAST_GRP_NAME, 'CTRL_ATTR_MCAST_GRP_NAME')),
            id: readU32(group.require(CTRL_ATTR_MCAST_GRP_ID, 'CTRL_ATTR_MCAST_GRP_ID')),
          };
        })
      : [],
  };
}

/**
 * Encodes a CTRL_CMD_NEWFAMILY reply the way net/netlink/genetlink.c ctrl_fill_info()
 * lays it out (name, id, version, hdrsize, maxattr, ops, groups); used by fakes.
 */
export function encodeFamilyReply(
  family: GenericNetlinkFamily,
  header: { readonly seq: number; readonly portId: number; readonly flags?: number },
): Uint8Array {
  const writer = new NetlinkAttributeWriter()
    .string(CTRL_ATTR_FAMILY_NAME, family.name)
    .u16(CTRL_ATTR_FAMILY_ID, family.id)
    .u32(CTRL_ATTR_VERSION, family.version)
    .u32(CTRL_ATTR_HDRSIZE, family.headerSize)
    .u32(CTRL_ATTR_MAXATTR, family.maxAttribute);
  if (family.operations.length > 0) {
    writer.nest(
      CTRL_ATTR_OPS,
      (ops) => {
        family.operations.forEach((op, index) => {
          ops.nest(index + 1, (entry) => entry.u32(CTRL_ATTR_OP_ID, op.cmd).u32(CTRL_ATTR_OP_FLAGS, op.flags), { flagNested: false });
        });
      },
      { flagNested: false },
    );
  }
  if (family.multicastGroups.length > 0) {
    writer.nest(
      CTRL_ATTR_MCAST_GROUPS,
      (groups) => {
        family.multicastGroups.forEach((group, index) => {
          groups.nest(
            index + 1,
            (entry) => entry.u32(CTRL_ATTR_MCAST_GRP_ID, group.id).string(CTRL_ATTR_MCAST_GRP_NAME, group.name),
            { flagNested: false },
          );
        });
      },
      { flagNested: false },
    );
  }
  return encodeGenericNetlinkMessage(
    { type: GENL_ID_CTRL, flags: header.flags ?? 0, seq: header.seq, pid: header.portId },
    // The controller family answers with its own version, 2 (genetlink.c genl_ctrl).
    { cmd: CTRL_CMD_NEWFAMILY, version: 2 },
    writer.toBytes(),
  );
}
