import { describe, expect, it } from 'vitest';
import { addressBytes, compareAddresses } from '../../../../src/vrrp/fsm/AddressOrder.js';

describe('AddressOrder (RFC 5798 §6.4.3 tie-break order)', () => {
  it('compares IPv4 numerically, not as text', () => {
    expect(compareAddresses('192.0.2.10', '192.0.2.9')).toBe(1);
    expect(compareAddresses('192.0.2.9', '192.0.2.10')).toBe(-1);
    expect(compareAddresses('10.0.0.1', '9.255.255.255')).toBe(1);
    expect(compareAddresses('198.51.100.7', '198.51.100.7')).toBe(0);
  });

  it('compares IPv6 in network byte order with :: expanded', () => {
    expect(compareAddresses('2001:db8::1:0', '2001:db8::a')).toBe(1);
    expect(compareAddresses('fe80::1', 'fe80::2')).toBe(-1);
    expect(compareAddresses('2001:db8::', '2001:db8:0:0:0:0:0:0')).toBe(0);
    expect(compareAddresses('fe80::1%eth0', 'fe80::1')).toBe(0);
    expect(compareAddresses('::ffff:192.0.2.1', '::ffff:c000:201')).toBe(0);
  });

  it('decodes bytes', () => {
    expect([...(addressBytes('192.0.2.1') ?? [])]).toEqual([192, 0, 2, 1]);
    expect([...(addressBytes('2001:db8::1') ?? [])]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(addressBytes('not-an-address')).toBeUndefined();
  });

  it('orders families IPv4 before IPv6 and rejects non-addresses', () => {
    expect(compareAddresses('192.0.2.1', '::1')).toBe(-1);
    expect(() => compareAddresses('192.0.2.1', 'eth0')).toThrow(TypeError);
  });
});
