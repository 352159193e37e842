import { VigilError } from '../core/VigilError.js';
import { NetlinkAttributeTable, readBe16, readBytes, readU16, readU32, readU8 } from '../netlink/NetlinkAttribute.js';
import type { NetlinkAttributeWriter } from '../netlink/NetlinkAttributeWriter.js';
import { NF_INET_ADDR_SIZE, decodeInetAddress, encodeInetAddress } from './IpvsAddress.js';
import {
  AF_INET,
  IPVS_DEST_ATTR_ACTIVE_CONNS,
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_ADDR_FAMILY,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_INACT_CONNS,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PERSIST_CONNS,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_STATS,
  IPVS_DEST_ATTR_STATS64,
  IPVS_DEST_ATTR_TUN_FLAGS,
  IPVS_DEST_ATTR_TUN_PORT,
  IPVS_DEST_ATTR_TUN_TYPE,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IP_VS_CONN_F_FWD_MASK,
} from './IpvsConstants.js';
import { resolveDestSettings } from './IpvsDefaults.js';
import type { IpvsAddressFamily, IpvsDest, IpvsDestEntry, IpvsDestId } from './IpvsModel.js';
import { parseStats32, parseStats64 } from './IpvsStatsAttributes.js';
import { addressFamily, forwardingName, forwardingNumber, tunnelTypeName, tunnelTypeNumber } from './IpvsWireValues.js';

/**
 * The attributes inside IPVS_CMD_ATTR_DEST, in the order ipvsadm 1.31 sends them
 * (ADDR_FAMILY, ADDR, PORT, FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT, TUN_FLAGS,
 * U_THRESH, L_THRESH) and with the types of ip_vs_ctl.c ip_vs_dest_policy.
 */

function invalid(message: string, details: Record<string, unknown>): VigilError {
  return new VigilError('IPVS_INVALID_DEST', message, details);
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalid(`${what} ${value} is outside 0..${max}`, { [what]: value });
}

/** ADDR_FAMILY, ADDR, PORT: what DEL_DEST needs. */
export function writeDestId(writer: NetlinkAttributeWriter, dest: IpvsDestId): void {
  checkUint(dest.port, 0xffff, 'port');
  writer
    .u16(IPVS_DEST_ATTR_ADDR_FAMILY, dest.af)
    .bytes(IPVS_DEST_ATTR_ADDR, encodeInetAddress(dest.af, dest.address))
    .be16(IPVS_DEST_ATTR_PORT, dest.port);
}

/** Identity plus what NEW/SET_DEST require (fwd, weight, thresholds) and the tunnel settings. */
export function writeDestFull(writer: NetlinkAttributeWriter, dest: IpvsDest): void {
  const settings = resolveDestSettings(dest);
  // The kernel stores the weight as an int and answers ERANGE to negative ones.
  checkUint(settings.weight, 0x7fffffff, 'weight');
  checkUint(settings.upperThreshold, 0xffffffff, 'upperThreshold');
  checkUint(settings.lowerThreshold, 0xffffffff, 'lowerThreshold');
  checkUint(settings.tunnelPort, 0xffff, 'tunnelPort');
  checkUint(settings.tunnelFlags, 0xffff, 'tunnelFlags');
  writeDestId(writer, dest);
  writer
    .u32(IPVS_DEST_ATTR_FWD_METHOD, forwardingNumber(settings.forwarding))
    .u32(IPVS_DEST_ATTR_WEIGHT, settings.weight)
    .u8(IPVS_DEST_ATTR_TUN_TYPE, tunnelTypeNumber(settings.tunnelType))
    .be16(IPVS_DEST_ATTR_TUN_PORT, settings.tunnelPort)
    .u16(IPVS_DEST_ATTR_TUN_FLAGS, settings.tunnelFlags)
    .u32(IPVS_DEST_ATTR_U_THRESH, settings.upperThreshold)
    .u32(IPVS_DEST_ATTR_L_THRESH, settings.lowerThreshold);
}

/**
 * Decodes a dest nest from a dump (ip_vs_genl_fill_dest). Kernels before 3.18 send
 * no ADDR_FAMILY: the dest then has its service's family, `serviceAf`. With
 * `counters: false` the statistics nests are skipped.
 */
export function parseDestAttributes(table: NetlinkAttributeTable, serviceAf: IpvsAddressFamily, options: { readonly counters?: boolean } = {}): IpvsDestEntry {
  const afAttr = table.get(IPVS_DEST_ATTR_ADDR_FAMILY);
  const af = afAttr ? addressFamily(readU16(afAttr)) : serviceAf;
  const count = (type: number): number => {
    const attribute = table.get(type);
    return attribute ? readU32(attribute) : 0;
  };
  const tunnelType = table.get(IPVS_DEST_ATTR_TUN_TYPE);
  const tunnelPort = table.get(IPVS_DEST_ATTR_TUN_PORT);
  const tunnelFlags = table.get(IPVS_DEST_ATTR_TUN_FLAGS);
  // Counters cost 20 BigInts per dest; reconciling does not need them.
  const counters = options.counters !== false;
  const stats = counters ? table.get(IPVS_DEST_ATTR_STATS) : undefined;
  const stats64 = counters ? table.get(IPVS_DEST_ATTR_STATS64) : undefined;
  return {
    af,
    address: decodeInetAddress(af, readBytes(table.require(IPVS_DEST_ATTR_ADDR, 'IPVS_DEST_ATTR_ADDR'), af === AF_INET ? 4 : NF_INET_ADDR_SIZE)),
    port: readBe16(table.require(IPVS_DEST_ATTR_PORT, 'IPVS_DEST_ATTR_PORT')),
    forwarding: forwardingName(readU32(table.require(IPVS_DEST_ATTR_FWD_METHOD, 'IPVS_DEST_ATTR_FWD_METHOD')) & IP_VS_CONN_F_FWD_MASK),
    weight: readU32(table.require(IPVS_DEST_ATTR_WEIGHT, 'IPVS_DEST_ATTR_WEIGHT')),
    upperThreshold: count(IPVS_DEST_ATTR_U_THRESH),
    lowerThreshold: count(IPVS_DEST_ATTR_L_THRESH),
    tunnelType: tunnelType ? tunnelTypeName(readU8(tunnelType)) : 'ipip',
    tunnelPort: tunnelPort ? readBe16(tunnelPort) : 0,
    tunnelFlags: tunnelFlags ? readU16(tunnelFlags) : 0,
    activeConnections: count(IPVS_DEST_ATTR_ACTIVE_CONNS),
    inactiveConnections: count(IPVS_DEST_ATTR_INACT_CONNS),
    persistentConnections: count(IPVS_DEST_ATTR_PERSIST_CONNS),
    ...(stats && { stats: parseStats32(NetlinkAttributeTable.nested(stats)) }),
    ...(stats64 && { stats64: parseStats64(NetlinkAttributeTable.nested(stats64)) }),
  };
}
