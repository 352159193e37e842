import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import { encodeInt, encodeInterfaceName, encodeIpMreqn, IP_MREQN_BYTES } from '../../../../src/vrrp/io/Ipv4SocketOptions.js';

const le = endianness() === 'LE';

describe('IPv4 socket option encodings', () => {
  it('lays out struct ip_mreqn: group, local address (network order), ifindex (host order)', () => {
    const b = encodeIpMreqn('224.0.0.18', 3);
    expect(b.length).toBe(IP_MREQN_BYTES);
    expect(b.subarray(0, 4).toString('hex')).toBe('e0000012');
    expect(b.subarray(4, 8).toString('hex')).toBe('00000000');
    expect(b.subarray(8).toString('hex')).toBe(le ? '03000000' : '00000003');
    expect(encodeIpMreqn('0.0.0.0', 0x0102, '192.0.2.1').subarray(4, 8).toString('hex')).toBe('c0000201');
  });

  it('writes C ints in host byte order', () => {
    expect(encodeInt(1).toString('hex')).toBe(le ? '01000000' : '00000001');
    expect(encodeInt(-1).toString('hex')).toBe('ffffffff');
  });

  it('NUL-terminates interface names and enforces IFNAMSIZ', () => {
    expect(encodeInterfaceName('eth0').toString('hex')).toBe('6574683000');
    expect(encodeInterfaceName('a'.repeat(15)).length).toBe(16);
    for (const bad of ['', 'a'.repeat(16)]) {
      expect(() => encodeInterfaceName(bad)).toThrow(expect.objectContaining({ code: 'VRRP_IO_BAD_ARGUMENT' }) as Error);
    }
  });

  it('rejects what is not an IPv4 address or an interface index', () => {
    for (const call of [() => encodeIpMreqn('ff02::12', 1), () => encodeIpMreqn('224.0.0.18', -1), () => encodeIpMreqn('224.0.0.18', 1.5)]) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(isVigilError(error, 'VRRP_IO_BAD_ARGUMENT')).toBe(true);
    }
  });
});
