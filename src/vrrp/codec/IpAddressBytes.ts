import { isIPv4, isIPv6 } from 'node:net';
import { IPV4_ADDRESS_BYTES, IPV6_ADDRESS_BYTES, formatIpv4Bytes, formatIpv6Bytes, parseIpv4Bytes, parseIpv6Bytes } from '../../core/IpAddressCodec.js';

/**
 * Text <-> network-order bytes for IPv4, IPv6 and Ethernet MAC addresses.
 *
 * Parsers return `undefined` for anything that is not an address, so callers decide
 * whether that is a decode defect (a reason code) or a programming error (a throw).
 * IPv6 text is always produced in the RFC 5952 canonical form, so two spellings of the
 * same address compare equal as strings once they have been through these helpers.
 * The IP part is the shared codec (src/core/IpAddressCodec.ts) with Buffers out and
 * zone ids tolerated; MAC addresses are this folder's own.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export { IPV4_ADDRESS_BYTES, IPV6_ADDRESS_BYTES };
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

function asBuffer(bytes: Uint8Array | undefined): Buffer | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function parseIpv4(text: string): Buffer | undefined {
  return asBuffer(parseIpv4Bytes(text));
}

/** Parses IPv6 text (RFC 4291 §2.2, including `::` and an embedded dotted quad); a zone index (RFC 4007 §11) is ignored. */
export function parseIpv6(text: string): Buffer | undefined {
  return asBuffer(parseIpv6Bytes(stripZone(text)));
}

export function parseIp(text: string): Buffer | undefined {
  return ipFamilyOf(text) === 'ipv4' ? parseIpv4(text) : parseIpv6(text);
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return formatIpv4Bytes(bytes, offset);
}

/** RFC 5952 text; IPv4-mapped addresses keep the dotted quad (RFC 5952 §5). */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  return formatIpv6Bytes(bytes, offset);
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
