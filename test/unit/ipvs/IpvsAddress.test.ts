import { describe, expect, it } from 'vitest';
import { addressFamilyOf, canonicalAddress, decodeInetAddress, encodeInetAddress } from '../../../src/ipvs/IpvsAddress.js';
import { AF_INET, AF_INET6 } from '../../../src/ipvs/IpvsConstants.js';
import { ipvsDestKey, ipvsServiceDestKey, ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import { hex } from './support/Fixtures.js';

describe('union nf_inet_addr', () => {
  it('puts an IPv4 address in the first 4 bytes and zeros the rest', () => {
    expect(hex(encodeInetAddress(AF_INET, '192.0.2.1'))).toBe('c0000201' + '00'.repeat(12));
  });

  it('encodes IPv6 in network order, including embedded IPv4', () => {
    expect(hex(encodeInetAddress(AF_INET6, '2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(hex(encodeInetAddress(AF_INET6, '::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(hex(encodeInetAddress(AF_INET6, '::192.0.2.1'))).toBe('000000000000000000000000c0000201');
    expect(hex(encodeInetAddress(AF_INET6, '1:2:3:4:5:6:7.8.9.10'))).toBe('0001000200030004000500060708090a');
  });

  it('refuses an address of the other family or no address at all', () => {
    expect(() => encodeInetAddress(AF_INET, '2001:db8::1')).toThrow(expect.objectContaining({ code: 'IPVS_ADDRESS_FAMILY_MISMATCH' }));
    for (const bad of ['', '192.0.2', '192.0.2.256', 'fe80::1%eth0', 'host.example']) {
      expect(() => addressFamilyOf(bad)).toThrow(expect.objectContaining({ code: 'IPVS_BAD_ADDRESS' }));
    }
  });

  it('decodes only the bytes of the family', () => {
    const bytes = encodeInetAddress(AF_INET, '198.51.100.2');
    bytes[4] = 0xff; // garbage beyond the IPv4 address is not part of it
    expect(decodeInetAddress(AF_INET, bytes)).toBe('198.51.100.2');
  });
});

describe('canonical address text (RFC 5952)', () => {
  const cases: readonly [string, string][] = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['::ffff:c000:0201', '::ffff:192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
  ];
  it.each(cases)('%s -> %s', (input, canonical) => {
    expect(canonicalAddress(input)).toBe(canonical);
  });
});

describe('IPVS keys', () => {
  it('names address services by protocol, canonical address and port', () => {
    expect(ipvsServiceKey({ kind: 'inet', af: AF_INET, protocol: 'tcp', address: '192.0.2.1', port: 80 })).toBe('tcp|192.0.2.1|80');
    expect(ipvsServiceKey({ kind: 'inet', af: AF_INET6, protocol: 'udp', address: '2001:DB8:0::1', port: 53 })).toBe('udp|2001:db8::1|53');
  });

  it('names fwmark services by mark and family', () => {
    expect(ipvsServiceKey({ kind: 'fwmark', af: AF_INET, fwmark: 1 })).toBe('fwm|1|v4');
    expect(ipvsServiceKey({ kind: 'fwmark', af: AF_INET6, fwmark: 1 })).toBe('fwm|1|v6');
  });

  it('names dests by address and port, and table-wide with their service', () => {
    const dest = { af: AF_INET, address: '198.51.100.2', port: 8080 } as const;
    expect(ipvsDestKey(dest)).toBe('198.51.100.2|8080');
    expect(ipvsServiceDestKey({ kind: 'fwmark', af: AF_INET, fwmark: 3 }, dest)).toBe('fwm|3|v4>198.51.100.2|8080');
  });
});
