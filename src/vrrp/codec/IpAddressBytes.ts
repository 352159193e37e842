import { isIPv4, isIPv6 } from 'node:net';

/**
 * Text <-> network-order bytes for IPv4, IPv6 and Ethernet MAC addresses.
 *
 * Parsers return `undefined` for anything that is not an address, so callers decide
 * whether that is a decode defect (a reason code) or a programming error (a throw).
 * IPv6 text is always produced in the RFC 5952 canonical form, so two spellings of the
 * same address compare equal as strings once they have been through these helpers.
 */

export type IpFamily = 'ipv4' | 'ipv6';

/** RFC 791 §3.1: an IPv4 address is 32 bits. */
export const IPV4_ADDRESS_BYTES = 4;
/** RFC 4291 §2: an IPv6 address is 128 bits. */
export const IPV6_ADDRESS_BYTES = 16;
/** IEEE 802 MAC-48 (RFC 826 hardware length for Ethernet, `ETH_ALEN` in linux/if_ether.h). */
export const MAC_ADDRESS_BYTES = 6;

export function addressBytes(family: IpFamily): number {
  return family === 'ipv4' ? IPV4_ADDRESS_BYTES : IPV6_ADDRESS_BYTES;
}

/** The family of an address in text form, or `undefined` if it is neither. */
export function ipFamilyOf(text: string): IpFamily | undefined {
  if (isIPv4(text)) return 'ipv4';
  if (isIPv6(stripZone(text))) return 'ipv6';
  return undefined;
}

export function parseIpv4(text: string): Buffer | undefined {
  if (!isIPv4(text)) return undefined;
  const parts = text.split('.');
  const out = Buffer.alloc(IPV4_ADDRESS_BYTES);
  for (let i = 0; i < IPV4_ADDRESS_BYTES; i++) out[i] = Number(parts[i]);
  return out;
}

/** Parses IPv6 text (RFC 4291 §2.2, including `::` and an embedded dotted quad); a zone index (RFC 4007 §11) is ignored. */
export function parseIpv6(text: string): Buffer | undefined {
  const bare = stripZone(text);
  if (!isIPv6(bare)) return undefined;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = Buffer.alloc(IPV6_ADDRESS_BYTES);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export function parseIp(text: string): Buffer | undefined {
  return ipFamilyOf(text) === 'ipv4' ? parseIpv4(text) : parseIpv6(text);
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (first on a tie) of two or more zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));
  // RFC 5952 §5: IPv4-mapped addresses (::ffff:0:0/96, RFC 4291 §2.5.5.2) keep the dotted quad.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(bytes, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

export function formatIp(family: IpFamily, bytes: Uint8Array, offset = 0): string {
  return family === 'ipv4' ? formatIpv4(bytes, offset) : formatIpv6(bytes, offset);
}

/** The canonical text of an address (dotted quad, or RFC 5952 for IPv6), or `undefined`. */
export function canonicalIp(text: string): string | undefined {
  const family = ipFamilyOf(text);
  if (family === undefined) return undefined;
  const bytes = family === 'ipv4' ? parseIpv4(text) : parseIpv6(text);
  return bytes === undefined ? undefined : formatIp(family, bytes);
}

/** `02:00:00:00:00:01` (also accepts `-` separators and upper case). */
export function parseMac(text: string): Buffer | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== MAC_ADDRESS_BYTES || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Buffer.from(parts.join(''), 'hex');
}

/** Lower-case, colon-separated, as `ip link` prints it. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < MAC_ADDRESS_BYTES; i++) parts.push((bytes[offset + i] ?? 0).toString(16).padStart(2, '0'));
  return parts.join(':');
}

function stripZone(text: string): string {
  const pct = text.indexOf('%');
  return pct < 0 ? text : text.slice(0, pct);
}

/** Colon-separated 16-bit groups; a trailing dotted quad counts as two groups. */
function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return undefined;
      out.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
  }
  return out;
}
