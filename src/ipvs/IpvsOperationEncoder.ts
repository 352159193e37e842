import { GENL_HDRLEN } from '../netlink/GenericNetlinkConstants.js';
import { HOST_IS_LITTLE_ENDIAN } from '../netlink/HostByteOrder.js';
import { NetlinkAttributeWriter } from '../netlink/NetlinkAttributeWriter.js';
import { NLA_F_NESTED, NLMSG_HDRLEN, NLM_F_ACK, NLM_F_REQUEST } from '../netlink/NetlinkConstants.js';
import { encodeInetAddress } from './IpvsAddress.js';
import {
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_DEL_DEST,
  IPVS_CMD_DEL_SERVICE,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_DEST,
  IPVS_CMD_SET_SERVICE,
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_ADDR_FAMILY,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_TUN_FLAGS,
  IPVS_DEST_ATTR_TUN_PORT,
  IPVS_DEST_ATTR_TUN_TYPE,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IPVS_GENL_VERSION,
} from './IpvsConstants.js';
import { resolveDestSettings } from './IpvsDefaults.js';
import { forwardingNumber, tunnelTypeNumber } from './IpvsWireValues.js';
import { writeDestFull, writeDestId } from './IpvsDestAttributes.js';
import type { IpvsDest, IpvsService } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { writeServiceFull, writeServiceId } from './IpvsServiceAttributes.js';

const COMMANDS: Readonly<Record<IpvsOperation['kind'], number>> = {
  'add-service': IPVS_CMD_NEW_SERVICE,
  'edit-service': IPVS_CMD_SET_SERVICE,
  'delete-service': IPVS_CMD_DEL_SERVICE,
  'add-dest': IPVS_CMD_NEW_DEST,
  'edit-dest': IPVS_CMD_SET_DEST,
  'delete-dest': IPVS_CMD_DEL_DEST,
};

/** `struct nlattr` header: u16 length, u16 type, host order (netlink.h). */
function attributeHeader(view: DataView, at: number, length: number, type: number): void {
  view.setUint16(at, length, HOST_IS_LITTLE_ENDIAN);
  view.setUint16(at + 2, type, HOST_IS_LITTLE_ENDIAN);
}

const DEST_FULL_NEST_BYTES = 96;
const isUint = (value: number, max: number): boolean => Number.isInteger(value) && value >= 0 && value <= max;

/**
 * The IPVS_CMD_ATTR_DEST nest of NEW/SET_DEST written directly: the layout of
 * writeDestFull (ADDR_FAMILY, ADDR, PORT, FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT,
 * TUN_FLAGS, U_THRESH, L_THRESH, each padded to 4 bytes: 96 bytes in all). Returns null
 * for anything out of range, so that the general writer reports it.
 */
function destFullNest(dest: IpvsDest): Uint8Array | null {
  const d = resolveDestSettings(dest);
  if (!isUint(d.weight, 0x7fffffff) || !isUint(d.upperThreshold, 0xffffffff) || !isUint(d.lowerThreshold, 0xffffffff)) return null;
  if (!isUint(d.tunnelPort, 0xffff) || !isUint(d.tunnelFlags, 0xffff) || !isUint(dest.port, 0xffff)) return null;
  const bytes = new Uint8Array(DEST_FULL_NEST_BYTES);
  const view = new DataView(bytes.buffer);
  attributeHeader(view, 0, DEST_FULL_NEST_BYTES, IPVS_CMD_ATTR_DEST | NLA_F_NESTED);
  attributeHeader(view, 4, 6, IPVS_DEST_ATTR_ADDR_FAMILY);
  view.setUint16(8, dest.af, HOST_IS_LITTLE_ENDIAN);
  attributeHeader(view, 12, 20, IPVS_DEST_ATTR_ADDR);
  bytes.set(encodeInetAddress(dest.af, dest.address), 16);
  attributeHeader(view, 32, 6, IPVS_DEST_ATTR_PORT);
  view.setUint16(36, dest.port, false);
  attributeHeader(view, 40, 8, IPVS_DEST_ATTR_FWD_METHOD);
  view.setUint32(44, forwardingNumber(d.forwarding), HOST_IS_LITTLE_ENDIAN);
  attributeHeader(view, 48, 8, IPVS_DEST_ATTR_WEIGHT);
  view.setUint32(52, d.weight, HOST_IS_LITTLE_ENDIAN);
  attributeHeader(view, 56, 5, IPVS_DEST_ATTR_TUN_TYPE);
  bytes[60] = tunnelTypeNumber(d.tunnelType);
  attributeHeader(view, 64, 6, IPVS_DEST_ATTR_TUN_PORT);
  view.setUint16(68, d.tunnelPort, false);
  attributeHeader(view, 72, 6, IPVS_DEST_ATTR_TUN_FLAGS);
  view.setUint16(76, d.tunnelFlags, HOST_IS_LITTLE_ENDIAN);
  attributeHeader(view, 80, 8, IPVS_DEST_ATTR_U_THRESH);
  view.setUint32(84, d.upperThreshold, HOST_IS_LITTLE_ENDIAN);
  attributeHeader(view, 88, 8, IPVS_DEST_ATTR_L_THRESH);
  view.setUint32(92, d.lowerThreshold, HOST_IS_LITTLE_ENDIAN);
  return bytes;
}

