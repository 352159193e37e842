import { VigilError } from '../../core/VigilError.js';
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
  encodeInterfaceName,
  encodeIpMreqn,
} from './Ipv4SocketOptions.js';
import { inNetworkNamespace, interfaceIndexOf } from './NetworkNamespaceScope.js';
import { PacketListeners, type IoErrorListener, type PacketListener } from './PacketListeners.js';
import { loadRawSocket, type RawSocket, type RawSocketModule } from './RawSocketModule.js';
import { loadVigilNet, type VigilNetBinding } from './VigilNetBinding.js';
import { closedSocketError, systemErrorCodeOf, vrrpIoError } from './VrrpIoError.js';

/** IANA protocol number of VRRP (RFC 3768 §5.2.4, RFC 5798 §5.1.1.4). */
export const IPPROTO_VRRP = 112;
/** The VRRP IPv4 multicast group (RFC 5798 §5.1.1.2). */
export const VRRP_IPV4_GROUP = '224.0.0.18';

/** Fixed part of the IPv4 header (RFC 791 §3.1). */
const IPV4_MIN_HEADER_BYTES = 20;
const IPV4_TTL_OFFSET = 8;
const IPV4_SRC_OFFSET = 12;
const IPV4_DST_OFFSET = 16;

export interface VrrpSocketV4Options {
  ifname: string;
  /** Needed for the group membership; looked up (through the addon) when omitted. */
  ifindex?: number;
  /** Opening in another namespace needs the addon (setns). */
  netns?: string;
  /** Join 224.0.0.18 on the interface (default true). */
  joinVrrpGroup?: boolean;
  protocol?: number;
  rawSocket?: RawSocketModule;
  binding?: VigilNetBinding;
}

export interface VrrpV4PacketMeta {
  /** From the IPv4 header, which raw IPv4 sockets deliver with the payload. */
  readonly src: string;
  readonly dst: string;
  /** Must be 255 (RFC 3768 §7.1, RFC 5798 §7.1). */
  readonly ttl: number;
  /** The bound interface: SO_BINDTODEVICE admits no other, and raw-socket cannot read IP_PKTINFO. */
  readonly ifindex: number;
  /** Where the VRRP header starts in the datagram. */
  readonly headerLength: number;
}

