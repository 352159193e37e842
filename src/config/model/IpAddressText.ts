import type { AddressFamily, IpAddress } from './Common.js';

/**
 * Parsing of address text the way keepalived accepts it (inet_pton: dotted quads with no
 * leading '+', no shorthand such as `10.1`; standard IPv6 text incl. embedded IPv4).
 */

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Four octets, or `null` when the text is not a dotted quad. */
export function parseIpv4Octets(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const p of parts) {
    if (!IPV4_OCTET.test(p)) return null;
    octets.push(Number(p));
  }
  return octets;
}

/** Eight 16-bit groups, or `null` when the text is not an IPv6 address. */
export function parseIpv6Groups(text: string): number[] | null {
  if (text.length === 0 || text.includes('%')) return null;
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4Octets(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    // Keep a trailing `::` (as in `::1.2.3.4`); drop a single separating `:`.
    body = text.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parseHalf = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseHalf(halves[0] ?? '');
  const rest = halves.length === 2 ? parseHalf(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (explicit > 7) return null;
    return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
  }
  if (explicit !== 8) return null;
  return [...head, ...tail];
}

/** RFC 5952 §4 text: lower case, no leading zeros, longest run (>1) of zero groups as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIpv4Octets(text);
  if (v4) return { address: v4.join('.'), family: 'inet' };
  const v6 = parseIpv6Groups(text);
  if (v6) return { address: formatIpv6(v6), family: 'inet6' };
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
  const groups = parseIpv6Groups(first.address) ?? [];
  const end = parseInt(endText, 16);
  if (end <= (groups[7] ?? 0)) return 'invalid';
  groups[7] = end;
  return { first, last: { address: formatIpv6(groups), family: 'inet6' } };
}
