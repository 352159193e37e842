import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  formatIpv6,
  formatMac,
  ipFamilyOf,
  parseIpv4,
  parseIpv6,
  parseMac,
} from '../../../../src/vrrp/codec/IpAddressBytes.js';

describe('IpAddressBytes', () => {
  it('parses IPv4 to network order and refuses non-addresses', () => {
    expect(parseIpv4('192.0.2.100')?.toString('hex')).toBe('c0000264');
    expect(parseIpv4('255.255.255.255')?.toString('hex')).toBe('ffffffff');
    expect(parseIpv4('256.0.0.1')).toBeUndefined();
    expect(parseIpv4('192.0.2')).toBeUndefined();
    expect(parseIpv4('2001:db8::1')).toBeUndefined();
  });

  it('parses IPv6 with ::, leading zeros, upper case and an embedded dotted quad', () => {
    expect(parseIpv6('2001:db8::100')?.toString('hex')).toBe('20010db8000000000000000000000100');
    expect(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0100')?.toString('hex')).toBe('20010db8000000000000000000000100');
    expect(parseIpv6('::')?.toString('hex')).toBe('0'.repeat(32));
    expect(parseIpv6('::1')?.toString('hex')).toBe('0'.repeat(31) + '1');
    expect(parseIpv6('fe80::')?.toString('hex')).toBe('fe80' + '0'.repeat(28));
    expect(parseIpv6('::ffff:192.0.2.1')?.toString('hex')).toBe('00000000000000000000ffffc0000201');
    expect(parseIpv6('64:ff9b::198.51.100.7')?.toString('hex')).toBe('0064ff9b0000000000000000c6336407');
  });

  it('ignores an RFC 4007 zone index and refuses malformed text', () => {
    expect(parseIpv6('fe80::ff:fe00:1%veth0')?.toString('hex')).toBe('fe80000000000000000000fffe000001');
    expect(parseIpv6('fe80::1::2')).toBeUndefined();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIpv6('12345::1')).toBeUndefined();
    expect(parseIpv6('192.0.2.1')).toBeUndefined();
  });

  it('formats IPv6 canonically (RFC 5952 §4): lower case, longest zero run, first on a tie, no single-group ::', () => {
    const f = (t: string): string => formatIpv6(parseIpv6(t)!);
    expect(f('2001:db8:0:0:0:0:0:100')).toBe('2001:db8::100');
    expect(f('fe80:0:0:0:0:ff:fe00:1')).toBe('fe80::ff:fe00:1');
    expect(f('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(f('2001:0:0:1:0:0:1:1')).toBe('2001::1:0:0:1:1');
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(f('ff02::12')).toBe('ff02::12');
    expect(f('0:0:0:0:0:0:0:0')).toBe('::');
    expect(f('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(f('::ffff:c000:201')).toBe('::ffff:192.0.2.1');
  });

  it('canonicalises either family and says which family text is', () => {
    expect(canonicalIp('2001:DB8::0100')).toBe('2001:db8::100');
    expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('not-an-ip')).toBeUndefined();
    expect(ipFamilyOf('192.0.2.1')).toBe('ipv4');
    expect(ipFamilyOf('fe80::1%eth0')).toBe('ipv6');
    expect(ipFamilyOf('eth0')).toBeUndefined();
  });

  it('parses and formats MAC addresses', () => {
    expect(parseMac('02:00:00:00:00:01')?.toString('hex')).toBe('020000000001');
    expect(parseMac('00-00-5E-00-01-3D')?.toString('hex')).toBe('00005e00013d');
    expect(parseMac('02:00:00:00:00')).toBeUndefined();
    expect(parseMac('02:00:00:00:00:zz')).toBeUndefined();
    expect(formatMac(Buffer.from('00005e00013d', 'hex'))).toBe('00:00:5e:00:01:3d');
  });
});
