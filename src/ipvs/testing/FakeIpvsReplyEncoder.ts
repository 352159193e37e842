import { HOST_IS_LITTLE_ENDIAN } from '../../netlink/HostByteOrder.js';
import { encodeGenericNetlinkMessage } from '../../netlink/GenericNetlinkMessage.js';
import { NetlinkAttributeWriter } from '../../netlink/NetlinkAttributeWriter.js';
import {
  AF_INET6,
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
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
  IPVS_DEST_ATTR_STATS64,
  IPVS_DEST_ATTR_TUN_FLAGS,
  IPVS_DEST_ATTR_TUN_PORT,
  IPVS_DEST_ATTR_TUN_TYPE,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IPVS_GENL_VERSION,
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
} from '../IpvsConstants.js';
import type { IpvsStats } from '../IpvsModel.js';
import { STATS_BYTE_COUNTER_TYPES, STATS_FIELD_ORDER } from '../IpvsStatsAttributes.js';
import type { FakeDaemonRecord, FakeDestRecord, FakeServiceRecord } from './FakeIpvsState.js';

/**
 * Reply messages laid out as net/netfilter/ipvs/ip_vs_ctl.c (Linux 6.1) writes them:
 * nests opened with nla_nest_start_noflag() (no NLA_F_NESTED), attributes in the
 * order of ip_vs_genl_fill_service / _fill_dest / _fill_daemon / _fill_stats(64),
 * no IPVS_STATS_ATTR_PAD (x86_64 and arm64 need none).
 */

const NO_FLAG = { flagNested: false } as const;

export interface ReplyHeader {
  readonly familyId: number;
  readonly flags: number;
  readonly seq: number;
  readonly portId: number;
}

function message(header: ReplyHeader, cmd: number, attributes: NetlinkAttributeWriter): Uint8Array {
  return encodeGenericNetlinkMessage(
    { type: header.familyId, flags: header.flags, seq: header.seq, pid: header.portId },
    { cmd, version: IPVS_GENL_VERSION },
    attributes.toBytes(),
  );
}

function writeStats(writer: NetlinkAttributeWriter, type: number, stats: IpvsStats, wide: boolean): void {
  writer.nest(
    type,
    (inner) => {
      for (const [name, attr] of STATS_FIELD_ORDER) {
        const value = stats[name];
        // ip_vs_genl_fill_stats() truncates everything but the byte counts to u32.
        if (wide || STATS_BYTE_COUNTER_TYPES.has(attr)) inner.u64(attr, value);
        else inner.u32(attr, Number(BigInt.asUintN(32, value)));
      }
    },
    NO_FLAG,
  );
}

/** IPVS_CMD_NEW_SERVICE carrying one service (dump entry or GET_SERVICE answer). */
export function encodeServiceMessage(header: ReplyHeader, cmd: number, service: FakeServiceRecord): Uint8Array {
  const writer = new NetlinkAttributeWriter().nest(
    IPVS_CMD_ATTR_SERVICE,
    (w) => {
      w.u16(IPVS_SVC_ATTR_AF, service.af);
      if (service.fwmark !== 0) {
        w.u32(IPVS_SVC_ATTR_FWMARK, service.fwmark);
      } else {
        w.u16(IPVS_SVC_ATTR_PROTOCOL, service.protocol).bytes(IPVS_SVC_ATTR_ADDR, service.addr).be16(IPVS_SVC_ATTR_PORT, service.port);
      }
      w.string(IPVS_SVC_ATTR_SCHED_NAME, service.scheduler ?? 'none');
      if (service.persistenceEngine !== null) w.string(IPVS_SVC_ATTR_PE_NAME, service.persistenceEngine);
      const flags = new Uint8Array(8);
      const view = new DataView(flags.buffer);
      view.setUint32(0, service.flags, HOST_IS_LITTLE_ENDIAN);
      view.setUint32(4, 0xffffffff, HOST_IS_LITTLE_ENDIAN);
      w.bytes(IPVS_SVC_ATTR_FLAGS, flags).u32(IPVS_SVC_ATTR_TIMEOUT, service.timeout).bytes(IPVS_SVC_ATTR_NETMASK, service.netmask);
      writeStats(w, IPVS_SVC_ATTR_STATS, service.stats, false);
      writeStats(w, IPVS_SVC_ATTR_STATS64, service.stats, true);
    },
    NO_FLAG,
  );
  return message(header, cmd, writer);
}

