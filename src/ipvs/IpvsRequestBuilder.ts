import { encodeGenericNetlinkMessage } from '../netlink/GenericNetlinkMessage.js';
import { NetlinkAttributeWriter } from '../netlink/NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/NetlinkConstants.js';
import { VigilError } from '../core/VigilError.js';
import {
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_ATTR_TIMEOUT_TCP,
  IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
  IPVS_CMD_ATTR_TIMEOUT_UDP,
  IPVS_CMD_DEL_DAEMON,
  IPVS_CMD_DEL_DEST,
  IPVS_CMD_DEL_SERVICE,
  IPVS_CMD_FLUSH,
  IPVS_CMD_GET_CONFIG,
  IPVS_CMD_GET_DAEMON,
  IPVS_CMD_GET_DEST,
  IPVS_CMD_GET_INFO,
  IPVS_CMD_GET_SERVICE,
  IPVS_CMD_NEW_DAEMON,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_CONFIG,
  IPVS_CMD_SET_DEST,
  IPVS_CMD_SET_SERVICE,
  IPVS_CMD_ZERO,
  IPVS_GENL_VERSION,
} from './IpvsConstants.js';
import { writeDaemonFull, writeDaemonState } from './IpvsDaemonAttributes.js';
import { writeDestFull, writeDestId } from './IpvsDestAttributes.js';
import type { IpvsDest, IpvsDestId, IpvsService, IpvsServiceId, IpvsSyncDaemon, IpvsSyncDaemonState, IpvsTimeouts } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { writeServiceFull, writeServiceId } from './IpvsServiceAttributes.js';

/** Where a request goes: the resolved IPVS family id, its sequence number, and our port id (0 is fine). */
export interface IpvsRequestHeader {
  readonly familyId: number;
  readonly seq: number;
  readonly pid?: number;
}

/**
 * "Do" requests carry NLM_F_REQUEST|NLM_F_ACK so success is confirmed; dumps add
 * NLM_F_DUMP, exactly as ipvsadm (libnl) sends them. The kernel sends no ACK after
 * a dump's NLMSG_DONE.
 */
const DO_FLAGS = NLM_F_REQUEST | NLM_F_ACK;
const DUMP_FLAGS = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;

function request(header: IpvsRequestHeader, cmd: number, flags: number, attributes: NetlinkAttributeWriter | null): Uint8Array {
  return encodeGenericNetlinkMessage(
    { type: header.familyId, flags, seq: header.seq, pid: header.pid ?? 0 },
    { cmd, version: IPVS_GENL_VERSION },
    attributes ? attributes.toBytes() : new Uint8Array(0),
  );
}

function withService(write: (inner: NetlinkAttributeWriter) => void): NetlinkAttributeWriter {
  return new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_SERVICE, write);
}

export function buildNewService(header: IpvsRequestHeader, service: IpvsService): Uint8Array {
  return request(header, IPVS_CMD_NEW_SERVICE, DO_FLAGS, withService((w) => writeServiceFull(w, service)));
}

export function buildSetService(header: IpvsRequestHeader, service: IpvsService): Uint8Array {
  return request(header, IPVS_CMD_SET_SERVICE, DO_FLAGS, withService((w) => writeServiceFull(w, service)));
}

/** DEL_SERVICE needs only the identity (ip_vs_genl_parse_service with full_entry = false). */
export function buildDelService(header: IpvsRequestHeader, service: IpvsServiceId): Uint8Array {
  return request(header, IPVS_CMD_DEL_SERVICE, DO_FLAGS, withService((w) => writeServiceId(w, service)));
}

/** GET_SERVICE for one service; answered by one IPVS_CMD_NEW_SERVICE message, then the ACK. */
export function buildGetService(header: IpvsRequestHeader, service: IpvsServiceId): Uint8Array {
  return request(header, IPVS_CMD_GET_SERVICE, DO_FLAGS, withService((w) => writeServiceId(w, service)));
}

/** GET_SERVICE dump: every service of the namespace. */
export function buildDumpServices(header: IpvsRequestHeader): Uint8Array {
  return request(header, IPVS_CMD_GET_SERVICE, DUMP_FLAGS, null);
}

export function buildNewDest(header: IpvsRequestHeader, service: IpvsServiceId, dest: IpvsDest): Uint8Array {
  const attributes = withService((w) => writeServiceId(w, service)).nest(IPVS_CMD_ATTR_DEST, (w) => writeDestFull(w, dest));
  return request(header, IPVS_CMD_NEW_DEST, DO_FLAGS, attributes);
}

