import { LINUX_ERRNO } from '../../netlink/LinuxErrno.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_ATTR_TIMEOUT_TCP,
  IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
  IPVS_CMD_ATTR_TIMEOUT_UDP,
  IPVS_DAEMON_ATTR_MCAST_GROUP,
  IPVS_DAEMON_ATTR_MCAST_GROUP6,
  IPVS_DAEMON_ATTR_MCAST_IFN,
  IPVS_DAEMON_ATTR_MCAST_PORT,
  IPVS_DAEMON_ATTR_MCAST_TTL,
  IPVS_DAEMON_ATTR_STATE,
  IPVS_DAEMON_ATTR_SYNC_ID,
  IPVS_DAEMON_ATTR_SYNC_MAXLEN,
  IPVS_DEST_ATTR_ACTIVE_CONNS,
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_ADDR_FAMILY,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_INACT_CONNS,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PERSIST_CONNS,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_STATS,
  IPVS_DEST_ATTR_TUN_FLAGS,
  IPVS_DEST_ATTR_TUN_PORT,
  IPVS_DEST_ATTR_TUN_TYPE,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
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
  IPVS_SVC_ATTR_TIMEOUT,
  IP_VS_CONN_F_FWD_MASK,
  IP_VS_IFNAME_MAXLEN,
  IP_VS_PENAME_MAXLEN,
  IP_VS_SCHEDNAME_MAXLEN,
} from '../IpvsConstants.js';
import { KernelErrno, kernelRead, validateAttributes, walkAttributes, type KernelAttributes, type Policy } from './KernelAttributePolicy.js';

/**
 * The fake kernel's reading of IPVS requests, following Linux 6.1
 * net/netfilter/ipvs/ip_vs_ctl.c: the policies ip_vs_cmd_policy, ip_vs_svc_policy,
 * ip_vs_dest_policy, ip_vs_daemon_policy, and ip_vs_genl_parse_service /
 * ip_vs_genl_parse_dest / ip_vs_genl_new_daemon.
 */

export const CMD_POLICY: Policy = new Map([
  [IPVS_CMD_ATTR_SERVICE, { type: 'nested' }],
  [IPVS_CMD_ATTR_DEST, { type: 'nested' }],
  [IPVS_CMD_ATTR_DAEMON, { type: 'nested' }],
  [IPVS_CMD_ATTR_TIMEOUT_TCP, { type: 'u32' }],
  [IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, { type: 'u32' }],
  [IPVS_CMD_ATTR_TIMEOUT_UDP, { type: 'u32' }],
]);

const SERVICE_POLICY: Policy = new Map([
  [IPVS_SVC_ATTR_AF, { type: 'u16' }],
  [IPVS_SVC_ATTR_PROTOCOL, { type: 'u16' }],
  [IPVS_SVC_ATTR_ADDR, { type: 'binary', maxLength: 16 }],
  [IPVS_SVC_ATTR_PORT, { type: 'u16' }],
  [IPVS_SVC_ATTR_FWMARK, { type: 'u32' }],
  [IPVS_SVC_ATTR_SCHED_NAME, { type: 'nul-string', maxLength: IP_VS_SCHEDNAME_MAXLEN - 1 }],
  [IPVS_SVC_ATTR_PE_NAME, { type: 'nul-string', maxLength: IP_VS_PENAME_MAXLEN }],
  [IPVS_SVC_ATTR_FLAGS, { type: 'binary', maxLength: 8 }],
  [IPVS_SVC_ATTR_TIMEOUT, { type: 'u32' }],
  [IPVS_SVC_ATTR_NETMASK, { type: 'u32' }],
  [IPVS_SVC_ATTR_STATS, { type: 'nested' }],
]);

const DEST_POLICY: Policy = new Map([
  [IPVS_DEST_ATTR_ADDR, { type: 'binary', maxLength: 16 }],
  [IPVS_DEST_ATTR_PORT, { type: 'u16' }],
  [IPVS_DEST_ATTR_FWD_METHOD, { type: 'u32' }],
  [IPVS_DEST_ATTR_WEIGHT, { type: 'u32' }],
  [IPVS_DEST_ATTR_U_THRESH, { type: 'u32' }],
  [IPVS_DEST_ATTR_L_THRESH, { type: 'u32' }],
  [IPVS_DEST_ATTR_ACTIVE_CONNS, { type: 'u32' }],
  [IPVS_DEST_ATTR_INACT_CONNS, { type: 'u32' }],
  [IPVS_DEST_ATTR_PERSIST_CONNS, { type: 'u32' }],
  [IPVS_DEST_ATTR_STATS, { type: 'nested' }],
  [IPVS_DEST_ATTR_ADDR_FAMILY, { type: 'u16' }],
  [IPVS_DEST_ATTR_TUN_TYPE, { type: 'u8' }],
  [IPVS_DEST_ATTR_TUN_PORT, { type: 'u16' }],
  [IPVS_DEST_ATTR_TUN_FLAGS, { type: 'u16' }],
]);

