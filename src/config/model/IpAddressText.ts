import { formatIpv4Bytes, formatIpv6Bytes, parseIpv4Bytes, parseIpv6Bytes } from '../../core/IpAddressCodec.js';
import type { AddressFamily, IpAddress } from './Common.js';

/**
 * Parsing of address text the way keepalived accepts it (inet_pton: dotted quads with no
 * leading '+', no shorthand such as `10.1`; standard IPv6 text incl. embedded IPv4).
 */

/** Four octets, or `null` when the text is not a dotted quad. */
export function parseIpv4Octets(text: string): number[] | null {
  const bytes = parseIpv4Bytes(text);
  return bytes ? [...bytes] : null;
}

/** The canonical text (dotted quad, or RFC 5952 IPv6 with mapped addresses in hex) and family. */
export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIpv4Bytes(text);
  if (v4) return { address: formatIpv4Bytes(v4), family: 'inet' };
  const v6 = parseIpv6Bytes(text);
  if (v6) return { address: formatIpv6Bytes(v6, 0, 'hex'), family: 'inet6' };
  return null;
}

export function maxPrefixLength(family: AddressFamily): number {
  return family === 'inet' ? 32 : 128;
}

export function isMulticast(addr: IpAddress): boolean {
  if (addr.family === 'inet') {
    const first = Number(addr.address.split('.')[0]);
    return first >= 224 && first <= 239; // RFC 5771: 224.0.0.0/4
  }
  return addr.address.startsWith('ff'); // RFC 4291 §2.7: ff00::/8
}

/** Text of `ADDR-END`: the end replaces the last IPv4 octet (decimal) or IPv6 group (hex). */
export function parseAddressRange(text: string): { first: IpAddress; last: IpAddress } | 'not-a-range' | 'invalid' {
  const dash = text.lastIndexOf('-');
  if (dash <= 0) return 'not-a-range';
  const first = parseIpAddress(text.slice(0, dash));
  const endText = text.slice(dash + 1);
  if (!first) return 'invalid';
  if (first.family === 'inet') {
    if (!/^\d{1,3}$/.test(endText)) return 'invalid';
    const octets = parseIpv4Octets(first.address) ?? [];
    const end = Number(endText);
    if (end > 255 || end <= (octets[3] ?? 0)) return 'invalid';
    octets[3] = end;
    return { first, last: { address: octets.join('.'), family: 'inet' } };
  }
  if (!/^[0-9a-fA-F]{1,4}$/.test(endText)) return 'invalid';
  const bytes = parseIpv6Bytes(first.address) ?? new Uint8Array(16);
  const end = parseInt(endText, 16);
  if (end <= (((bytes[14] ?? 0) << 8) | (bytes[15] ?? 0))) return 'invalid';
  bytes[14] = end >> 8;
  bytes[15] = end & 0xff;
  return { first, last: { address: formatIpv6Bytes(bytes, 0, 'hex'), family: 'inet6' } };
}
