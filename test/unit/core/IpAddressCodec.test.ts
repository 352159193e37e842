import { describe, expect, it } from 'vitest';
import { formatIpv4Bytes, formatIpv6Bytes, parseIpv4Bytes, parseIpv6Bytes } from '../../../src/core/IpAddressCodec.js';

const hex = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));

describe('IpAddressCodec parsing', () => {
  it('reads a dotted quad into 4 network-order bytes', () => {
    expect(hex(parseIpv4Bytes('192.0.2.1'))).toBe('c0000201');
    expect(hex(parseIpv4Bytes('0.0.0.0'))).toBe('00000000');
  });

  it('refuses malformed IPv4 text, leading zeros included', () => {
    for (const bad of ['192.0.2', '192.0.2.256', '01.2.3.4', '1.2.3.4 ', '1.2.3.4%eth0', '']) expect(parseIpv4Bytes(bad)).toBeUndefined();
  });

  it('reads IPv6 text with ::, upper case and an embedded dotted quad (RFC 4291 §2.2)', () => {
    expect(hex(parseIpv6Bytes('2001:DB8::A'))).toBe('20010db800000000000000000000000a');
    expect(hex(parseIpv6Bytes('::'))).toBe('0'.repeat(32));
    expect(hex(parseIpv6Bytes('::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(hex(parseIpv6Bytes('1:2:3:4:5:6:192.0.2.1'))).toBe('000100020003000400050006c0000201');
  });

  it('refuses malformed IPv6 text and zone ids', () => {
    for (const bad of ['2001:db8::1::2', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '2001:db8::g', '::ffff:192.0.2', 'fe80::1%eth0', '192.0.2.1']) {
      expect(parseIpv6Bytes(bad), bad).toBeUndefined();
    }
  });
});

describe('IpAddressCodec formatting', () => {
  it('writes a dotted quad at an offset', () => {
    expect(formatIpv4Bytes(Uint8Array.of(9, 198, 51, 100, 7), 1)).toBe('198.51.100.7');
  });

  it('writes RFC 5952 §4 text: lower case, longest zero run compressed, first on a tie', () => {
    expect(formatIpv6Bytes(parseIpv6Bytes('2001:0DB8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6Bytes(parseIpv6Bytes('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1');
    // A single zero group is not compressed (RFC 5952 §4.2.2).
    expect(formatIpv6Bytes(parseIpv6Bytes('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6Bytes(new Uint8Array(16))).toBe('::');
  });

  it('writes IPv4-mapped addresses as a dotted quad by default, or as plain groups', () => {
    const mapped = parseIpv6Bytes('::ffff:192.0.2.1')!;
    expect(formatIpv6Bytes(mapped)).toBe('::ffff:192.0.2.1');
    expect(formatIpv6Bytes(mapped, 0, 'hex')).toBe('::ffff:c000:201');
  });

  it('reads at an offset', () => {
    const framed = new Uint8Array(18);
    framed.set(parseIpv6Bytes('2001:db8::5')!, 2);
    expect(formatIpv6Bytes(framed, 2)).toBe('2001:db8::5');
  });
});
