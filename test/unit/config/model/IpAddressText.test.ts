import { describe, expect, it } from 'vitest';
import { isMulticast, parseAddressRange, parseIpAddress } from '../../../../src/config/model/IpAddressText.js';

describe('IpAddressText', () => {
  it.each([
    ['192.0.2.1', { address: '192.0.2.1', family: 'inet' }],
    ['0.0.0.0', { address: '0.0.0.0', family: 'inet' }],
    ['2001:DB8:0:0:0:0:0:1', { address: '2001:db8::1', family: 'inet6' }],
    ['2001:db8::', { address: '2001:db8::', family: 'inet6' }],
    ['::', { address: '::', family: 'inet6' }],
    ['::ffff:192.0.2.1', { address: '::ffff:c000:201', family: 'inet6' }],
    ['fe80::1', { address: 'fe80::1', family: 'inet6' }],
    ['2001:db8:0:1:0:0:0:1', { address: '2001:db8:0:1::1', family: 'inet6' }],
  ])('parses %s', (text, expected) => {
    expect(parseIpAddress(text)).toEqual(expected);
  });

  it.each(['192.0.2.300', '192.0.2', '192.0.2.1.5', '01.2.3.4', '1.2.3.4/24', 'eth0', '2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', 'fe80::1%eth0', ''])(
    'rejects %s',
    (text) => {
      expect(parseIpAddress(text)).toBeNull();
    },
  );

  it('formats per RFC 5952 §4: the longest zero run, the first on a tie, never a single group', () => {
    expect(parseIpAddress('2001:db8:0:0:1:0:0:1')?.address).toBe('2001:db8::1:0:0:1');
    expect(parseIpAddress('2001:db8:0:1:1:1:1:1')?.address).toBe('2001:db8:0:1:1:1:1:1');
    expect(parseIpAddress('0:0:0:0:0:0:0:1')?.address).toBe('::1');
  });

  it('knows multicast ranges', () => {
    expect(isMulticast({ address: '224.0.0.18', family: 'inet' })).toBe(true);
    expect(isMulticast({ address: '10.0.0.1', family: 'inet' })).toBe(false);
    expect(isMulticast({ address: 'ff02::12', family: 'inet6' })).toBe(true);
  });

  it('parses keepalived address ranges', () => {
    expect(parseAddressRange('192.0.2.3-10')).toEqual({ first: { address: '192.0.2.3', family: 'inet' }, last: { address: '192.0.2.10', family: 'inet' } });
    expect(parseAddressRange('2001:db8::2-1f')).toEqual({ first: { address: '2001:db8::2', family: 'inet6' }, last: { address: '2001:db8::1f', family: 'inet6' } });
    expect(parseAddressRange('192.0.2.10-3')).toBe('invalid');
    expect(parseAddressRange('192.0.2.10-256')).toBe('invalid');
    expect(parseAddressRange('192.0.2.10')).toBe('not-a-range');
  });
});
