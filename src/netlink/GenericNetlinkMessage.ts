import { GENL_HDRLEN } from './GenericNetlinkConstants.js';
import { NetlinkAttributeTable } from './NetlinkAttribute.js';
import { NLMSG_HDRLEN } from './NetlinkConstants.js';
import { NetlinkDecodeError } from './NetlinkDecodeError.js';
import { encodeNetlinkMessage, type NetlinkHeader, type NetlinkMessage } from './NetlinkMessage.js';

/** `struct genlmsghdr` (genetlink.h); the reserved u16 is always written as 0. */
export interface GenericNetlinkHeader {
  readonly cmd: number;
  readonly version: number;
}

/** A generic netlink message: the netlink header, the genl header and its top-level attributes. */
export interface GenericNetlinkMessage {
  readonly header: NetlinkMessage['header'];
  readonly genl: GenericNetlinkHeader;
  readonly attributes: NetlinkAttributeTable;
  /** The raw attribute bytes after the genl header (a view). */
  readonly attributeBytes: Uint8Array;
}

/** Encodes nlmsghdr + genlmsghdr + pre-encoded attributes. */
export function encodeGenericNetlinkMessage(header: NetlinkHeader, genl: GenericNetlinkHeader, attributes: Uint8Array): Uint8Array {
  const payload = new Uint8Array(GENL_HDRLEN + attributes.length);
  payload[0] = genl.cmd;
  payload[1] = genl.version;
  payload.set(attributes, GENL_HDRLEN);
  return encodeNetlinkMessage(header, payload);
}

/** Splits a received message into its genl header and attributes. */
export function decodeGenericNetlinkMessage(message: NetlinkMessage): GenericNetlinkMessage {
  if (message.payload.length < GENL_HDRLEN) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_PAYLOAD', `payload of ${message.payload.length} byte(s) cannot hold a genlmsghdr`, {
      offset: message.offset,
      type: message.header.type,
    });
  }
  const attributeBytes = message.payload.subarray(GENL_HDRLEN);
  return {
    header: message.header,
    genl: { cmd: message.payload[0] ?? 0, version: message.payload[1] ?? 0 },
    attributes: NetlinkAttributeTable.decode(attributeBytes, NLMSG_HDRLEN + GENL_HDRLEN),
    attributeBytes,
  };
}
