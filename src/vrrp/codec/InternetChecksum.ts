import type { IpFamily } from './IpAddressBytes.js';

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement
 * sum of the data taken as big-endian 16-bit words, an odd final byte padded with zero.
 * Used by the IPv4 header (RFC 791 §3.1), VRRP (RFC 3768 §5.3.8, RFC 5798 §5.2.8) and
 * ICMPv6 (RFC 4443 §2.3).
 */

/** One's complement sum of `data[start, end)`, folded to 16 bits, added onto `initial`. */
export function onesComplementSum(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  if (i < end) sum += (data[i] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The checksum field value for `data[start, end)` (whose checksum field must hold zero), plus an optional pseudo-header sum. */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length, pseudoHeaderSum = 0): number {
  return ~onesComplementSum(data, start, end, pseudoHeaderSum) & 0xffff;
}

/**
 * True when `data[start, end)` (checksum field included) sums to all ones, i.e. the
 * checksum is right. RFC 1071 §1: a correct message sums to 0xffff (negative zero).
 */
export function checksumVerifies(data: Uint8Array, start = 0, end = data.length, pseudoHeaderSum = 0): boolean {
  return onesComplementSum(data, start, end, pseudoHeaderSum) === 0xffff;
}

/**
 * The sum of a pseudo-header for an upper-layer protocol.
 * IPv4 (RFC 768 layout, used for VRRPv3 by RFC 5798 §5.2.8): source, destination,
 * zero byte, protocol, 16-bit length.
 * IPv6 (RFC 8200 §8.1): source, destination, 32-bit upper-layer length, three zero
 * bytes, next header.
 * Addresses are network-order bytes of the family's size.
 */
export function pseudoHeaderSum(
  family: IpFamily,
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  upperLayerLength: number,
): number {
  const tail = Buffer.alloc(family === 'ipv4' ? 4 : 8);
  if (family === 'ipv4') {
    tail[1] = protocol;
    tail.writeUInt16BE(upperLayerLength & 0xffff, 2);
  } else {
    tail.writeUInt32BE(upperLayerLength >>> 0, 0);
    tail[7] = protocol;
  }
  let sum = onesComplementSum(src);
  sum = onesComplementSum(dst, 0, dst.length, sum);
  return onesComplementSum(tail, 0, tail.length, sum);
}
