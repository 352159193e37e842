import { EventEmitter } from 'node:events';
import type {
  Ipv6IntOption,
  NativeIpv6PacketInfo,
  NativeIpv6RawSocket,
  NativePacketInfo,
  NativePacketSocket,
  NativeReceiveCallback,
  NativeSystemError,
  VigilNetBinding,
} from '../../../../src/vrrp/io/VigilNetBinding.js';
import { VIGIL_NET_ABI_VERSION } from '../../../../src/vrrp/io/VigilNetBinding.js';
import type { RawSocket, RawSocketModule } from '../../../../src/vrrp/io/RawSocketModule.js';

/** An Error shaped like the addon's: errno name, number and system call. */
export function errnoError(code: string, syscall = 'sendto', errno = 0): NativeSystemError {
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno, syscall });
}

/** The parts both fake native sockets share: receive callback, writability, close. */
class FakePolled<I> {
  receiver: NativeReceiveCallback<I> | undefined;
  startCount = 0;
  stopCount = 0;
  writableWaiter: ((error: NativeSystemError | null) => void) | undefined;
  closed = false;
  /** Scripted outcomes for the next send() calls: throw an error or return a byte count. */
  readonly sendScript: (NativeSystemError | number)[] = [];

  /** Thrown by the next startReceiving(), as uv_poll_start failures are. */
  startError: NativeSystemError | undefined;

  startReceiving(callback: NativeReceiveCallback<I>): void {
    const error = this.startError;
    this.startError = undefined;
    if (error !== undefined) throw error;
    this.receiver = callback;
    this.startCount++;
  }

  stopReceiving(): void {
    this.receiver = undefined;
    this.stopCount++;
  }

  awaitWritable(callback: (error: NativeSystemError | null) => void): void {
    if (this.writableWaiter !== undefined) throw errnoError('ERR_ALREADY_WAITING', 'awaitWritable');
    this.writableWaiter = callback;
  }

  /** Plays the event loop reporting the socket writable. */
  fireWritable(error: NativeSystemError | null = null): void {
    const w = this.writableWaiter;
    this.writableWaiter = undefined;
    w?.(error);
  }

  close(): void {
    this.closed = true;
    this.receiver = undefined;
    this.writableWaiter = undefined;
  }

  protected nextSendOutcome(length: number): number {
    const next = this.sendScript.shift();
    if (next instanceof Error) throw next;
    return next ?? length;
  }
}

export class FakePacketSocket extends FakePolled<NativePacketInfo> implements NativePacketSocket {
  readonly sent: Buffer[] = [];
  constructor(
    readonly ifindex: number,
    readonly protocol: number,
  ) {
    super();
  }

  send(frame: Uint8Array): number {
    const n = this.nextSendOutcome(frame.length);
    this.sent.push(Buffer.from(frame));
    return n;
  }
}

export interface Ipv6Send {
  payload: Buffer;
  dst: string;
  source: string | null;
  ifindex: number;
  hopLimit: number;
}

export class FakeIpv6RawSocket extends FakePolled<NativeIpv6PacketInfo> implements NativeIpv6RawSocket {
  readonly options = new Map<Ipv6IntOption, number>();
  readonly optionLog: [Ipv6IntOption, number][] = [];
  readonly optionErrors = new Map<Ipv6IntOption, NativeSystemError>();
  readonly memberships: [string, string, number][] = [];
  boundDevice: string | undefined;
  readonly sent: Ipv6Send[] = [];

  constructor(readonly protocol: number) {
    super();
  }

  setIntOption(option: Ipv6IntOption, value: number): void {
    const error = this.optionErrors.get(option);
    if (error !== undefined) throw error;
    this.options.set(option, value);
    this.optionLog.push([option, value]);
  }

  getIntOption(option: Ipv6IntOption): number {
    return this.options.get(option) ?? 0;
  }

  bindToDevice(ifname: string): void {
    this.boundDevice = ifname;
  }

  joinGroup(group: string, ifindex: number): void {
    if (!group.startsWith('ff')) throw errnoError('EINVAL', 'setsockopt');
    this.memberships.push(['join', group, ifindex]);
  }

  leaveGroup(group: string, ifindex: number): void {
    this.memberships.push(['leave', group, ifindex]);
  }

  send(payload: Uint8Array, dst: string, source: string | null, ifindex: number, hopLimit: number): number {
    const n = this.nextSendOutcome(payload.length);
    this.sent.push({ payload: Buffer.from(payload), dst, source, ifindex, hopLimit });
    return n;
  }
}

