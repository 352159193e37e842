import { HOST_IS_LITTLE_ENDIAN, viewOf } from './HostByteOrder.js';
import { NetlinkAttributeTable, readString, readU32 } from './NetlinkAttribute.js';
import { NetlinkAttributeWriter } from './NetlinkAttributeWriter.js';
import {
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_MULTI,
  netlinkAlign,
} from './NetlinkConstants.js';
import { NetlinkDecodeError } from './NetlinkDecodeError.js';
import { decodeNetlinkHeader, encodeNetlinkMessage, type NetlinkHeader, type NetlinkMessage } from './NetlinkMessage.js';

/** The extended-ACK TLVs (netlink.h `enum nlmsgerr_attrs`) a kernel adds when NETLINK_EXT_ACK is on. */
export interface NetlinkExtendedAck {
  readonly message?: string;
  /** Offset of the offending attribute from the start of the request's header. */
  readonly offset?: number;
  readonly cookie?: Uint8Array;
  readonly policy?: Uint8Array;
  readonly missingType?: number;
  readonly missingNestOffset?: number;
}

/** A decoded NLMSG_ERROR: `errno` 0 is a plain ACK, otherwise the positive errno of the failure. */
export interface NetlinkErrorReply {
  readonly errno: number;
  /** Header of the request this answers (struct nlmsgerr.msg). */
  readonly request: NetlinkHeader & { readonly length: number };
  /** The echoed request payload; absent when the kernel capped the echo (NLM_F_CAPPED). */
  readonly requestPayload?: Uint8Array;
  readonly extendedAck?: NetlinkExtendedAck;
}

/** A decoded NLMSG_DONE: `errno` is non-zero when a dump ended in failure. */
export interface NetlinkDoneReply {
  readonly errno: number;
  readonly extendedAck?: NetlinkExtendedAck;
}

function decodeExtendedAck(bytes: Uint8Array, baseOffset: number): NetlinkExtendedAck {
  const table = NetlinkAttributeTable.decode(bytes, baseOffset);
  const message = table.get(NLMSGERR_ATTR_MSG);
  const offset = table.get(NLMSGERR_ATTR_OFFS);
  const cookie = table.get(NLMSGERR_ATTR_COOKIE);
  const policy = table.get(NLMSGERR_ATTR_POLICY);
  const missingType = table.get(NLMSGERR_ATTR_MISS_TYPE);
  const missingNest = table.get(NLMSGERR_ATTR_MISS_NEST);
  return {
    ...(message && { message: readString(message) }),
    ...(offset && { offset: readU32(offset) }),
    ...(cookie && { cookie: cookie.payload.slice() }),
    ...(policy && { policy: policy.payload.slice() }),
    ...(missingType && { missingType: readU32(missingType) }),
    ...(missingNest && { missingNestOffset: readU32(missingNest) }),
  };
}

/** Decodes the payload of an NLMSG_ERROR message (`struct nlmsgerr` + optional echo + TLVs). */
export function decodeErrorReply(message: NetlinkMessage): NetlinkErrorReply {
  if (message.header.type !== NLMSG_ERROR) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `message type ${message.header.type} is not NLMSG_ERROR`);
  }
  const payload = message.payload;
  if (payload.length < 4 + NLMSG_HDRLEN) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_PAYLOAD', `NLMSG_ERROR payload of ${payload.length} byte(s) is shorter than struct nlmsgerr`, {
      offset: message.offset,
    });
  }
  const error = viewOf(payload).getInt32(0, HOST_IS_LITTLE_ENDIAN);
  const request = decodeNetlinkHeader(payload, 4);
  const capped = (message.header.flags & NLM_F_CAPPED) !== 0;
  let echoEnd = 4 + NLMSG_HDRLEN;
  let requestPayload: Uint8Array | undefined;
  if (!capped && request.length > NLMSG_HDRLEN) {
    const echoed = request.length - NLMSG_HDRLEN;
    // Old kernels echo the request without setting NLM_F_CAPPED; tolerate a short echo only when no TLVs follow.
    const available = Math.min(echoed, payload.length - echoEnd);
    requestPayload = payload.subarray(echoEnd, echoEnd + available);
    echoEnd = 4 + netlinkAlign(request.length);
  }
  let extendedAck: NetlinkExtendedAck | undefined;
  if ((message.header.flags & NLM_F_ACK_TLVS) !== 0) {
    if (echoEnd > payload.length) {
      throw new NetlinkDecodeError('NETLINK_LENGTH_PAST_BUFFER', 'echoed request runs past the NLMSG_ERROR payload', { offset: message.offset });
    }
    extendedAck = decodeExtendedAck(payload.subarray(echoEnd), NLMSG_HDRLEN + echoEnd);
  }
  return {
    errno: error < 0 ? -error : error,
    request,
    ...(requestPayload && { requestPayload }),
    ...(extendedAck && { extendedAck }),
  };
}

