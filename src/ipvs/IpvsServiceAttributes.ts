import { VigilError } from '../core/VigilError.js';
import { HOST_IS_LITTLE_ENDIAN } from '../netlink/HostByteOrder.js';
import { NetlinkAttributeTable, readBe16, readBytes, readString, readU16, readU32 } from '../netlink/NetlinkAttribute.js';
import type { NetlinkAttributeWriter } from '../netlink/NetlinkAttributeWriter.js';
import { NF_INET_ADDR_SIZE, decodeInetAddress, encodeInetAddress } from './IpvsAddress.js';
import {
  AF_INET,
  IPVS_SVC_ATTR_ADDR,
  IPVS_SVC_ATTR_AF,
  IPVS_SVC_ATTR_FLAGS,
  IPVS_SVC_ATTR_FWMARK,
  IPVS_SVC_ATTR_NETMASK,
  IPVS_SVC_ATTR_PE_NAME,
  IPVS_SVC_ATTR_PORT,
  IPVS_SVC_ATTR_PROTOCOL,
  IPVS_SVC_ATTR_SCHED_NAME,
  IPVS_SVC_ATTR_STATS,
  IPVS_SVC_ATTR_STATS64,
  IPVS_SVC_ATTR_TIMEOUT,
  IP_VS_PENAME_MAXLEN,
  IP_VS_SCHEDNAME_MAXLEN,
  IP_VS_SVC_F_HASHED,
} from './IpvsConstants.js';
import { resolveServiceSettings } from './IpvsDefaults.js';
import type { IpvsAddressFamily, IpvsService, IpvsServiceEntry, IpvsServiceId } from './IpvsModel.js';
import { parseStats32, parseStats64 } from './IpvsStatsAttributes.js';
import { addressFamily, protocolName, protocolNumber } from './IpvsWireValues.js';

/**
 * The attributes inside IPVS_CMD_ATTR_SERVICE, laid out as libipvs'
 * ipvs_nl_fill_service_attr() does and as net/netfilter/ipvs/ip_vs_ctl.c
 * ip_vs_genl_parse_service() / ip_vs_svc_policy expect.
 */

function invalid(message: string, details: Record<string, unknown>): VigilError {
  return new VigilError('IPVS_INVALID_SERVICE', message, details);
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalid(`${what} ${value} is outside 0..${max}`, { [what]: value });
}

/**
 * IPv4 netmasks travel as a __be32 mask; IPv6 "netmasks" are the prefix length as
 * a host-order u32 (ip_vs_ctl.c reads it with `(__force __u32) u->netmask`).
 */
export function encodeNetmask(af: IpvsAddressFamily, prefix: number): Uint8Array {
  const out = new Uint8Array(4);
  const view = new DataView(out.buffer);
  if (af === AF_INET) {
    checkUint(prefix, 32, 'netmask');
    view.setUint32(0, prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0, false);
  } else {
    if (!Number.isInteger(prefix) || prefix < 1 || prefix > 128) throw invalid(`IPv6 netmask /${prefix} is outside 1..128`, { netmask: prefix });
    view.setUint32(0, prefix, HOST_IS_LITTLE_ENDIAN);
  }
  return out;
}

/** Prefix length from the wire; a non-contiguous IPv4 mask counts its leading ones. */
export function decodeNetmask(af: IpvsAddressFamily, bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  if (af !== AF_INET) return view.getUint32(0, HOST_IS_LITTLE_ENDIAN);
  return Math.clz32(~view.getUint32(0, false));
}

/** The identifying attributes: AF, then FWMARK or PROTOCOL/ADDR/PORT. */
export function writeServiceId(writer: NetlinkAttributeWriter, service: IpvsServiceId): void {
  writer.u16(IPVS_SVC_ATTR_AF, service.af);
  if (service.kind === 'fwmark') {
    if (!Number.isInteger(service.fwmark) || service.fwmark < 1 || service.fwmark > 0xffffffff) {
      throw invalid(`firewall mark ${service.fwmark} is outside 1..4294967295`, { fwmark: service.fwmark });
    }
    writer.u32(IPVS_SVC_ATTR_FWMARK, service.fwmark);
    return;
  }
  checkUint(service.port, 0xffff, 'port');
  writer
    .u16(IPVS_SVC_ATTR_PROTOCOL, protocolNumber(service.protocol))
    .bytes(IPVS_SVC_ATTR_ADDR, encodeInetAddress(service.af, service.address))
    .be16(IPVS_SVC_ATTR_PORT, service.port);
}

