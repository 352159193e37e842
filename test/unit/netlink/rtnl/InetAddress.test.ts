import { describe, expect, it } from 'vitest';
import { formatInetBytes, inetAddressFromBytes, parseInetAddress, withHostBits } from '../../../../src/netlink/rtnl/InetAddress.js';
import { AF_INET, AF_INET6 } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

const text = (s: string): string | undefined => parseInetAddress(s)?.text;

describe('InetAddress', () => {
  it('parses dotted quads to network-order bytes', () => {
    const a = parseInetAddress('192.0.2.1');
    expect(a?.family).toBe(AF_INET);
    expect([...a!.bytes]).toEqual([192, 0, 2, 1]);
  });

  it('rejects what inet_pton(AF_INET) rejects', () => {
    for (const bad of ['192.0.2', '192.0.2.256', '192.0.02.1', '192.0.2.1/24', ' 192.0.2.1', '']) expect(parseInetAddress(bad)).toBeNull();
  });

  it('formats IPv6 as RFC 5952 §4 recommends', () => {
    expect(text('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(text('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(text('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(text('2001:0db8::0001')).toBe('2001:db8::1');
    expect(text('::')).toBe('::');
    expect(text('::1')).toBe('::1');
    expect(text('fe80::')).toBe('fe80::');
    expect(text('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
  });

  it('parses embedded IPv4 and rejects malformed IPv6', () => {
    expect([...parseInetAddress('::ffff:192.0.2.1')!.bytes.subarray(12)]).toEqual([192, 0, 2, 1]);
    for (const bad of ['2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', '2001:db8::g', 'fe80::1%eth0', '1:2:3:4:5:6:7', '::ffff:192.0.2']) {
      expect(parseInetAddress(bad)).toBeNull();
    }
  });

  it('reads attribute bytes of the right length only', () => {
    expect(inetAddressFromBytes(AF_INET, Uint8Array.of(203, 0, 113, 9))?.text).toBe('203.0.113.9');
    expect(inetAddressFromBytes(AF_INET6, Uint8Array.of(1, 2, 3, 4))).toBeNull();
    expect(inetAddressFromBytes(99, new Uint8Array(16))).toBeNull();
    expect(formatInetBytes(AF_INET6, new Uint8Array(16))).toBe('::');
  });

  it('sets or clears host bits like iproute2 brd + and brd -', () => {
    const a = parseInetAddress('198.51.100.77')!;
    expect(withHostBits(a, 24, true).text).toBe('198.51.100.255');
    expect(withHostBits(a, 24, false).text).toBe('198.51.100.0');
    expect(withHostBits(a, 28, true).text).toBe('198.51.100.79');
    expect(withHostBits(a, 32, true).text).toBe('198.51.100.77');
    expect(withHostBits(a, 0, false).text).toBe('0.0.0.0');
  });
});
