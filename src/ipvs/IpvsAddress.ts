import { isIPv4, isIPv6 } from 'node:net';
import { VigilError } from '../core/VigilError.js';
import { AF_INET, AF_INET6 } from './IpvsConstants.js';
import type { IpvsAddressFamily } from './IpvsModel.js';

/**
 * Conversions between address text and the 16-byte `union nf_inet_addr`
 * (include/uapi/linux/netfilter.h) IPVS attributes carry: an IPv4 address fills
 * the first 4 bytes (network order) and the rest is zero.
 */

export const NF_INET_ADDR_SIZE = 16;

function badAddress(text: string, why: string): VigilError {
  return new VigilError('IPVS_BAD_ADDRESS', `"${text}" is not a usable IP address: ${why}`, { address: text });
}

/** AF_INET or AF_INET6 for valid address text; throws IPVS_BAD_ADDRESS otherwise. */
export function addressFamilyOf(text: string): IpvsAddressFamily {
  if (isIPv4(text)) return AF_INET;
  if (isIPv6(text) && !text.includes('%')) return AF_INET6;
  throw badAddress(text, 'neither IPv4 nor IPv6 (zone ids are not accepted)');
}

function parseIpv4(text: string, out: Uint8Array, at: number): void {
  const parts = text.split('.');
  parts.forEach((part, i) => {
    out[at + i] = Number(part);
  });
}

function parseIpv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let body = text;
  const groups: number[] = [];
  // An embedded dotted quad (::ffff:192.0.2.1) supplies the last two groups.
  const lastColon = body.lastIndexOf(':');
  const tailGroups: number[] = [];
  if (body.includes('.', lastColon)) {
    const quad = new Uint8Array(4);
    parseIpv4(body.slice(lastColon + 1), quad, 0);
    tailGroups.push(((quad[0] ?? 0) << 8) | (quad[1] ?? 0), ((quad[2] ?? 0) << 8) | (quad[3] ?? 0));
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const toGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const gap = body.indexOf('::');
  if (gap === -1) {
    groups.push(...toGroups(body), ...tailGroups);
  } else {
    const head = toGroups(body.slice(0, gap));
    const tail = [...toGroups(body.slice(gap + 2)), ...tailGroups];
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  }
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** 4 bytes for IPv4, 16 for IPv6, network order. */
export function addressToBytes(text: string): Uint8Array {
  const af = addressFamilyOf(text);
  if (af === AF_INET) {
    const out = new Uint8Array(4);
    parseIpv4(text, out, 0);
    return out;
  }
  return parseIpv6(text);
}

/** Encoded nf_inet_addr per address text: large tables encode the same addresses again and again. */
const INET_ADDRESS_CACHE_LIMIT = 1 << 16;
const inetAddressCache = new Map<string, { readonly af: IpvsAddressFamily; readonly bytes: Uint8Array }>();

/** The 16-byte nf_inet_addr for `text`, checking it belongs to `af`. */
export function encodeInetAddress(af: IpvsAddressFamily, text: string): Uint8Array {
  let known = inetAddressCache.get(text);
  if (known === undefined) {
    const bytes = new Uint8Array(NF_INET_ADDR_SIZE);
    bytes.set(addressToBytes(text));
    known = { af: addressFamilyOf(text), bytes };
    if (inetAddressCache.size >= INET_ADDRESS_CACHE_LIMIT) inetAddressCache.clear();
    inetAddressCache.set(text, known);
  }
  if (known.af !== af) {
    throw new VigilError('IPVS_ADDRESS_FAMILY_MISMATCH', `address ${text} is not of address family ${af}`, { address: text, af });
  }
  return known.bytes.slice();
}

function formatIpv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at] ?? 0}.${bytes[at + 1] ?? 0}.${bytes[at + 2] ?? 0}.${bytes[at + 3] ?? 0}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (>= 2) of zero groups as "::". */
function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIpv4(bytes, 12)}`;
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
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Address text from a 16-byte nf_inet_addr (or a 4-byte IPv4 address). */
export function decodeInetAddress(af: IpvsAddressFamily, bytes: Uint8Array): string {
  if (af === AF_INET) {
    if (bytes.length < 4) throw new VigilError('IPVS_BAD_ADDRESS', `IPv4 address needs 4 bytes, got ${bytes.length}`);
    return formatIpv4(bytes, 0);
  }
  if (bytes.length < 16) throw new VigilError('IPVS_BAD_ADDRESS', `IPv6 address needs 16 bytes, got ${bytes.length}`);
  return formatIpv6(bytes);
}

/** Keys of large tables canonicalise the same few thousand addresses over and over. */
const CANONICAL_CACHE_LIMIT = 1 << 16;
const canonicalCache = new Map<string, string>();

/** The one textual form Vigil uses for an address (keys compare this). */
export function canonicalAddress(text: string): string {
  const cached = canonicalCache.get(text);
  if (cached !== undefined) return cached;
  const af = addressFamilyOf(text);
  const canonical = decodeInetAddress(af, addressToBytes(text));
  if (canonicalCache.size >= CANONICAL_CACHE_LIMIT) canonicalCache.clear();
  canonicalCache.set(text, canonical);
  return canonical;
}