export function buildSetDest(header: IpvsRequestHeader, service: IpvsServiceId, dest: IpvsDest): Uint8Array {
  const attributes = withService((w) => writeServiceId(w, service)).nest(IPVS_CMD_ATTR_DEST, (w) => writeDestFull(w, dest));
  return request(header, IPVS_CMD_SET_DEST, DO_FLAGS, attributes);
}

export function buildDelDest(header: IpvsRequestHeader, service: IpvsServiceId, dest: IpvsDestId): Uint8Array {
  const attributes = withService((w) => writeServiceId(w, service)).nest(IPVS_CMD_ATTR_DEST, (w) => writeDestId(w, dest));
  return request(header, IPVS_CMD_DEL_DEST, DO_FLAGS, attributes);
}

/** GET_DEST is dump-only: the dests of one service. An unknown service yields an empty dump. */
export function buildDumpDests(header: IpvsRequestHeader, service: IpvsServiceId): Uint8Array {
  return request(header, IPVS_CMD_GET_DEST, DUMP_FLAGS, withService((w) => writeServiceId(w, service)));
}

export function buildNewDaemon(header: IpvsRequestHeader, daemon: IpvsSyncDaemon): Uint8Array {
  return request(header, IPVS_CMD_NEW_DAEMON, DO_FLAGS, new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_DAEMON, (w) => writeDaemonFull(w, daemon)));
}

export function buildDelDaemon(header: IpvsRequestHeader, state: IpvsSyncDaemonState): Uint8Array {
  return request(header, IPVS_CMD_DEL_DAEMON, DO_FLAGS, new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_DAEMON, (w) => writeDaemonState(w, state)));
}

/** GET_DAEMON is dump-only: one message per running daemon (master, then backup). */
export function buildDumpDaemons(header: IpvsRequestHeader): Uint8Array {
  return request(header, IPVS_CMD_GET_DAEMON, DUMP_FLAGS, null);
}

/** SET_CONFIG: only the given timeouts are sent; the kernel keeps the others (and treats 0 as "unchanged"). */
export function buildSetConfig(header: IpvsRequestHeader, timeouts: Partial<IpvsTimeouts>): Uint8Array {
  const writer = new NetlinkAttributeWriter();
  const put = (type: number, value: number | undefined, name: string): void => {
    if (value === undefined) return;
    // ip_vs_set_timeout() rejects values above INT_MAX / HZ; the u32 range is the codec's bound.
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new VigilError('IPVS_INVALID_CONFIG', `${name} timeout ${value} is outside 0..2147483647 seconds`, { [name]: value });
    }
    writer.u32(type, value);
  };
  put(IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.tcp, 'tcp');
  put(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin, 'tcpFin');
  put(IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.udp, 'udp');
  return request(header, IPVS_CMD_SET_CONFIG, DO_FLAGS, writer);
}

export function buildGetConfig(header: IpvsRequestHeader): Uint8Array {
  return request(header, IPVS_CMD_GET_CONFIG, DO_FLAGS, null);
}

export function buildGetInfo(header: IpvsRequestHeader): Uint8Array {
  return request(header, IPVS_CMD_GET_INFO, DO_FLAGS, null);
}

/** FLUSH removes every service (and so every dest) of the namespace. */
export function buildFlush(header: IpvsRequestHeader): Uint8Array {
  return request(header, IPVS_CMD_FLUSH, DO_FLAGS, null);
}

/** ZERO resets counters: of one service when given, of everything otherwise. */
export function buildZero(header: IpvsRequestHeader, service?: IpvsServiceId): Uint8Array {
  return request(header, IPVS_CMD_ZERO, DO_FLAGS, service ? withService((w) => writeServiceId(w, service)) : null);
}

/** The one request that carries out a planned operation. */
export function buildOperation(header: IpvsRequestHeader, operation: IpvsOperation): Uint8Array {
  switch (operation.kind) {
    case 'add-service':
      return buildNewService(header, operation.service);
    case 'edit-service':
      return buildSetService(header, operation.service);
    case 'delete-service':
      return buildDelService(header, operation.service);
    case 'add-dest':
      return buildNewDest(header, operation.service, operation.dest);
    case 'edit-dest':
      return buildSetDest(header, operation.service, operation.dest);
    case 'delete-dest':
      return buildDelDest(header, operation.service, operation.dest);
  }
}
