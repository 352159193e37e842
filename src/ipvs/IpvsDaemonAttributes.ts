import { VigilError } from '../core/VigilError.js';
import { readBytes, readString, readU16, readU32, readU8, type NetlinkAttributeTable } from '../netlink/NetlinkAttribute.js';
import type { NetlinkAttributeWriter } from '../netlink/NetlinkAttributeWriter.js';
import { addressFamilyOf, addressToBytes, decodeInetAddress } from './IpvsAddress.js';
import {
  AF_INET,
  AF_INET6,
  IPVS_DAEMON_ATTR_MCAST_GROUP,
  IPVS_DAEMON_ATTR_MCAST_GROUP6,
  IPVS_DAEMON_ATTR_MCAST_IFN,
  IPVS_DAEMON_ATTR_MCAST_PORT,
  IPVS_DAEMON_ATTR_MCAST_TTL,
  IPVS_DAEMON_ATTR_STATE,
  IPVS_DAEMON_ATTR_SYNC_ID,
  IPVS_DAEMON_ATTR_SYNC_MAXLEN,
  IP_VS_IFNAME_MAXLEN,
  IP_VS_STATE_BACKUP,
  IP_VS_STATE_MASTER,
} from './IpvsConstants.js';
import type { IpvsSyncDaemon, IpvsSyncDaemonState } from './IpvsModel.js';

/**
 * The attributes inside IPVS_CMD_ATTR_DAEMON (ip_vs_ctl.c ip_vs_daemon_policy,
 * ip_vs_genl_new_daemon / ip_vs_genl_fill_daemon). Optional settings are sent only
 * when set, as libipvs does, so the kernel applies its defaults.
 */

function invalid(message: string, details: Record<string, unknown>): VigilError {
  return new VigilError('IPVS_INVALID_DAEMON', message, details);
}

export function daemonStateNumber(state: IpvsSyncDaemonState): number {
  return state === 'master' ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
}

export function daemonStateName(value: number): IpvsSyncDaemonState {
  if (value === IP_VS_STATE_MASTER) return 'master';
  if (value === IP_VS_STATE_BACKUP) return 'backup';
  throw new VigilError('IPVS_UNKNOWN_DAEMON_STATE', `sync daemon state ${value} is neither master nor backup`, { state: value });
}

/** NEW_DAEMON: STATE, MCAST_IFN, SYNC_ID, then SYNC_MAXLEN, MCAST_PORT, MCAST_TTL, MCAST_GROUP(6) when set. */
export function writeDaemonFull(writer: NetlinkAttributeWriter, daemon: IpvsSyncDaemon): void {
  if (daemon.interface.length === 0 || daemon.interface.length >= IP_VS_IFNAME_MAXLEN) {
    throw invalid(`interface name "${daemon.interface}" must have 1..${IP_VS_IFNAME_MAXLEN - 1} characters`, { interface: daemon.interface });
  }
  const inRange = (value: number | undefined, max: number, what: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) throw invalid(`${what} ${value} is outside 0..${max}`, { [what]: value });
  };
  inRange(daemon.syncId, 0xffffffff, 'syncId');
  inRange(daemon.maxLength, 0xffff, 'maxLength');
  inRange(daemon.port, 0xffff, 'port');
  inRange(daemon.ttl, 0xff, 'ttl');
  writer
    .u32(IPVS_DAEMON_ATTR_STATE, daemonStateNumber(daemon.state))
    .string(IPVS_DAEMON_ATTR_MCAST_IFN, daemon.interface)
    .u32(IPVS_DAEMON_ATTR_SYNC_ID, daemon.syncId);
  if (daemon.maxLength !== undefined) writer.u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, daemon.maxLength);
  // The port is host order: ip_vs_genl_new_daemon() reads it with nla_get_u16().
  if (daemon.port !== undefined) writer.u16(IPVS_DAEMON_ATTR_MCAST_PORT, daemon.port);
  if (daemon.ttl !== undefined) writer.u8(IPVS_DAEMON_ATTR_MCAST_TTL, daemon.ttl);
  if (daemon.group !== undefined) {
    const af = addressFamilyOf(daemon.group);
    // MCAST_GROUP is an in_addr (network order), MCAST_GROUP6 an in6_addr.
    writer.bytes(af === AF_INET ? IPVS_DAEMON_ATTR_MCAST_GROUP : IPVS_DAEMON_ATTR_MCAST_GROUP6, addressToBytes(daemon.group));
  }
}

/** DEL_DAEMON only needs the state to stop. */
export function writeDaemonState(writer: NetlinkAttributeWriter, state: IpvsSyncDaemonState): void {
  writer.u32(IPVS_DAEMON_ATTR_STATE, daemonStateNumber(state));
}

/** Decodes a daemon nest from a GET_DAEMON dump. */
export function parseDaemonAttributes(table: NetlinkAttributeTable): IpvsSyncDaemon {
  const maxLength = table.get(IPVS_DAEMON_ATTR_SYNC_MAXLEN);
  const port = table.get(IPVS_DAEMON_ATTR_MCAST_PORT);
  const ttl = table.get(IPVS_DAEMON_ATTR_MCAST_TTL);
  const group = table.get(IPVS_DAEMON_ATTR_MCAST_GROUP);
  const group6 = table.get(IPVS_DAEMON_ATTR_MCAST_GROUP6);
  return {
    state: daemonStateName(readU32(table.require(IPVS_DAEMON_ATTR_STATE, 'IPVS_DAEMON_ATTR_STATE'))),
    interface: readString(table.require(IPVS_DAEMON_ATTR_MCAST_IFN, 'IPVS_DAEMON_ATTR_MCAST_IFN')),
    syncId: readU32(table.require(IPVS_DAEMON_ATTR_SYNC_ID, 'IPVS_DAEMON_ATTR_SYNC_ID')),
    ...(maxLength && { maxLength: readU16(maxLength) }),
    ...(port && { port: readU16(port) }),
    ...(ttl && { ttl: readU8(ttl) }),
    ...(group && { group: decodeInetAddress(AF_INET, readBytes(group, 4)) }),
    ...(group6 && !group && { group: decodeInetAddress(AF_INET6, readBytes(group6, 16)) }),
  };
}
