import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../../../src/core/VigilError.js';
import { VrrpSocketV6, type VrrpV6PacketMeta } from '../../../../src/vrrp/io/VrrpSocketV6.js';
import { errnoError, FakeVigilNet, type FakeIpv6RawSocket } from './FakeVigilNet.js';

function openOn(fake: FakeVigilNet, extra: Partial<Parameters<typeof VrrpSocketV6.open>[0]> = {}): { socket: VrrpSocketV6; native: FakeIpv6RawSocket } {
  const socket = VrrpSocketV6.open({ ifname: 'eth0', binding: fake.binding(), ...extra });
  const native = fake.ipv6Sockets[fake.ipv6Sockets.length - 1];
  if (native === undefined) throw new Error('no native socket was created');
  return { socket, native };
}

function openError(fake: FakeVigilNet, extra: Partial<Parameters<typeof VrrpSocketV6.open>[0]> = {}): VigilError {
  try {
    openOn(fake, extra);
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('open did not fail');
}

async function rejection(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('VrrpSocketV6 adapter', () => {
  it('configures the socket like keepalived and joins ff02::12 on the interface', () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    expect(native.protocol).toBe(112);
    expect(native.optionLog).toEqual([
      ['IPV6_UNICAST_HOPS', 255],
      ['IPV6_MULTICAST_HOPS', 255],
      ['IPV6_TCLASS', 0xc0],
      ['IPV6_MULTICAST_LOOP', 0],
      ['IPV6_MULTICAST_IF', 7],
      ['IPV6_MULTICAST_ALL', 0],
    ]);
    expect(native.boundDevice).toBe('eth0');
    expect(native.memberships).toEqual([['join', 'ff02::12', 7]]);
    expect(socket.joinedGroups).toEqual(['ff02::12']);
  });

  it('takes another hop limit and traffic class, kernel checksums, and no group', () => {
    const fake = new FakeVigilNet();
    const { native } = openOn(fake, { hopLimit: 254, trafficClass: 0, kernelChecksum: true, joinVrrpGroup: false });
    expect(native.options.get('IPV6_UNICAST_HOPS')).toBe(254);
    expect(native.options.get('IPV6_MULTICAST_HOPS')).toBe(254);
    expect(native.options.get('IPV6_TCLASS')).toBe(0);
    expect(native.options.get('IPV6_CHECKSUM')).toBe(6);
    expect(native.memberships).toEqual([]);
  });

  it('rejects out-of-range settings before opening anything', () => {
    const fake = new FakeVigilNet();
    expect(openError(fake, { hopLimit: 0 }).code).toBe('VRRP_IO_BAD_ARGUMENT');
    expect(openError(fake, { hopLimit: 256 }).code).toBe('VRRP_IO_BAD_ARGUMENT');
    expect(openError(fake, { trafficClass: 300 }).code).toBe('VRRP_IO_BAD_ARGUMENT');
    expect(fake.ipv6Sockets).toHaveLength(0);
  });

  it('tolerates kernels without IPV6_MULTICAST_ALL, but not other option failures (and closes)', () => {
    const tolerant = new FakeVigilNet();
    tolerant.ipv6Setup = (s) => s.optionErrors.set('IPV6_MULTICAST_ALL', errnoError('ENOPROTOOPT', 'setsockopt'));
    expect(() => openOn(tolerant)).not.toThrow();

    const strict = new FakeVigilNet();
    strict.ipv6Setup = (s) => s.optionErrors.set('IPV6_MULTICAST_HOPS', errnoError('EPERM', 'setsockopt'));
    const e = openError(strict);
    expect(e.code).toBe('VRRP_IO_OPTION_FAILED');
    expect(e.details).toMatchObject({ option: 'IPV6_MULTICAST_HOPS', errno: 'EPERM' });
    expect(strict.ipv6Sockets[0]?.closed).toBe(true);
  });

  it('sends to ff02::12 by default, with the chosen source and its interface', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    await socket.send(Buffer.from([0x31, 1]), undefined, { source: 'fe80::1' });
    await socket.send(Buffer.from([0x31, 2]), '2001:db8::2');
    expect(native.sent.map(({ dst, source, ifindex, hopLimit }) => ({ dst, source, ifindex, hopLimit }))).toEqual([
      { dst: 'ff02::12', source: 'fe80::1', ifindex: 7, hopLimit: -1 },
      { dst: '2001:db8::2', source: null, ifindex: 7, hopLimit: -1 },
    ]);
  });

  it('checks addresses and maps send failures', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    expect((await rejection(socket.send(Buffer.alloc(8), '192.0.2.1'))).code).toBe('VRRP_IO_BAD_ARGUMENT');
    expect((await rejection(socket.send(Buffer.alloc(8), 'ff02::12', { source: 'nope' }))).code).toBe('VRRP_IO_BAD_ARGUMENT');
    native.sendScript.push(errnoError('EADDRNOTAVAIL', 'sendmsg'));
    const e = await rejection(socket.send(Buffer.alloc(8)));
    expect(e.code).toBe('VRRP_IO_SEND_FAILED');
    expect(e.details).toMatchObject({ errno: 'EADDRNOTAVAIL', syscall: 'sendmsg', dst: 'ff02::12' });
  });

  it('delivers payloads with the receive metadata', () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    const got: VrrpV6PacketMeta[] = [];
    socket.onPacket((_p, meta) => got.push(meta));
    native.receiver?.(null, Buffer.alloc(24), { src: 'fe80::1', srcScopeId: 7, dst: 'ff02::12', ifindex: 7, hopLimit: 254, truncated: false });
    expect(got).toEqual([{ src: 'fe80::1', dst: 'ff02::12', hopLimit: 254, ifindex: 7, truncated: false }]);
  });

  it('tracks memberships and refuses work once closed', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake, { joinVrrpGroup: false });
    socket.joinGroup('ff02::12');
    socket.leaveGroup('ff02::12');
    expect(socket.joinedGroups).toEqual([]);
    expect(native.memberships).toEqual([
      ['join', 'ff02::12', 7],
      ['leave', 'ff02::12', 7],
    ]);
    expect(() => socket.joinGroup('2001:db8::1')).toThrow(expect.objectContaining({ code: 'VRRP_IO_OPTION_FAILED' }) as Error);
    socket.close();
    socket.close();
    expect(native.closed).toBe(true);
    expect((await rejection(socket.send(Buffer.alloc(8)))).code).toBe('VRRP_IO_CLOSED');
    expect(() => socket.socketOption('IPV6_TCLASS')).toThrow(expect.objectContaining({ code: 'VRRP_IO_CLOSED' }) as Error);
  });
});