const DAEMON_POLICY: Policy = new Map([
  [IPVS_DAEMON_ATTR_STATE, { type: 'u32' }],
  [IPVS_DAEMON_ATTR_MCAST_IFN, { type: 'nul-string', maxLength: IP_VS_IFNAME_MAXLEN - 1 }],
  [IPVS_DAEMON_ATTR_SYNC_ID, { type: 'u32' }],
  [IPVS_DAEMON_ATTR_SYNC_MAXLEN, { type: 'u16' }],
  [IPVS_DAEMON_ATTR_MCAST_GROUP, { type: 'u32' }],
  [IPVS_DAEMON_ATTR_MCAST_GROUP6, { type: 'binary', maxLength: 16 }],
  [IPVS_DAEMON_ATTR_MCAST_PORT, { type: 'u16' }],
  [IPVS_DAEMON_ATTR_MCAST_TTL, { type: 'u8' }],
]);

/** nla_parse_nested_deprecated() as IPVS calls it: any failure becomes EINVAL. */
function parseNested(nest: Uint8Array | undefined, policy: Policy): KernelAttributes {
  if (nest === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  const attributes = walkAttributes(nest);
  if (validateAttributes(attributes, policy) !== 0) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  return attributes;
}

/** `union nf_inet_addr` as ip_vs_addr_copy() leaves it: only the family's bytes, the rest zero. */
export function familyAddress(af: number, addr: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out.set(addr.subarray(0, af === AF_INET6 ? 16 : 4));
  return out;
}

export interface ServiceRequest {
  af: number;
  protocol: number;
  addr: Uint8Array;
  port: number;
  fwmark: number;
  /** Present only for a full entry (NEW/SET_SERVICE). */
  full?: {
    scheduler: string;
    persistenceEngine: string | null;
    flags: number;
    mask: number;
    timeout: number;
    netmask: Uint8Array;
  };
}

/** ip_vs_genl_parse_service(): identity always, the settings when `full`. */
export function parseServiceRequest(nest: Uint8Array | undefined, full: boolean): ServiceRequest {
  const attrs = parseNested(nest, SERVICE_POLICY);
  const af = attrs.get(IPVS_SVC_ATTR_AF);
  const protocol = attrs.get(IPVS_SVC_ATTR_PROTOCOL);
  const addr = attrs.get(IPVS_SVC_ATTR_ADDR);
  const port = attrs.get(IPVS_SVC_ATTR_PORT);
  const fwmark = attrs.get(IPVS_SVC_ATTR_FWMARK);
  if (af === undefined || (fwmark === undefined && (port === undefined || protocol === undefined || addr === undefined))) {
    throw new KernelErrno(LINUX_ERRNO.EINVAL);
  }
  const family = kernelRead.u16(af);
  if (family !== AF_INET && family !== AF_INET6) throw new KernelErrno(LINUX_ERRNO.EAFNOSUPPORT);
  const request: ServiceRequest =
    fwmark !== undefined
      ? { af: family, protocol: IPPROTO_TCP, addr: new Uint8Array(16), port: 0, fwmark: kernelRead.u32(fwmark) }
      : {
          af: family,
          protocol: kernelRead.u16(protocol as Uint8Array),
          addr: familyAddress(family, kernelRead.copy(addr as Uint8Array, 16)),
          port: kernelRead.be16(port as Uint8Array),
          fwmark: 0,
        };
  if (!full) return request;
  const sched = attrs.get(IPVS_SVC_ATTR_SCHED_NAME);
  const flags = attrs.get(IPVS_SVC_ATTR_FLAGS);
  const timeout = attrs.get(IPVS_SVC_ATTR_TIMEOUT);
  const netmask = attrs.get(IPVS_SVC_ATTR_NETMASK);
  const pe = attrs.get(IPVS_SVC_ATTR_PE_NAME);
  if (sched === undefined || flags === undefined || timeout === undefined || netmask === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  const flagBytes = kernelRead.copy(flags, 8);
  const peName = pe === undefined ? '' : kernelRead.string(pe);
  request.full = {
    scheduler: kernelRead.string(sched),
    persistenceEngine: peName === '' ? null : peName,
    flags: kernelRead.u32(flagBytes),
    mask: kernelRead.u32(flagBytes.subarray(4)),
    timeout: kernelRead.u32(timeout),
    netmask: kernelRead.copy(netmask, 4),
  };
  return request;
}

export interface DestRequest {
  /** 0 when the request carries no ADDR_FAMILY (the service's family applies). */
  af: number;
  addr: Uint8Array;
  port: number;
  full?: {
    forwarding: number;
    /** Signed, as the kernel's `int weight`. */
    weight: number;
    upperThreshold: number;
    lowerThreshold: number;
    tunnelType: number;
    tunnelPort: number;
    tunnelFlags: number;
  };
}

/** ip_vs_genl_parse_dest(). */
export function parseDestRequest(nest: Uint8Array | undefined, full: boolean): DestRequest {
  const attrs = parseNested(nest, DEST_POLICY);
  const addr = attrs.get(IPVS_DEST_ATTR_ADDR);
  const port = attrs.get(IPVS_DEST_ATTR_PORT);
  if (addr === undefined || port === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  const af = attrs.get(IPVS_DEST_ATTR_ADDR_FAMILY);
  const request: DestRequest = { af: af === undefined ? 0 : kernelRead.u16(af), addr: kernelRead.copy(addr, 16), port: kernelRead.be16(port) };
  if (!full) return request;
  const fwd = attrs.get(IPVS_DEST_ATTR_FWD_METHOD);
  const weight = attrs.get(IPVS_DEST_ATTR_WEIGHT);
  const upper = attrs.get(IPVS_DEST_ATTR_U_THRESH);
  const lower = attrs.get(IPVS_DEST_ATTR_L_THRESH);
  if (fwd === undefined || weight === undefined || upper === undefined || lower === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  const tunType = attrs.get(IPVS_DEST_ATTR_TUN_TYPE);
  const tunPort = attrs.get(IPVS_DEST_ATTR_TUN_PORT);
  const tunFlags = attrs.get(IPVS_DEST_ATTR_TUN_FLAGS);
  request.full = {
    forwarding: kernelRead.u32(fwd) & IP_VS_CONN_F_FWD_MASK,
    weight: kernelRead.s32(weight),
    upperThreshold: kernelRead.u32(upper),
    lowerThreshold: kernelRead.u32(lower),
    tunnelType: tunType === undefined ? 0 : kernelRead.u8(tunType),
    tunnelPort: tunPort === undefined ? 0 : kernelRead.be16(tunPort),
    tunnelFlags: tunFlags === undefined ? 0 : kernelRead.u16(tunFlags),
  };
  return request;
}

export interface DaemonRequest {
  state: number;
  interface: string;
  syncId: number;
  maxLength: number;
  port: number;
  ttl: number;
  /** 0 when no group was given. */
  groupAf: number;
  group: Uint8Array;
}

/** ip_vs_genl_new_daemon() up to start_sync_thread(); `parseDaemonState` for DEL_DAEMON. */
export function parseDaemonRequest(nest: Uint8Array | undefined): DaemonRequest {
  const attrs = parseNested(nest, DAEMON_POLICY);
  const state = attrs.get(IPVS_DAEMON_ATTR_STATE);
  const ifn = attrs.get(IPVS_DAEMON_ATTR_MCAST_IFN);
  const syncId = attrs.get(IPVS_DAEMON_ATTR_SYNC_ID);
  if (state === undefined || ifn === undefined || syncId === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  const maxLength = attrs.get(IPVS_DAEMON_ATTR_SYNC_MAXLEN);
  const group = attrs.get(IPVS_DAEMON_ATTR_MCAST_GROUP);
  const group6 = attrs.get(IPVS_DAEMON_ATTR_MCAST_GROUP6);
  const port = attrs.get(IPVS_DAEMON_ATTR_MCAST_PORT);
  const ttl = attrs.get(IPVS_DAEMON_ATTR_MCAST_TTL);
  let groupAf = 0;
  let groupBytes: Uint8Array = new Uint8Array(16);
  if (group !== undefined) {
    groupAf = AF_INET;
    groupBytes = kernelRead.copy(group, 16);
    // ipv4_is_multicast(): 224.0.0.0/4.
    if (((groupBytes[0] ?? 0) & 0xf0) !== 0xe0) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  } else if (group6 !== undefined) {
    groupAf = AF_INET6;
    groupBytes = kernelRead.copy(group6, 16);
    if (groupBytes[0] !== 0xff) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  }
  return {
    state: kernelRead.u32(state),
    interface: kernelRead.string(ifn),
    syncId: kernelRead.u32(syncId),
    maxLength: maxLength === undefined ? 0 : kernelRead.u16(maxLength),
    port: port === undefined ? 0 : kernelRead.u16(port),
    ttl: ttl === undefined ? 0 : kernelRead.u8(ttl),
    groupAf,
    group: groupBytes,
  };
}

/** ip_vs_genl_del_daemon(): only the state is needed. */
export function parseDaemonState(nest: Uint8Array | undefined): number {
  const attrs = parseNested(nest, DAEMON_POLICY);
  const state = attrs.get(IPVS_DAEMON_ATTR_STATE);
  if (state === undefined) throw new KernelErrno(LINUX_ERRNO.EINVAL);
  return kernelRead.u32(state);
}