/** Decodes the payload of an NLMSG_DONE message (an int, then optional TLVs). */
export function decodeDoneReply(message: NetlinkMessage): NetlinkDoneReply {
  if (message.header.type !== NLMSG_DONE) {
    throw new NetlinkDecodeError('NETLINK_UNEXPECTED_MESSAGE', `message type ${message.header.type} is not NLMSG_DONE`);
  }
  // Some families end a dump with an empty NLMSG_DONE; that means success.
  if (message.payload.length < 4) return { errno: 0 };
  const error = viewOf(message.payload).getInt32(0, HOST_IS_LITTLE_ENDIAN);
  const extendedAck =
    (message.header.flags & NLM_F_ACK_TLVS) !== 0 && message.payload.length > 4
      ? decodeExtendedAck(message.payload.subarray(4), NLMSG_HDRLEN + 4)
      : undefined;
  return { errno: error < 0 ? -error : error, ...(extendedAck && { extendedAck }) };
}

export interface ErrorReplyOptions {
  /** Port id of the requester, which the kernel writes into the reply's nlmsg_pid. */
  readonly portId: number;
  /** Behave as if the socket set NETLINK_CAP_ACK: never echo the request payload. */
  readonly capAck?: boolean;
  readonly extendedAck?: Pick<NetlinkExtendedAck, 'message' | 'offset' | 'missingType'>;
}

/**
 * Encodes the kernel's answer to `request` (net/netlink/af_netlink.c netlink_ack):
 * success echoes only the request header and sets NLM_F_CAPPED; failure echoes the
 * whole request unless NETLINK_CAP_ACK.
 */
export function encodeErrorReply(request: NetlinkMessage, errno: number, options: ErrorReplyOptions): Uint8Array {
  const capped = errno === 0 || options.capAck === true;
  const echoLength = capped ? NLMSG_HDRLEN : request.header.length;
  let tlvs: Uint8Array = new Uint8Array(0);
  if (options.extendedAck) {
    const writer = new NetlinkAttributeWriter();
    const ack = options.extendedAck;
    if (ack.message !== undefined) writer.string(NLMSGERR_ATTR_MSG, ack.message);
    if (ack.offset !== undefined) writer.u32(NLMSGERR_ATTR_OFFS, ack.offset);
    if (ack.missingType !== undefined) writer.u32(NLMSGERR_ATTR_MISS_TYPE, ack.missingType);
    tlvs = writer.toBytes();
  }
  const payload = new Uint8Array(4 + netlinkAlign(echoLength) + tlvs.length);
  const view = viewOf(payload);
  view.setInt32(0, -errno, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(4, request.header.length, HOST_IS_LITTLE_ENDIAN);
  view.setUint16(8, request.header.type, HOST_IS_LITTLE_ENDIAN);
  view.setUint16(10, request.header.flags, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(12, request.header.seq >>> 0, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(16, request.header.pid >>> 0, HOST_IS_LITTLE_ENDIAN);
  if (!capped) payload.set(request.payload, 4 + NLMSG_HDRLEN);
  payload.set(tlvs, 4 + netlinkAlign(echoLength));
  const flags = (capped ? NLM_F_CAPPED : 0) | (tlvs.length > 0 ? NLM_F_ACK_TLVS : 0);
  return encodeNetlinkMessage({ type: NLMSG_ERROR, flags, seq: request.header.seq, pid: options.portId }, payload);
}

/** Encodes the NLMSG_DONE that closes a dump (flags NLM_F_MULTI, payload the int 0 or -errno). */
export function encodeDoneReply(seq: number, portId: number, errno = 0): Uint8Array {
  const payload = new Uint8Array(4);
  viewOf(payload).setInt32(0, -errno, HOST_IS_LITTLE_ENDIAN);
  return encodeNetlinkMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI, seq, pid: portId }, payload);
}
