import { readU32, readU64, type NetlinkAttribute, type NetlinkAttributeTable } from '../netlink/NetlinkAttribute.js';
import {
  IPVS_STATS_ATTR_CONNS,
  IPVS_STATS_ATTR_CPS,
  IPVS_STATS_ATTR_INBPS,
  IPVS_STATS_ATTR_INBYTES,
  IPVS_STATS_ATTR_INPKTS,
  IPVS_STATS_ATTR_INPPS,
  IPVS_STATS_ATTR_OUTBPS,
  IPVS_STATS_ATTR_OUTBYTES,
  IPVS_STATS_ATTR_OUTPKTS,
  IPVS_STATS_ATTR_OUTPPS,
} from './IpvsConstants.js';
import type { IpvsStats } from './IpvsModel.js';

/**
 * The nests IPVS_SVC_ATTR_STATS / IPVS_DEST_ATTR_STATS (ip_vs_ctl.c
 * ip_vs_genl_fill_stats: u32 counters and rates, u64 byte counts) and
 * *_STATS64 (ip_vs_genl_fill_stats64: all u64). IPVS_STATS_ATTR_PAD entries,
 * which nla_put_u64_64bit() adds on hosts needing 8-byte alignment, are skipped
 * by looking attributes up by type.
 */

const FIELDS: readonly [keyof IpvsStats, number][] = [
  ['conns', IPVS_STATS_ATTR_CONNS],
  ['inpkts', IPVS_STATS_ATTR_INPKTS],
  ['outpkts', IPVS_STATS_ATTR_OUTPKTS],
  ['inbytes', IPVS_STATS_ATTR_INBYTES],
  ['outbytes', IPVS_STATS_ATTR_OUTBYTES],
  ['cps', IPVS_STATS_ATTR_CPS],
  ['inpps', IPVS_STATS_ATTR_INPPS],
  ['outpps', IPVS_STATS_ATTR_OUTPPS],
  ['inbps', IPVS_STATS_ATTR_INBPS],
  ['outbps', IPVS_STATS_ATTR_OUTBPS],
];

const BYTE_COUNTERS = new Set<number>([IPVS_STATS_ATTR_INBYTES, IPVS_STATS_ATTR_OUTBYTES]);

function parse(table: NetlinkAttributeTable, read: (attribute: NetlinkAttribute, type: number) => bigint): IpvsStats {
  const stats: Record<string, bigint> = {};
  for (const [name, type] of FIELDS) {
    const attribute = table.get(type);
    stats[name] = attribute ? read(attribute, type) : 0n;
  }
  return stats as unknown as IpvsStats;
}

/** IPVS_*_ATTR_STATS: 32-bit counters except the two byte counts. */
export function parseStats32(table: NetlinkAttributeTable): IpvsStats {
  return parse(table, (attribute, type) => (BYTE_COUNTERS.has(type) ? readU64(attribute) : BigInt(readU32(attribute))));
}

/** IPVS_*_ATTR_STATS64: every counter 64-bit. */
export function parseStats64(table: NetlinkAttributeTable): IpvsStats {
  return parse(table, (attribute) => readU64(attribute));
}

export const ZERO_STATS: IpvsStats = {
  conns: 0n,
  inpkts: 0n,
  outpkts: 0n,
  inbytes: 0n,
  outbytes: 0n,
  cps: 0n,
  inpps: 0n,
  outpps: 0n,
  inbps: 0n,
  outbps: 0n,
};

/** Attribute types in the order the kernel writes them, for encoders (fakes). */
export const STATS_FIELD_ORDER = FIELDS;
export const STATS_BYTE_COUNTER_TYPES: ReadonlySet<number> = BYTE_COUNTERS;
