import { HOST_IS_LITTLE_ENDIAN, viewOf } from './HostByteOrder.js';
import { NetlinkDecodeError } from './NetlinkDecodeError.js';
import { NLMSG_HDRLEN, netlinkAlign } from './NetlinkConstants.js';

/** `struct nlmsghdr` (netlink.h) without its length, which encoding computes. */
export interface NetlinkHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  /** Sender port id; 0 for the kernel, and what requests may leave at 0. */
  readonly pid: number;
}

export interface NetlinkMessage {
  /** The header with `length` (= nlmsg_len) as received. */
  readonly header: NetlinkHeader & { readonly length: number };
  /** The bytes after the 16-byte header, `nlmsg_len - 16` of them (a view). */
  readonly payload: Uint8Array;
  /** Offset of this message inside the datagram it came from. */
  readonly offset: number;
}

/** Encodes one message: header with nlmsg_len = 16 + payload, payload, zero padding to 4 bytes. */
export function encodeNetlinkMessage(header: NetlinkHeader, payload: Uint8Array): Uint8Array {
  const length = NLMSG_HDRLEN + payload.length;
  const bytes = new Uint8Array(netlinkAlign(length));
  const view = viewOf(bytes);
  view.setUint32(0, length, HOST_IS_LITTLE_ENDIAN);
  view.setUint16(4, header.type, HOST_IS_LITTLE_ENDIAN);
  view.setUint16(6, header.flags, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(8, header.seq >>> 0, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(12, header.pid >>> 0, HOST_IS_LITTLE_ENDIAN);
  bytes.set(payload, NLMSG_HDRLEN);
  return bytes;
}

/** Concatenates encoded messages into one datagram (multi-part replies carry several). */
export function concatMessages(messages: readonly Uint8Array[]): Uint8Array {
  const total = messages.reduce((sum, m) => sum + m.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const message of messages) {
    out.set(message, at);
    at += message.length;
  }
  return out;
}

/** Reads one `struct nlmsghdr` at `offset`, checking only that 16 bytes are there. */
export function decodeNetlinkHeader(bytes: Uint8Array, offset = 0): NetlinkHeader & { readonly length: number } {
  if (bytes.length - offset < NLMSG_HDRLEN) {
    throw new NetlinkDecodeError('NETLINK_TRUNCATED_HEADER', `${bytes.length - offset} byte(s) left, a netlink header needs ${NLMSG_HDRLEN}`, {
      offset,
    });
  }
  const view = viewOf(bytes);
  return {
    length: view.getUint32(offset, HOST_IS_LITTLE_ENDIAN),
    type: view.getUint16(offset + 4, HOST_IS_LITTLE_ENDIAN),
    flags: view.getUint16(offset + 6, HOST_IS_LITTLE_ENDIAN),
    seq: view.getUint32(offset + 8, HOST_IS_LITTLE_ENDIAN),
    pid: view.getUint32(offset + 12, HOST_IS_LITTLE_ENDIAN),
  };
}

/**
 * Splits a received datagram into its messages, as the kernel's NLMSG_OK /
 * NLMSG_NEXT walk does, but rejecting rather than silently stopping at a
 * malformed length. Every iteration advances by at least 16 bytes.
 */
export function decodeNetlinkMessages(datagram: Uint8Array): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    const header = decodeNetlinkHeader(datagram, offset);
    if (header.length < NLMSG_HDRLEN) {
      throw new NetlinkDecodeError('NETLINK_BAD_MESSAGE_LENGTH', `nlmsg_len ${header.length} is below the 16-byte header`, { offset });
    }
    if (header.length > datagram.length - offset) {
      throw new NetlinkDecodeError(
        'NETLINK_LENGTH_PAST_BUFFER',
        `nlmsg_len ${header.length} exceeds the ${datagram.length - offset} byte(s) left`,
        { offset, type: header.type },
      );
    }
    messages.push({ header, payload: datagram.subarray(offset + NLMSG_HDRLEN, offset + header.length), offset });
    offset += netlinkAlign(header.length);
  }
  return messages;
}