/** Identity plus everything NEW/SET_SERVICE require (sched, flags, timeout, netmask; pe if any). */
export function writeServiceFull(writer: NetlinkAttributeWriter, service: IpvsService): void {
  const settings = resolveServiceSettings(service);
  if (settings.scheduler.length === 0 || settings.scheduler.length >= IP_VS_SCHEDNAME_MAXLEN) {
    throw invalid(`scheduler name "${settings.scheduler}" must have 1..${IP_VS_SCHEDNAME_MAXLEN - 1} characters`, { scheduler: settings.scheduler });
  }
  if (settings.persistenceEngine.length >= IP_VS_PENAME_MAXLEN) {
    throw invalid(`persistence engine "${settings.persistenceEngine}" is longer than ${IP_VS_PENAME_MAXLEN - 1} characters`, {
      persistenceEngine: settings.persistenceEngine,
    });
  }
  checkUint(settings.timeout, 0xffffffff, 'timeout');
  writeServiceId(writer, service);
  writer.string(IPVS_SVC_ATTR_SCHED_NAME, settings.scheduler);
  if (settings.persistenceEngine !== '') writer.string(IPVS_SVC_ATTR_PE_NAME, settings.persistenceEngine);
  // struct ip_vs_flags { flags, mask }: a full mask makes the kernel take exactly these flags.
  const flags = new Uint8Array(8);
  const view = new DataView(flags.buffer);
  view.setUint32(0, settings.flags, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(4, 0xffffffff, HOST_IS_LITTLE_ENDIAN);
  writer
    .bytes(IPVS_SVC_ATTR_FLAGS, flags)
    .u32(IPVS_SVC_ATTR_TIMEOUT, settings.timeout)
    .bytes(IPVS_SVC_ATTR_NETMASK, encodeNetmask(service.af, settings.netmask));
}

/** Decodes a service nest from a dump or GET_SERVICE reply (ip_vs_genl_fill_service); `counters: false` skips the statistics. */
export function parseServiceAttributes(table: NetlinkAttributeTable, options: { readonly counters?: boolean } = {}): IpvsServiceEntry {
  const af = addressFamily(readU16(table.require(IPVS_SVC_ATTR_AF, 'IPVS_SVC_ATTR_AF')));
  const flagsAttr = table.get(IPVS_SVC_ATTR_FLAGS);
  const flags = flagsAttr ? readU32(flagsAttr) & ~IP_VS_SVC_F_HASHED : 0;
  const timeout = table.get(IPVS_SVC_ATTR_TIMEOUT);
  const netmask = table.get(IPVS_SVC_ATTR_NETMASK);
  const pe = table.get(IPVS_SVC_ATTR_PE_NAME);
  const counters = options.counters !== false;
  const stats = counters ? table.get(IPVS_SVC_ATTR_STATS) : undefined;
  const stats64 = counters ? table.get(IPVS_SVC_ATTR_STATS64) : undefined;
  const settings = {
    af,
    scheduler: readString(table.require(IPVS_SVC_ATTR_SCHED_NAME, 'IPVS_SVC_ATTR_SCHED_NAME')),
    flags,
    timeout: timeout ? readU32(timeout) : 0,
    netmask: netmask ? decodeNetmask(af, readBytes(netmask, 4)) : af === AF_INET ? 32 : 128,
    ...(pe && readString(pe) !== '' && { persistenceEngine: readString(pe) }),
    ...(stats && { stats: parseStats32(NetlinkAttributeTable.nested(stats)) }),
    ...(stats64 && { stats64: parseStats64(NetlinkAttributeTable.nested(stats64)) }),
  };
  const fwmark = table.get(IPVS_SVC_ATTR_FWMARK);
  if (fwmark) return { kind: 'fwmark', fwmark: readU32(fwmark), ...settings };
  return {
    kind: 'inet',
    protocol: protocolName(readU16(table.require(IPVS_SVC_ATTR_PROTOCOL, 'IPVS_SVC_ATTR_PROTOCOL'))),
    address: decodeInetAddress(af, readBytes(table.require(IPVS_SVC_ATTR_ADDR, 'IPVS_SVC_ATTR_ADDR'), af === AF_INET ? 4 : NF_INET_ADDR_SIZE)),
    port: readBe16(table.require(IPVS_SVC_ATTR_PORT, 'IPVS_SVC_ATTR_PORT')),
    ...settings,
  };
}
