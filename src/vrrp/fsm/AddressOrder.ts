import { isIPv4, isIPv6 } from 'node:net';

/**
 * Numeric order of IP addresses, for the equal-priority tie-break of RFC 5798 §6.4.3 /
 * RFC 3768 §6.4.3: "the primary IP address of the sender is greater than the local primary
 * IP address". Addresses compare as unsigned integers in network byte order, i.e. byte by
 * byte from the most significant — as keepalived's `inet_inaddrcmp` does after ntohl().
 */

/** The address as bytes in network order, or undefined when it is not an IP literal. */
export function addressBytes(address: string): Uint8Array | undefined {
  if (isIPv4(address)) return ipv4Bytes(address);
  if (isIPv6(address)) return ipv6Bytes(address);
  return undefined;
}

/** -1, 0 or 1 as a < b, a == b, a > b. Different families compare IPv4 < IPv6 (never equal). */
export function compareAddresses(a: string, b: string): -1 | 0 | 1 {
  const ab = addressBytes(a);
  const bb = addressBytes(b);
  if (ab === undefined || bb === undefined) {
    throw new TypeError(`not an IP address: ${ab === undefined ? a : b}`);
  }
  if (ab.length !== bb.length) return ab.length < bb.length ? -1 : 1;
  for (let i = 0; i < ab.length; i++) {
    const x = ab[i] as number;
    const y = bb[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map((octet) => Number.parseInt(octet, 10)));
}

function ipv6Bytes(address: string): Uint8Array {
  // Drop a zone index ("fe80::1%eth0"): it does not take part in the comparison.
  const bare = address.split('%')[0] ?? address;
  const groups: number[] = [];
  const halves = bare.split('::');
  const head = halves[0] ?? '';
  const tail = halves.length > 1 ? (halves[1] ?? '') : undefined;
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        // Embedded dotted quad (e.g. ::ffff:192.0.2.1) fills the last 32 bits.
        const v4 = ipv4Bytes(piece);
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const headGroups = parse(head);
  if (tail === undefined) {
    groups.push(...headGroups);
  } else {
    const tailGroups = parse(tail);
    groups.push(...headGroups, ...new Array<number>(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups);
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}
