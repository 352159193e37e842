import { formatIpv4Bytes, formatIpv6Bytes, parseIpv4Bytes, parseIpv6Bytes } from '../../core/IpAddressCodec.js';
import { AF_INET, AF_INET6 } from './RtnetlinkConstants.js';

/** AF_INET or AF_INET6 (include/linux/socket.h). */
export type InetFamily = typeof AF_INET | typeof AF_INET6;

/** An IP address as rtnetlink carries it: 4 or 16 bytes in network order. */
export interface InetAddress {
  readonly family: InetFamily;
  readonly bytes: Uint8Array;
  /** Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run as `::`). */
  readonly text: string;
}

/** Parses IPv4 or IPv6 text (no prefix, no zone id); null when it is neither. */
export function parseInetAddress(text: string): InetAddress | null {
  const v4 = parseIpv4Bytes(text);
  if (v4 !== undefined) return { family: AF_INET, bytes: v4, text: formatInetBytes(AF_INET, v4) };
  const v6 = parseIpv6Bytes(text);
  if (v6 !== undefined) return { family: AF_INET6, bytes: v6, text: formatInetBytes(AF_INET6, v6) };
  return null;
}

/**
 * Canonical text of 4 (IPv4) or 16 (IPv6) bytes. IPv4-mapped addresses stay in plain
 * groups (`::ffff:c000:201`): addresses in the mirrored tables are keyed by this text.
 */
export function formatInetBytes(family: InetFamily, bytes: Uint8Array): string {
  return family === AF_INET ? formatIpv4Bytes(bytes) : formatIpv6Bytes(bytes, 0, 'hex');
}

/** The address from raw attribute bytes, or null when the length does not fit the family. */
export function inetAddressFromBytes(family: number, bytes: Uint8Array): InetAddress | null {
  if (family === AF_INET && bytes.length >= 4) {
    const copy = bytes.slice(0, 4);
    return { family, bytes: copy, text: formatInetBytes(family, copy) };
  }
  if (family === AF_INET6 && bytes.length >= 16) {
    const copy = bytes.slice(0, 16);
    return { family, bytes: copy, text: formatInetBytes(family, copy) };
  }
  return null;
}

/** 32 for IPv4, 128 for IPv6. */
export function maxPrefixLength(family: InetFamily): number {
  return family === AF_INET ? 32 : 128;
}

/**
 * `address` with every host bit (those past `prefixLength`) set (`hostBits` true) or
 * cleared: iproute2's `brd +` and `brd -`.
 */
export function withHostBits(address: InetAddress, prefixLength: number, hostBits: boolean): InetAddress {
  const bytes = address.bytes.slice();
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    bytes[index] = hostBits ? (bytes[index] ?? 0) | mask : (bytes[index] ?? 0) & ~mask;
  }
  return { family: address.family, bytes, text: formatInetBytes(address.family, bytes) };
}
