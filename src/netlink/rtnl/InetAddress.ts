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

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return Uint8Array.from(parts, Number);
}

function parseGroups(half: string): number[] | null {
  if (half === '') return [];
  const groups = half.split(':');
  return groups.every((g) => GROUP.test(g)) ? groups.map((g) => parseInt(g, 16)) : null;
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.includes('%')) return null;
  let body = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    // An embedded dotted quad (RFC 4291 §2.2 form 3) supplies the last two groups.
    const quad = parseIpv4(text.slice(lastColon + 1));
    if (quad === null) return null;
    tail = [((quad[0] ?? 0) << 8) | (quad[1] ?? 0), ((quad[2] ?? 0) << 8) | (quad[3] ?? 0)];
    body = text.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (explicit > 7) return null;
    groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
  } else {
    if (explicit !== 8) return null;
    groups = [...head, ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Parses IPv4 or IPv6 text (no prefix, no zone id); null when it is neither. */
export function parseInetAddress(text: string): InetAddress | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: AF_INET, bytes: v4, text: formatInetBytes(AF_INET, v4) };
  const v6 = parseIpv6(text);
  if (v6 !== null) return { family: AF_INET6, bytes: v6, text: formatIpv6(v6) };
  return null;
}

/** Canonical text of 4 (IPv4) or 16 (IPv6) bytes. */
export function formatInetBytes(family: InetFamily, bytes: Uint8Array): string {
  return family === AF_INET ? Array.from(bytes.subarray(0, 4)).join('.') : formatIpv6(bytes);
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