/**
 * Encodes planned operations to the same bytes as `IpvsCodec.buildOperation`, faster:
 * a reconciler plan refers to one service object for all its dests, so the service
 * nest is encoded once per service (and per id/full form) and copied after that, and
 * each request is assembled in a single allocation. A table of 10,000 services × 10
 * dests is 110,000 requests, which is where encoding time shows.
 */
export class IpvsOperationEncoder {
  private serviceIds = new WeakMap<IpvsService, Uint8Array>();
  private serviceFulls = new WeakMap<IpvsService, Uint8Array>();

  constructor(private readonly familyId: number) {}

  /** The request for `operation` under sequence number `seq`, with NLM_F_ACK only if `ack`. */
  encode(operation: IpvsOperation, seq: number, ack: boolean): Uint8Array {
    const serviceNest = operation.kind === 'add-service' || operation.kind === 'edit-service' ? this.serviceFull(operation.service) : this.serviceId(operation.service);
    let destNest: Uint8Array | null = null;
    if (operation.kind === 'add-dest' || operation.kind === 'edit-dest') {
      const dest = operation.dest;
      destNest = destFullNest(dest) ?? new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_DEST, (w) => writeDestFull(w, dest)).toBytes();
    } else if (operation.kind === 'delete-dest') {
      const dest = operation.dest;
      destNest = new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_DEST, (w) => writeDestId(w, dest)).toBytes();
    }
    // Nests are multiples of 4 bytes, so the message needs no trailing padding.
    const length = NLMSG_HDRLEN + GENL_HDRLEN + serviceNest.length + (destNest?.length ?? 0);
    const bytes = new Uint8Array(length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, length, HOST_IS_LITTLE_ENDIAN);
    view.setUint16(4, this.familyId, HOST_IS_LITTLE_ENDIAN);
    view.setUint16(6, NLM_F_REQUEST | (ack ? NLM_F_ACK : 0), HOST_IS_LITTLE_ENDIAN);
    view.setUint32(8, seq >>> 0, HOST_IS_LITTLE_ENDIAN);
    bytes[NLMSG_HDRLEN] = COMMANDS[operation.kind];
    bytes[NLMSG_HDRLEN + 1] = IPVS_GENL_VERSION;
    bytes.set(serviceNest, NLMSG_HDRLEN + GENL_HDRLEN);
    if (destNest !== null) bytes.set(destNest, NLMSG_HDRLEN + GENL_HDRLEN + serviceNest.length);
    return bytes;
  }

  private serviceId(service: IpvsService): Uint8Array {
    let nest = this.serviceIds.get(service);
    if (nest === undefined) {
      nest = new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_SERVICE, (w) => writeServiceId(w, service)).toBytes();
      this.serviceIds.set(service, nest);
    }
    return nest;
  }

  private serviceFull(service: IpvsService): Uint8Array {
    let nest = this.serviceFulls.get(service);
    if (nest === undefined) {
      nest = new NetlinkAttributeWriter().nest(IPVS_CMD_ATTR_SERVICE, (w) => writeServiceFull(w, service)).toBytes();
      this.serviceFulls.set(service, nest);
    }
    return nest;
  }
}
