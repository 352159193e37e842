import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4Bytes, formatIpv6Bytes, parseIpv4Bytes, parseIpv6Bytes } from '../core/IpAddressCodec.js';
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

/** 4 bytes for IPv4, 16 for IPv6, network order. */
export function addressToBytes(text: string): Uint8Array {
  const bytes = addressFamilyOf(text) === AF_INET ? parseIpv4Bytes(text) : parseIpv6Bytes(text);
  if (bytes === undefined) throw badAddress(text, 'not parseable');
  return bytes;
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

/** Address text from a 16-byte nf_inet_addr (or a 4-byte IPv4 address). */
export function decodeInetAddress(af: IpvsAddressFamily, bytes: Uint8Array): string {
  if (af === AF_INET) {
    if (bytes.length < 4) throw new VigilError('IPVS_BAD_ADDRESS', `IPv4 address needs 4 bytes, got ${bytes.length}`);
    return formatIpv4Bytes(bytes);
  }
  if (bytes.length < 16) throw new VigilError('IPVS_BAD_ADDRESS', `IPv6 address needs 16 bytes, got ${bytes.length}`);
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad, as ipvsadm prints them.
  return formatIpv6Bytes(bytes);
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