/** A binding whose sockets are fakes; records namespace switches and lookups. */
export class FakeVigilNet {
  readonly packetSockets: FakePacketSocket[] = [];
  readonly ipv6Sockets: FakeIpv6RawSocket[] = [];
  /** Interface indexes by name, as if_nametoindex(3) would answer in the current namespace. */
  readonly interfaces = new Map<string, number>([['eth0', 7]]);
  readonly log: string[] = [];
  currentNamespace = 'home';
  constructorError: NativeSystemError | undefined;
  ipv6Setup: ((socket: FakeIpv6RawSocket) => void) | undefined;

  binding(): VigilNetBinding {
    // The constructors below run with their own `this`; they record into this fake.
    const fake = this;
    return {
      abiVersion: VIGIL_NET_ABI_VERSION,
      PacketSocket: class {
        constructor(ifindex: number, protocol: number) {
          if (fake.constructorError !== undefined) throw fake.constructorError;
          fake.log.push(`PacketSocket(${ifindex}, ${protocol}) in ${fake.currentNamespace}`);
          const s = new FakePacketSocket(ifindex, protocol);
          fake.packetSockets.push(s);
          return s;
        }
      } as unknown as VigilNetBinding['PacketSocket'],
      Ipv6RawSocket: class {
        constructor(protocol: number) {
          if (fake.constructorError !== undefined) throw fake.constructorError;
          fake.log.push(`Ipv6RawSocket(${protocol}) in ${fake.currentNamespace}`);
          const s = new FakeIpv6RawSocket(protocol);
          fake.ipv6Setup?.(s);
          fake.ipv6Sockets.push(s);
          return s;
        }
      } as unknown as VigilNetBinding['Ipv6RawSocket'],
      withNetworkNamespace<T>(path: string, fn: () => T): T {
        if (path.includes('missing')) throw errnoError('ENOENT', 'open');
        const previous = fake.currentNamespace;
        fake.currentNamespace = path;
        try {
          return fn();
        } finally {
          fake.currentNamespace = previous;
        }
      },
      interfaceIndex(ifname: string): number {
        fake.log.push(`interfaceIndex(${ifname}) in ${fake.currentNamespace}`);
        const index = fake.interfaces.get(ifname);
        if (index === undefined) throw errnoError('ENODEV', 'if_nametoindex', 19);
        return index;
      },
      // The socket adapters use none of these; EINVAL says so if one ever calls them.
      lockMemoryRange: () => 22,
      setRealtimePriority: () => 22,
      setRealtimeTimeLimit: () => 22,
      setCpuAffinity: () => 22,
      openTimerFd: () => 22,
      monotonicNowNs: () => 0n,
    };
  }
}

export interface RawSend {
  buffer: Buffer;
  address: string;
}

/** Stands in for raw-socket's Socket: EventEmitter plus the methods VrrpSocketV4 calls. */
export class FakeRawSocket extends EventEmitter {
  readonly options: { level: number; option: number; value: Buffer }[] = [];
  readonly optionErrors = new Map<number, Error>();
  readonly sends: RawSend[] = [];
  /** strerror-style message for the next send's callback error. */
  nextSendError: string | undefined;
  recvPaused = false;
  closeCount = 0;

  setOption(level: number, option: number, value: Buffer, length: number): void {
    const error = this.optionErrors.get(option);
    if (error !== undefined) throw error;
    this.options.push({ level, option, value: Buffer.from(value.subarray(0, length)) });
  }

  getOption(): number {
    return 0;
  }

  send(buffer: Buffer, offset: number, length: number, address: string, after: (e: Error | null, bytes: number) => void): this {
    this.sends.push({ buffer: Buffer.from(buffer.subarray(offset, offset + length)), address });
    const message = this.nextSendError;
    this.nextSendError = undefined;
    queueMicrotask(() => (message === undefined ? after(null, length) : after(new Error(message), 0)));
    return this;
  }

  pauseRecv(): this {
    this.recvPaused = true;
    return this;
  }

  resumeRecv(): this {
    this.recvPaused = false;
    return this;
  }

  close(): this {
    this.closeCount++;
    this.emit('close');
    return this;
  }
}

export class FakeRawSocketModule {
  readonly sockets: FakeRawSocket[] = [];
  createOptions: { protocol: number; addressFamily: number }[] = [];
  createError: Error | undefined;

  module(): RawSocketModule {
    return {
      AddressFamily: { IPv4: 1, IPv6: 2 },
      createSocket: (options) => {
        if (this.createError !== undefined) throw this.createError;
        this.createOptions.push(options);
        const s = new FakeRawSocket();
        this.sockets.push(s);
        return s as unknown as RawSocket;
      },
    };
  }
}