/** IPVS_CMD_NEW_DEST carrying one dest of a dest dump. */
export function encodeDestMessage(header: ReplyHeader, cmd: number, dest: FakeDestRecord): Uint8Array {
  const writer = new NetlinkAttributeWriter().nest(
    IPVS_CMD_ATTR_DEST,
    (w) => {
      w.bytes(IPVS_DEST_ATTR_ADDR, dest.addr)
        .be16(IPVS_DEST_ATTR_PORT, dest.port)
        .u32(IPVS_DEST_ATTR_FWD_METHOD, dest.forwarding)
        .u32(IPVS_DEST_ATTR_WEIGHT, dest.weight)
        .u8(IPVS_DEST_ATTR_TUN_TYPE, dest.tunnelType)
        .be16(IPVS_DEST_ATTR_TUN_PORT, dest.tunnelPort)
        .u16(IPVS_DEST_ATTR_TUN_FLAGS, dest.tunnelFlags)
        .u32(IPVS_DEST_ATTR_U_THRESH, dest.upperThreshold)
        .u32(IPVS_DEST_ATTR_L_THRESH, dest.lowerThreshold)
        .u32(IPVS_DEST_ATTR_ACTIVE_CONNS, dest.activeConnections)
        .u32(IPVS_DEST_ATTR_INACT_CONNS, dest.inactiveConnections)
        .u32(IPVS_DEST_ATTR_PERSIST_CONNS, dest.persistentConnections)
        .u16(IPVS_DEST_ATTR_ADDR_FAMILY, dest.af);
      writeStats(w, IPVS_DEST_ATTR_STATS, dest.stats, false);
      writeStats(w, IPVS_DEST_ATTR_STATS64, dest.stats, true);
    },
    NO_FLAG,
  );
  return message(header, cmd, writer);
}

/** IPVS_CMD_NEW_DAEMON carrying one running sync daemon. */
export function encodeDaemonMessage(header: ReplyHeader, cmd: number, daemon: FakeDaemonRecord): Uint8Array {
  const writer = new NetlinkAttributeWriter().nest(
    IPVS_CMD_ATTR_DAEMON,
    (w) => {
      w.u32(IPVS_DAEMON_ATTR_STATE, daemon.state)
        .string(IPVS_DAEMON_ATTR_MCAST_IFN, daemon.interface)
        .u32(IPVS_DAEMON_ATTR_SYNC_ID, daemon.syncId)
        .u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, daemon.maxLength)
        .u16(IPVS_DAEMON_ATTR_MCAST_PORT, daemon.port)
        .u8(IPVS_DAEMON_ATTR_MCAST_TTL, daemon.ttl);
      if (daemon.groupAf === AF_INET6) w.bytes(IPVS_DAEMON_ATTR_MCAST_GROUP6, daemon.group);
      else w.bytes(IPVS_DAEMON_ATTR_MCAST_GROUP, daemon.group.subarray(0, 4));
    },
    NO_FLAG,
  );
  return message(header, cmd, writer);
}

/** A reply whose attributes are top level (GET_INFO, GET_CONFIG): u32 values by type. */
export function encodeU32Message(header: ReplyHeader, cmd: number, values: readonly (readonly [number, number])[]): Uint8Array {
  const writer = new NetlinkAttributeWriter();
  for (const [type, value] of values) writer.u32(type, value);
  return message(header, cmd, writer);
}
