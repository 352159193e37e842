import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../../../src/core/VigilError.js';
import { GarpSender } from '../../../../src/vrrp/io/GarpSender.js';
import { ETH_P_ARP, ETH_P_NONE } from '../../../../src/vrrp/io/LinkLayerConstants.js';
import { PacketSocket, type ReceivedFrameInfo } from '../../../../src/vrrp/io/PacketSocket.js';
import { errnoError, FakeVigilNet, type FakePacketSocket } from './FakeVigilNet.js';

const FRAME = Buffer.alloc(42, 1);
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function openOn(fake: FakeVigilNet, extra: Partial<Parameters<typeof PacketSocket.open>[0]> = {}): { socket: PacketSocket; native: FakePacketSocket } {
  const socket = PacketSocket.open({ ifname: 'eth0', protocol: ETH_P_ARP, binding: fake.binding(), ...extra });
  const native = fake.packetSockets[fake.packetSockets.length - 1];
  if (native === undefined) throw new Error('no native socket was created');
  return { socket, native };
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

describe('PacketSocket adapter', () => {
  it('looks the interface up and opens the socket inside the namespace', () => {
    const fake = new FakeVigilNet();
    const { socket } = openOn(fake, { netns: 'lab' });
    expect(fake.log).toEqual(['interfaceIndex(eth0) in /run/netns/lab', 'PacketSocket(7, 2054) in /run/netns/lab']);
    expect(socket).toMatchObject({ ifname: 'eth0', ifindex: 7, protocol: ETH_P_ARP });
  });

  it('uses a given ifindex without a lookup', () => {
    const fake = new FakeVigilNet();
    openOn(fake, { ifindex: 12 });
    expect(fake.log).toEqual(['PacketSocket(12, 2054) in home']);
  });

  it('refuses protocols that are not 16-bit EtherTypes, and maps open failures', () => {
    const fake = new FakeVigilNet();
    expect(() => openOn(fake, { protocol: 0x10000 })).toThrow(expect.objectContaining({ code: 'VRRP_IO_BAD_ARGUMENT' }) as Error);
    fake.constructorError = errnoError('EPERM', 'socket', 1);
    expect(() => openOn(fake)).toThrow(
      expect.objectContaining({ code: 'VRRP_IO_OPEN_FAILED', details: expect.objectContaining({ errno: 'EPERM', syscall: 'socket' }) as object }) as Error,
    );
  });

  it('sends frames, retrying after EAGAIN once the socket is writable, in order', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    native.sendScript.push(errnoError('EAGAIN'));
    const first = socket.send(Buffer.from('a'.repeat(20)));
    const second = socket.send(Buffer.from('b'.repeat(20)));
    await settle();
    expect(native.sent).toEqual([]); // the first attempt was refused; the second waits behind it
    expect(native.writableWaiter).toBeDefined();
    native.fireWritable();
    await Promise.all([first, second]);
    expect(native.sent.map((f) => f.toString()[0])).toEqual(['a', 'b']);
  });

  it('rejects short frames and reports send failures with the errno', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    expect((await rejection(socket.send(Buffer.alloc(13)))).code).toBe('VRRP_IO_BAD_ARGUMENT');
    native.sendScript.push(errnoError('ENETDOWN'));
    const e = await rejection(socket.send(FRAME));
    expect(e.code).toBe('VRRP_IO_SEND_FAILED');
    expect(e.details).toMatchObject({ ifname: 'eth0', errno: 'ENETDOWN' });
  });

  it('closes once, failing a send that waits for buffer space and every later call', async () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    native.sendScript.push(errnoError('EAGAIN'));
    const waiting = socket.send(FRAME);
    await settle();
    socket.close();
    socket.close();
    expect(native.closed).toBe(true);
    expect(socket.closed).toBe(true);
    expect((await rejection(waiting)).code).toBe('VRRP_IO_CLOSED');
    expect((await rejection(socket.send(FRAME))).code).toBe('VRRP_IO_CLOSED');
    expect(() => socket.onPacket(() => undefined)).toThrow(expect.objectContaining({ code: 'VRRP_IO_CLOSED' }) as Error);
  });

  it('receives only while someone listens, naming the packet type', () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    expect(native.startCount).toBe(0);
    const got: ReceivedFrameInfo[] = [];
    const stopA = socket.onPacket((_f, info) => got.push(info));
    const stopB = socket.onPacket(() => undefined);
    expect(native.startCount).toBe(1);
    native.receiver?.(null, FRAME, { ifindex: 7, pkttype: 4, protocol: ETH_P_ARP, truncated: false });
    native.receiver?.(null, FRAME, { ifindex: 7, pkttype: 1, protocol: ETH_P_ARP, truncated: true });
    native.receiver?.(null, FRAME, { ifindex: 7, pkttype: 99, protocol: ETH_P_ARP, truncated: false });
    expect(got.map((i) => [i.packetType, i.truncated])).toEqual([
      ['outgoing', false],
      ['broadcast', true],
      ['unknown', false],
    ]);
    stopA();
    expect(native.stopCount).toBe(0);
    stopB();
    expect(native.stopCount).toBe(1);
  });

  it('does not count a listener whose registration failed to start receiving', () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    native.startError = errnoError('ENOMEM', 'uv_poll_start');
    expect(() => socket.onPacket(() => undefined)).toThrow(
      expect.objectContaining({ code: 'VRRP_IO_RECEIVE_FAILED', details: expect.objectContaining({ errno: 'ENOMEM' }) as object }) as Error,
    );
    socket.onPacket(() => undefined);
    expect(native.startCount).toBe(1);
    expect(native.receiver).toBeDefined();
  });

  it('hands receive errors to error listeners as VRRP_IO_RECEIVE_FAILED and counts them', () => {
    const fake = new FakeVigilNet();
    const { socket, native } = openOn(fake);
    const errors: VigilError[] = [];
    socket.onError((e) => errors.push(e));
    socket.onPacket(() => undefined);
    native.receiver?.(errnoError('ENETDOWN', 'poll'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('VRRP_IO_RECEIVE_FAILED');
    expect(errors[0]?.details).toMatchObject({ errno: 'ENETDOWN', syscall: 'poll' });
    expect(socket.receiveErrors).toBe(1);
  });
});

describe('GarpSender', () => {
  it('opens a send-only packet socket (protocol 0) and sends through it', async () => {
    const fake = new FakeVigilNet();
    const sender = GarpSender.open({ ifname: 'eth0', binding: fake.binding() });
    expect(fake.packetSockets[0]?.protocol).toBe(ETH_P_NONE);
    expect(sender.ifindex).toBe(7);
    await sender.send(FRAME);
    expect(fake.packetSockets[0]?.sent).toHaveLength(1);
    sender.close();
    expect(fake.packetSockets[0]?.closed).toBe(true);
  });
});
