import { decodeGenericNetlinkMessage, type GenericNetlinkMessage } from '../netlink/GenericNetlinkMessage.js';
import { NetlinkAttributeTable, readU32 } from '../netlink/NetlinkAttribute.js';
import { NetlinkDecodeError } from '../netlink/NetlinkDecodeError.js';
import type { NetlinkMessage } from '../netlink/NetlinkMessage.js';
import {
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_ATTR_TIMEOUT_TCP,
  IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
  IPVS_CMD_ATTR_TIMEOUT_UDP,
  IPVS_CMD_NEW_DAEMON,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_CONFIG,
  IPVS_CMD_SET_INFO,
  IPVS_INFO_ATTR_CONN_TAB_SIZE,
  IPVS_INFO_ATTR_VERSION,
} from './IpvsConstants.js';
import { parseDaemonAttributes } from './IpvsDaemonAttributes.js';
import { parseDestAttributes } from './IpvsDestAttributes.js';
import type { IpvsAddressFamily, IpvsDestEntry, IpvsInfo, IpvsServiceEntry, IpvsSyncDaemon, IpvsTimeouts } from './IpvsModel.js';
import { parseServiceAttributes } from './IpvsServiceAttributes.js';

/**
 * Decoders for the messages the kernel answers IPVS requests with
 * (ip_vs_ctl.c ip_vs_genl_dump_* / ip_vs_genl_get_cmd). Each takes one received
 * netlink message of the IPVS family; collecting a dump's messages up to
 * NLMSG_DONE is NetlinkReplyCollector's job.
 */

function expectCommand(message: NetlinkMessage, cmd: number, what: string): GenericNetlinkMessage {
  const genl = decodeGenericNetlinkMessage(message);
  if (genl.genl.cmd !== cmd) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `expected ${what} (command ${cmd}), got command ${genl.genl.cmd}`, {
      cmd: genl.genl.cmd,
    });
  }
  return genl;
}

/** One IPVS_CMD_NEW_SERVICE message (a service dump entry or the GET_SERVICE answer). */
export function parseServiceReply(message: NetlinkMessage, options: { readonly counters?: boolean } = {}): IpvsServiceEntry {
  const genl = expectCommand(message, IPVS_CMD_NEW_SERVICE, 'IPVS_CMD_NEW_SERVICE');
  return parseServiceAttributes(NetlinkAttributeTable.nested(genl.attributes.require(IPVS_CMD_ATTR_SERVICE, 'IPVS_CMD_ATTR_SERVICE')), options);
}

/** One IPVS_CMD_NEW_DEST message of a dest dump; `serviceAf` stands in for a missing ADDR_FAMILY. */
export function parseDestReply(message: NetlinkMessage, serviceAf: IpvsAddressFamily, options: { readonly counters?: boolean } = {}): IpvsDestEntry {
  const genl = expectCommand(message, IPVS_CMD_NEW_DEST, 'IPVS_CMD_NEW_DEST');
  return parseDestAttributes(NetlinkAttributeTable.nested(genl.attributes.require(IPVS_CMD_ATTR_DEST, 'IPVS_CMD_ATTR_DEST')), serviceAf, options);
}

/** One IPVS_CMD_NEW_DAEMON message of a daemon dump. */
export function parseDaemonReply(message: NetlinkMessage): IpvsSyncDaemon {
  const genl = expectCommand(message, IPVS_CMD_NEW_DAEMON, 'IPVS_CMD_NEW_DAEMON');
  return parseDaemonAttributes(NetlinkAttributeTable.nested(genl.attributes.require(IPVS_CMD_ATTR_DAEMON, 'IPVS_CMD_ATTR_DAEMON')));
}

/** The IPVS_CMD_SET_INFO answer to GET_INFO; its attributes are top level. */
export function parseInfoReply(message: NetlinkMessage): IpvsInfo {
  const genl = expectCommand(message, IPVS_CMD_SET_INFO, 'IPVS_CMD_SET_INFO');
  const version = readU32(genl.attributes.require(IPVS_INFO_ATTR_VERSION, 'IPVS_INFO_ATTR_VERSION'));
  return {
    version,
    versionText: `${(version >> 16) & 0xff}.${(version >> 8) & 0xff}.${version & 0xff}`,
    connectionTableSize: readU32(genl.attributes.require(IPVS_INFO_ATTR_CONN_TAB_SIZE, 'IPVS_INFO_ATTR_CONN_TAB_SIZE')),
  };
}

/** The IPVS_CMD_SET_CONFIG answer to GET_CONFIG. A kernel without TCP or UDP support omits that protocol's timeouts (read as 0). */
export function parseConfigReply(message: NetlinkMessage): IpvsTimeouts {
  const genl = expectCommand(message, IPVS_CMD_SET_CONFIG, 'IPVS_CMD_SET_CONFIG');
  const timeout = (type: number): number => {
    const attribute = genl.attributes.get(type);
    return attribute ? readU32(attribute) : 0;
  };
  return {
    tcp: timeout(IPVS_CMD_ATTR_TIMEOUT_TCP),
    tcpFin: timeout(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN),
    udp: timeout(IPVS_CMD_ATTR_TIMEOUT_UDP),
  };
}