function ipv4At(b: Uint8Array, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/**
 * VRRP over IPv4 on one interface, over the `raw-socket` package. Like keepalived, it
 * sends complete IPv4 datagrams (IP_HDRINCL) built by the codec, which fixes the source
 * address, TTL 255 and TOS per packet and leaves room for IPsec AH; it receives whole
 * datagrams, header included, so the TTL check needs no ancillary data.
 */
export class VrrpSocketV4 {
  readonly ifname: string;
  readonly ifindex: number;
  private readonly socket: RawSocket;
  private readonly listeners: PacketListeners<VrrpV4PacketMeta>;
  private readonly groups = new Set<string>();
  private isClosed = false;

  private constructor(socket: RawSocket, ifname: string, ifindex: number) {
    this.socket = socket;
    this.ifname = ifname;
    this.ifindex = ifindex;
    this.listeners = new PacketListeners((active) => this.setReceiving(active));
    socket.on('message', (buffer, source) => this.deliver(buffer, source));
    socket.on('error', (error) => this.listeners.emitError(vrrpIoError('VRRP_IO_RECEIVE_FAILED', `receiving on ${ifname}`, error, { ifname })));
    // raw-socket closes itself after a poll error; from then on this socket is dead.
    socket.on('close', () => {
      if (this.isClosed) return;
      this.isClosed = true;
      this.listeners.emitError(closedSocketError(`VRRP socket on ${ifname} (closed by raw-socket)`));
      this.listeners.clear();
    });
  }

  static open(options: VrrpSocketV4Options): VrrpSocketV4 {
    const raw = options.rawSocket ?? loadRawSocket();
    const { ifname } = options;
    // The addon is needed only to look up the ifindex or to enter a namespace.
    const needsBinding = options.netns !== undefined || options.ifindex === undefined;
    const binding = needsBinding ? (options.binding ?? loadVigilNet()) : undefined;
    const create = (): VrrpSocketV4 => {
      const ifindex = options.ifindex ?? interfaceIndexOf(binding ?? loadVigilNet(), ifname);
      let socket: RawSocket;
      try {
        socket = raw.createSocket({ protocol: options.protocol ?? IPPROTO_VRRP, addressFamily: raw.AddressFamily.IPv4 });
      } catch (e) {
        throw vrrpIoError('VRRP_IO_OPEN_FAILED', `opening IPv4 raw socket for ${ifname}`, e, { ifname });
      }
      // Nothing is read until someone listens (see setReceiving).
      socket.pauseRecv();
      const v4 = new VrrpSocketV4(socket, ifname, ifindex);
      try {
        v4.configure();
        if (options.joinVrrpGroup ?? true) v4.joinGroup(VRRP_IPV4_GROUP);
      } catch (e) {
        v4.close();
        throw e;
      }
      return v4;
    };
    return binding === undefined ? create() : inNetworkNamespace(binding, options.netns, create);
  }

  /**
   * Sends one complete IPv4 datagram (header from the codec, e.g. encodeAdvertIpv4Packet).
   * The kernel routes by the header's destination and fills in the header checksum, and
   * the identification when it is zero (raw(7), IP_HDRINCL).
   */
  send(datagram: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(closedSocketError(`VRRP socket on ${this.ifname}`));
    if (datagram.length < IPV4_MIN_HEADER_BYTES || (datagram[0] ?? 0) >> 4 !== 4) {
      return Promise.reject(
        new VigilError('VRRP_IO_BAD_ARGUMENT', 'VrrpSocketV4.send takes a complete IPv4 datagram', { length: datagram.length }),
      );
    }
    const dst = ipv4At(datagram, IPV4_DST_OFFSET);
    const buffer = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
    return new Promise<void>((resolve, reject) => {
      this.socket.send(buffer, 0, buffer.length, dst, (error) => {
        if (error) reject(vrrpIoError('VRRP_IO_SEND_FAILED', `sending VRRP to ${dst} on ${this.ifname}`, error, { ifname: this.ifname, dst }));
        else resolve();
      });
    });
  }

  joinGroup(group: string): void {
    this.changeMembership(group, true);
  }

  leaveGroup(group: string): void {
    this.changeMembership(group, false);
  }

  get joinedGroups(): readonly string[] {
    return [...this.groups];
  }

  /** Every received VRRP datagram, header included, with fields read from that header. */
  onPacket(listener: PacketListener<VrrpV4PacketMeta>): () => void {
    if (this.isClosed) throw closedSocketError(`VRRP socket on ${this.ifname}`);
    return this.listeners.addPacketListener(listener);
  }

  onError(listener: IoErrorListener): () => void {
    return this.listeners.addErrorListener(listener);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get receiveErrors(): number {
    return this.listeners.receiveErrors;
  }

  /** Idempotent; never lets raw-socket reopen the descriptor afterwards. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.listeners.clear();
    this.groups.clear();
    this.socket.close();
  }

  private configure(): void {
    const name = encodeInterfaceName(this.ifname);
    this.setOption(SOL_SOCKET, SO_BINDTODEVICE, 'SO_BINDTODEVICE', name);
    // We write the IPv4 header ourselves: TTL 255 and the chosen source travel in it, so
    // IP_TTL / IP_MULTICAST_TTL would have no effect here.
    this.setOption(IPPROTO_IP, IP_HDRINCL, 'IP_HDRINCL', encodeInt(1));
    this.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 'IP_MULTICAST_LOOP', encodeInt(0));
    this.setOption(IPPROTO_IP, IP_MULTICAST_IF, 'IP_MULTICAST_IF', encodeIpMreqn('0.0.0.0', this.ifindex));
    // Only the groups this socket joined (keepalived does the same); Linux >= 2.6.31.
    this.setOption(IPPROTO_IP, IP_MULTICAST_ALL, 'IP_MULTICAST_ALL', encodeInt(0), ['ENOPROTOOPT']);
  }

  private setOption(level: number, option: number, name: string, value: Buffer, tolerated: readonly string[] = []): void {
    try {
      this.socket.setOption(level, option, value, value.length);
    } catch (e) {
      const errno = systemErrorCodeOf(e);
      if (errno !== undefined && tolerated.includes(errno)) return;
      throw vrrpIoError('VRRP_IO_OPTION_FAILED', `setting ${name} on ${this.ifname}`, e, { ifname: this.ifname, option: name });
    }
  }

  private changeMembership(group: string, join: boolean): void {
    if (this.isClosed) throw closedSocketError(`VRRP socket on ${this.ifname}`);
    const request = encodeIpMreqn(group, this.ifindex);
    const name = join ? 'IP_ADD_MEMBERSHIP' : 'IP_DROP_MEMBERSHIP';
    this.setOption(IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, name, request);
    if (join) this.groups.add(group);
    else this.groups.delete(group);
  }

  private setReceiving(active: boolean): void {
    if (this.isClosed) return;
    if (active) this.socket.resumeRecv();
    else this.socket.pauseRecv();
  }

  private deliver(buffer: Buffer, source: string): void {
    // raw-socket hands out a view of its one receive buffer, reused by the next read.
    const datagram = Buffer.from(buffer);
    const headerLength = ((datagram[0] ?? 0) & 0x0f) * 4;
    if (datagram.length < IPV4_MIN_HEADER_BYTES || headerLength < IPV4_MIN_HEADER_BYTES || headerLength > datagram.length) {
      this.listeners.emitError(
        new VigilError('VRRP_IO_RECEIVE_FAILED', `runt IPv4 datagram (${datagram.length} bytes) from ${source} on ${this.ifname}`, {
          ifname: this.ifname,
          src: source,
        }),
      );
      return;
    }
    this.listeners.emitPacket(datagram, {
      src: ipv4At(datagram, IPV4_SRC_OFFSET),
      dst: ipv4At(datagram, IPV4_DST_OFFSET),
      ttl: datagram[IPV4_TTL_OFFSET] ?? 0,
      ifindex: this.ifindex,
      headerLength,
    });
  }
}
