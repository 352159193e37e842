import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP address text <-> network-order bytes, the one codec the VRRP, rtnetlink and IPVS
 * code share. Parsers are strict (no zone id, no prefix) and return `undefined` for
 * anything that is not an address: each caller decides whether that is a typed error,
 * a null, or a decode defect. Formatters write RFC 5952 text.
 */

/** RFC 791 §3.1: an IPv4 address is 32 bits. */
export const IPV4_ADDRESS_BYTES = 4;
/** RFC 4291 §2: an IPv6 address is 128 bits. */
export const IPV6_ADDRESS_BYTES = 16;

/** How `formatIpv6Bytes` writes an IPv4-mapped address (::ffff:0:0/96, RFC 4291 §2.5.5.2). */
export type MappedIpv4Style =
  /** `::ffff:192.0.2.1`, as RFC 5952 §5 recommends and inet_ntop(3) prints. */
  | 'dotted-quad'
  /** `::ffff:c000:201`: plain groups, like any other IPv6 address. */
  | 'hex';

/** 4 bytes for dotted-quad text (no leading zeros), else undefined. */
export function parseIpv4Bytes(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.'), Number);
}

/**
 * 16 bytes for IPv6 text (RFC 4291 §2.2: `::` and an embedded dotted quad allowed),
 * else undefined. A zone id (RFC 4007 §11) is not part of an address here: strip it first.
 */
export function parseIpv6Bytes(text: string): Uint8Array | undefined {
  if (text.includes('%') || !isIPv6(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(IPV6_ADDRESS_BYTES);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Dotted quad of the 4 bytes at `offset` (missing bytes read as 0). */
export function formatIpv4Bytes(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** RFC 5952 §4 text of the 16 bytes at `offset`: lower case, no leading zeros, the longest run (first on a tie) of two or more zero groups as `::`. */
export function formatIpv6Bytes(bytes: Uint8Array, offset = 0, mappedIpv4: MappedIpv4Style = 'dotted-quad'): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));
  if (mappedIpv4 === 'dotted-quad' && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4Bytes(bytes, offset + 12)}`;
  }
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
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Colon-separated 16-bit groups; a trailing dotted quad counts as two groups. */
function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && piece.includes('.')) {
      const quad = parseIpv4Bytes(piece);
      if (quad === undefined) return undefined;
      out.push(((quad[0] ?? 0) << 8) | (quad[1] ?? 0), ((quad[2] ?? 0) << 8) | (quad[3] ?? 0));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
  }
  return out;
}
