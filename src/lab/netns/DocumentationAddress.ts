import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** An interface address in CIDR form, split into its parts. */
export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefixLength: number;
  /** The original `address/len` text, as `ip addr add` takes it. */
  cidr: string;
}

/**
 * The ranges reserved for documentation: TEST-NET-1/2/3 (RFC 5737 section 3) and
 * 2001:db8::/32 (RFC 3849 section 2). Test topologies use only these, so a test can never
 * be mistaken for (or collide with) a real network even if something leaked.
 */
const DOCUMENTATION_RANGES = (() => {
  const list = new BlockList();
  list.addSubnet('192.0.2.0', 24, 'ipv4');
  list.addSubnet('198.51.100.0', 24, 'ipv4');
  list.addSubnet('203.0.113.0', 24, 'ipv4');
  list.addSubnet('2001:db8::', 32, 'ipv6');
  return list;
})();

export const DOCUMENTATION_RANGE_TEXT = '192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32';

/** Parses `address/len`; undefined when it is not a valid CIDR of the given family. */
export function parseInterfaceAddress(cidr: string, family: 4 | 6): InterfaceAddress | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const address = cidr.slice(0, slash);
  const lenText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const prefixLength = Number(lenText);
  const valid = family === 4 ? isIPv4(address) && prefixLength <= 32 : isIPv6(address) && prefixLength <= 128;
  return valid ? { family, address, prefixLength, cidr } : undefined;
}

/** True when a bare address (no prefix length) lies in a documentation range. */
export function isDocumentationAddress(address: string): boolean {
  if (isIPv4(address)) return DOCUMENTATION_RANGES.check(address, 'ipv4');
  if (isIPv6(address)) return DOCUMENTATION_RANGES.check(address, 'ipv6');
  return false;
}
