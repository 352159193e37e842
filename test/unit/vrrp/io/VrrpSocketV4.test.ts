import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../../../src/core/VigilError.js';
import {
  IPPROTO_IP,
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_HDRINCL,
  IP_MULTICAST_ALL,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  SOL_SOCKET,
  SO_BINDTODEVICE,
  encodeInt,
  encodeIpMreqn,
} from '../../../../src/vrrp/io/Ipv4SocketOptions.js';
import { VrrpSocketV4, type VrrpV4PacketMeta } from '../../../../src/vrrp/io/VrrpSocketV4.js';
import { FakeRawSocketModule, FakeVigilNet, type FakeRawSocket } from './FakeVigilNet.js';

/** 20-byte IPv4 header (TTL 255, protocol 112) + 4 bytes of "VRRP". */
function datagram(dst: number[], ttl = 255): Buffer {
  const b = Buffer.alloc(24);
  b[0] = 0x45;
  b.writeUInt16BE(24, 2);
  b[8] = ttl;
  b[9] = 112;
  Buffer.from([192, 0, 2, 1]).copy(b, 12);
  Buffer.from(dst).copy(b, 16);
  b.write('vrrp', 20);
  return b;
}

function openOn(raw: FakeRawSocketModule, extra: Partial<Parameters<typeof VrrpSocketV4.open>[0]> = {}): { socket: VrrpSocketV4; fake: FakeRawSocket } {
  const socket = VrrpSocketV4.open({ ifname: 'eth0', ifindex: 7, rawSocket: raw.module(), ...extra });
  const fake = raw.sockets[raw.sockets.length - 1];
  if (fake === undefined) throw new Error('no raw socket was created');
  return { socket, fake };
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

describe('VrrpSocketV4 adapter over raw-socket', () => {
  it('opens protocol 112 and sets the options keepalived sets, then joins 224.0.0.18 by ifindex', () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    expect(raw.createOptions).toEqual([{ protocol: 112, addressFamily: 1 }]);
    expect(fake.options.map((o) => [o.level, o.option, o.value.toString('hex')])).toEqual([
      [SOL_SOCKET, SO_BINDTODEVICE, Buffer.from('eth0\0').toString('hex')],
      [IPPROTO_IP, IP_HDRINCL, encodeInt(1).toString('hex')],
      [IPPROTO_IP, IP_MULTICAST_LOOP, encodeInt(0).toString('hex')],
      [IPPROTO_IP, IP_MULTICAST_IF, encodeIpMreqn('0.0.0.0', 7).toString('hex')],
      [IPPROTO_IP, IP_MULTICAST_ALL, encodeInt(0).toString('hex')],
      [IPPROTO_IP, IP_ADD_MEMBERSHIP, encodeIpMreqn('224.0.0.18', 7).toString('hex')],
    ]);
    expect(socket.joinedGroups).toEqual(['224.0.0.18']);
    expect(fake.recvPaused).toBe(true);
  });

  it('uses the addon to find the ifindex and to create the socket inside a namespace', () => {
    const raw = new FakeRawSocketModule();
    const net = new FakeVigilNet();
    const original = raw.module();
    let createdIn: string | undefined;
    const socket = VrrpSocketV4.open({
      ifname: 'eth0',
      netns: 'lab',
      binding: net.binding(),
      rawSocket: {
        ...original,
        createSocket: (o) => {
          createdIn = net.currentNamespace;
          return original.createSocket(o);
        },
      },
    });
    expect(socket.ifindex).toBe(7);
    expect(net.log).toEqual(['interfaceIndex(eth0) in /run/netns/lab']);
    expect(createdIn).toBe('/run/netns/lab');
    expect(net.currentNamespace).toBe('home');
  });

  it('tolerates a kernel without IP_MULTICAST_ALL, and closes on other option failures', () => {
    const raw = new FakeRawSocketModule();
    const original = raw.module();
    const withError = (option: number, message: string): VrrpSocketV4 | VigilError => {
      try {
        return VrrpSocketV4.open({
          ifname: 'eth0',
          ifindex: 7,
          rawSocket: {
            ...original,
            createSocket: (o) => {
              const s = original.createSocket(o) as unknown as FakeRawSocket;
              s.optionErrors.set(option, new Error(message));
              return s as unknown as ReturnType<typeof original.createSocket>;
            },
          },
        });
      } catch (e) {
        if (isVigilError(e)) return e;
        throw e;
      }
    };
    expect(withError(IP_MULTICAST_ALL, 'Protocol not available')).toBeInstanceOf(VrrpSocketV4);
    const e = withError(SO_BINDTODEVICE, 'No such device');
    expect(isVigilError(e, 'VRRP_IO_OPTION_FAILED')).toBe(true);
    expect((e as VigilError).details).toMatchObject({ option: 'SO_BINDTODEVICE', errno: 'ENODEV' });
    expect(raw.sockets[1]?.closeCount).toBe(1);
  });

  it('sends whole datagrams to the destination in their header', async () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    const d = datagram([224, 0, 0, 18]);
    await socket.send(d);
    expect(fake.sends).toEqual([{ buffer: d, address: '224.0.0.18' }]);
    expect((await rejection(socket.send(Buffer.alloc(19)))).code).toBe('VRRP_IO_BAD_ARGUMENT');
    expect((await rejection(socket.send(Buffer.alloc(20, 0x60)))).code).toBe('VRRP_IO_BAD_ARGUMENT');
  });

  it('maps raw-socket’s strerror-only failures to codes with the errno name', async () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    fake.nextSendError = 'Network is unreachable';
    const e = await rejection(socket.send(datagram([198, 51, 100, 1])));
    expect(e.code).toBe('VRRP_IO_SEND_FAILED');
    expect(e.details).toMatchObject({ errno: 'ENETUNREACH', dst: '198.51.100.1' });
  });

  it('resumes reading on the first listener, copies each datagram and reads the header', () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    const got: { data: Buffer; meta: VrrpV4PacketMeta }[] = [];
    const stop = socket.onPacket((data, meta) => got.push({ data, meta }));
    expect(fake.recvPaused).toBe(false);
    const shared = datagram([224, 0, 0, 18], 254);
    fake.emit('message', shared, '192.0.2.1');
    shared.fill(0); // raw-socket reuses its buffer for the next read
    expect(got[0]?.meta).toEqual({ src: '192.0.2.1', dst: '224.0.0.18', ttl: 254, ifindex: 7, headerLength: 20 });
    expect(got[0]?.data.subarray(20).toString()).toBe('vrrp');
    stop();
    expect(fake.recvPaused).toBe(true);
  });

  it('reports runts and raw-socket errors to error listeners', () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    const errors: VigilError[] = [];
    socket.onError((e) => errors.push(e));
    socket.onPacket(() => undefined);
    fake.emit('message', Buffer.alloc(10), '192.0.2.9');
    fake.emit('error', new Error('Operation not permitted'));
    expect(errors.map((e) => [e.code, e.details.errno])).toEqual([
      ['VRRP_IO_RECEIVE_FAILED', undefined],
      ['VRRP_IO_RECEIVE_FAILED', 'EPERM'],
    ]);
  });

  it('treats raw-socket closing itself as the end of the socket', async () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    const errors: string[] = [];
    socket.onError((e) => errors.push(e.code));
    fake.close();
    expect(socket.closed).toBe(true);
    expect(errors).toEqual(['VRRP_IO_CLOSED']);
    expect((await rejection(socket.send(datagram([224, 0, 0, 18])))).code).toBe('VRRP_IO_CLOSED');
    expect(fake.sends).toEqual([]);
  });

  it('closes once and never lets raw-socket reopen the descriptor', async () => {
    const raw = new FakeRawSocketModule();
    const { socket, fake } = openOn(raw);
    socket.leaveGroup('224.0.0.18');
    expect(fake.options[fake.options.length - 1]?.option).toBe(IP_DROP_MEMBERSHIP);
    socket.close();
    socket.close();
    expect(fake.closeCount).toBe(1);
    expect((await rejection(socket.send(datagram([224, 0, 0, 18])))).code).toBe('VRRP_IO_CLOSED');
    expect(() => socket.joinGroup('224.0.0.18')).toThrow(expect.objectContaining({ code: 'VRRP_IO_CLOSED' }) as Error);
    expect(fake.sends).toEqual([]);
  });
});
