import { isIPv6 } from 'node:net';
import { VigilError } from '../../core/VigilError.js';
import { inNetworkNamespace, interfaceIndexOf } from './NetworkNamespaceScope.js';
import { OrderedSender } from './OrderedSender.js';
import { PacketListeners, type IoErrorListener, type PacketListener } from './PacketListeners.js';
import {
  loadVigilNet,
  type Ipv6IntOption,
  type NativeIpv6PacketInfo,
  type NativeIpv6RawSocket,
  type VigilNetBinding,
} from './VigilNetBinding.js';
import { closedSocketError, systemErrorCodeOf, vrrpIoError } from './VrrpIoError.js';

/** IANA protocol number of VRRP (RFC 5798 §5.1.1.4 / §5.1.2.4). */
export const IPPROTO_VRRP = 112;
/** The VRRP IPv6 multicast group (RFC 5798 §5.1.2.2). */
export const VRRP_IPV6_GROUP = 'ff02::12';
/** Sent hop limit, and the only one a receiver accepts (RFC 5798 §5.1.2.3, §7.1). */
export const VRRP_HOP_LIMIT = 255;
/**
 * Traffic class of adverts: precedence "internetwork control" (RFC 791 §3.1 precedence
 * 110, carried into the IPv6 traffic class by RFC 2474 §4.2.2.1), as keepalived sends.
 */
export const VRRP_TRAFFIC_CLASS = 0xc0;
/** Offset of the checksum field in the VRRP header (RFC 5798 §5.2), for IPV6_CHECKSUM. */
export const VRRP_CHECKSUM_OFFSET = 6;

export interface VrrpSocketV6Options {
  ifname: string;
  ifindex?: number;
  netns?: string;
  /** Join ff02::12 on the interface (default true). */
  joinVrrpGroup?: boolean;
  /** Hop limit for unicast and multicast sends (default 255; tests use others). */
  hopLimit?: number;
  /** IPv6 traffic class of sent packets (default 0xc0). */
  trafficClass?: number;
  /**
   * Let the kernel fill in and verify the VRRP checksum (IPV6_CHECKSUM, RFC 3542 §3.1),
   * as keepalived does. Off by default: the codec computes it and the receive checks
   * verify it, so a bad checksum is counted instead of silently dropped by the kernel.
   */
  kernelChecksum?: boolean;
  /** IP protocol of the socket (default 112). */
  protocol?: number;
  binding?: VigilNetBinding;
}

export interface VrrpV6PacketMeta {
  /** Source address of the packet (link-local for adverts, RFC 5798 §5.1.2.1). */
  readonly src: string;
  /** Destination address (IPV6_PKTINFO); null if the kernel gave none. */
  readonly dst: string | null;
  /** IPv6 hop limit as received (IPV6_HOPLIMIT); must be 255 (RFC 5798 §7.1). */
  readonly hopLimit: number | null;
  /** Receiving interface (IPV6_PKTINFO). */
  readonly ifindex: number | null;
  readonly truncated: boolean;
}

export interface VrrpV6SendOptions {
  /** Source address to use (IPV6_PKTINFO), e.g. the interface's link-local address. */
  source?: string;
}

/**
 * VRRPv3 over IPv6 on one interface (addon `Ipv6RawSocket`): the payload is the VRRP
 * header onward; the kernel writes the IPv6 header. Set up like keepalived's socket:
 * bound to the device, hop limits 255, traffic class 0xc0, no multicast loopback,
 * ff02::12 joined on the interface.
 */
export class VrrpSocketV6 {
  readonly ifname: string;
  readonly ifindex: number;
  private readonly native: NativeIpv6RawSocket;
  private readonly sender: OrderedSender;
  private readonly listeners: PacketListeners<VrrpV6PacketMeta>;
  private readonly groups = new Set<string>();
  private isClosed = false;

  private constructor(native: NativeIpv6RawSocket, ifname: string, ifindex: number) {
    this.native = native;
    this.ifname = ifname;
    this.ifindex = ifindex;
    this.sender = new OrderedSender(native);
    this.listeners = new PacketListeners((active) => this.setReceiving(active));
  }

  static open(options: VrrpSocketV6Options): VrrpSocketV6 {
    const hopLimit = options.hopLimit ?? VRRP_HOP_LIMIT;
    if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 255) {
      throw new VigilError('VRRP_IO_BAD_ARGUMENT', `hop limit ${hopLimit} is not in 1..255`, { hopLimit });
    }
    const trafficClass = options.trafficClass ?? VRRP_TRAFFIC_CLASS;
    if (!Number.isInteger(trafficClass) || trafficClass < 0 || trafficClass > 255) {
      throw new VigilError('VRRP_IO_BAD_ARGUMENT', `traffic class ${trafficClass} is not in 0..255`, { trafficClass });
    }
    const binding = options.binding ?? loadVigilNet();
    const { ifname } = options;
    const protocol = options.protocol ?? IPPROTO_VRRP;
    return inNetworkNamespace(binding, options.netns, () => {
      const ifindex = options.ifindex ?? interfaceIndexOf(binding, ifname);
      let native: NativeIpv6RawSocket;
      try {
        native = new binding.Ipv6RawSocket(protocol);
      } catch (e) {
        throw vrrpIoError('VRRP_IO_OPEN_FAILED', `opening IPv6 raw socket (protocol ${protocol}) for ${ifname}`, e, { ifname });
      }
      const socket = new VrrpSocketV6(native, ifname, ifindex);
      try {
        socket.configure(hopLimit, trafficClass, options.kernelChecksum ?? false);
        if (options.joinVrrpGroup ?? true) socket.joinGroup(VRRP_IPV6_GROUP);
      } catch (e) {
        socket.close();
        throw e;
      }
      return socket;
    });
  }

  /** Sends one VRRP payload to `dst` (default ff02::12) out of this interface. */
  async send(payload: Uint8Array, dst: string = VRRP_IPV6_GROUP, options: VrrpV6SendOptions = {}): Promise<void> {
    if (this.isClosed) throw closedSocketError(`VRRP socket on ${this.ifname}`);
    if (!isIPv6(dst)) throw new VigilError('VRRP_IO_BAD_ARGUMENT', `${dst} is not an IPv6 address`, { dst });
    const source = options.source ?? null;
    if (source !== null && !isIPv6(source)) throw new VigilError('VRRP_IO_BAD_ARGUMENT', `${source} is not an IPv6 address`, { source });
    try {
      await this.sender.send(() => this.native.send(payload, dst, source, this.ifindex, -1));
    } catch (e) {
      throw vrrpIoError('VRRP_IO_SEND_FAILED', `sending VRRP to ${dst} on ${this.ifname}`, e, { ifname: this.ifname, dst });
    }
  }

  joinGroup(group: string): void {
    this.changeMembership(group, true);
  }

  leaveGroup(group: string): void {
    this.changeMembership(group, false);
  }

  /** The groups this socket has joined. */
  get joinedGroups(): readonly string[] {
    return [...this.groups];
  }

  /** Reads back an option, e.g. to confirm IPV6_MULTICAST_HOPS is 255. */
  socketOption(option: Ipv6IntOption): number {
    if (this.isClosed) throw closedSocketError(`VRRP socket on ${this.ifname}`);
    try {
      return this.native.getIntOption(option);
    } catch (e) {
      throw vrrpIoError('VRRP_IO_OPTION_FAILED', `reading ${option} on ${this.ifname}`, e, { ifname: this.ifname, option });
    }
  }

  onPacket(listener: PacketListener<VrrpV6PacketMeta>): () => void {
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

  /** Idempotent; closing drops the socket's memberships with it. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sender.abort(closedSocketError(`VRRP socket on ${this.ifname}`));
    this.listeners.clear();
    this.groups.clear();
    this.native.close();
  }

  private configure(hopLimit: number, trafficClass: number, kernelChecksum: boolean): void {
    this.setOption('IPV6_UNICAST_HOPS', hopLimit);
    this.setOption('IPV6_MULTICAST_HOPS', hopLimit);
    this.setOption('IPV6_TCLASS', trafficClass);
    // Our own adverts must not come back to us as if from a peer.
    this.setOption('IPV6_MULTICAST_LOOP', 0);
    this.setOption('IPV6_MULTICAST_IF', this.ifindex);
    // Only groups this socket joined, as on the IPv4 socket. Linux consults it for raw
    // IPv6 sockets bound to a local address only (net/ipv6/raw.c, raw_v6_match); unbound
    // ones like this get every VRRP packet the interface accepts, so membership is in
    // effect per interface. Kernels before 4.20 lack the option (ENOPROTOOPT).
    this.setOption('IPV6_MULTICAST_ALL', 0, ['ENOPROTOOPT']);
    if (kernelChecksum) this.setOption('IPV6_CHECKSUM', VRRP_CHECKSUM_OFFSET);
    try {
      this.native.bindToDevice(this.ifname);
    } catch (e) {
      throw vrrpIoError('VRRP_IO_OPTION_FAILED', `binding VRRP socket to ${this.ifname}`, e, { ifname: this.ifname, option: 'SO_BINDTODEVICE' });
    }
  }

  private setOption(option: Ipv6IntOption, value: number, tolerated: readonly string[] = []): void {
    try {
      this.native.setIntOption(option, value);
    } catch (e) {
      const errno = systemErrorCodeOf(e);
      if (errno !== undefined && tolerated.includes(errno)) return;
      throw vrrpIoError('VRRP_IO_OPTION_FAILED', `setting ${option}=${value} on ${this.ifname}`, e, { ifname: this.ifname, option });
    }
  }

  private changeMembership(group: string, join: boolean): void {
    if (this.isClosed) throw closedSocketError(`VRRP socket on ${this.ifname}`);
    if (!isIPv6(group)) throw new VigilError('VRRP_IO_BAD_ARGUMENT', `${group} is not an IPv6 address`, { group });
    try {
      if (join) this.native.joinGroup(group, this.ifindex);
      else this.native.leaveGroup(group, this.ifindex);
    } catch (e) {
      const option = join ? 'IPV6_ADD_MEMBERSHIP' : 'IPV6_DROP_MEMBERSHIP';
      throw vrrpIoError('VRRP_IO_OPTION_FAILED', `${join ? 'joining' : 'leaving'} ${group} on ${this.ifname}`, e, {
        ifname: this.ifname,
        group,
        option,
      });
    }
    if (join) this.groups.add(group);
    else this.groups.delete(group);
  }

  private setReceiving(active: boolean): void {
    if (this.isClosed) return;
    if (!active) {
      this.native.stopReceiving();
      return;
    }
    try {
      this.native.startReceiving((error, payload, info) => this.deliver(error, payload, info));
    } catch (e) {
      throw vrrpIoError('VRRP_IO_RECEIVE_FAILED', `starting to receive on ${this.ifname}`, e, { ifname: this.ifname });
    }
  }

  private deliver(error: Error | null, payload: Buffer | undefined, info: NativeIpv6PacketInfo | undefined): void {
    if (error !== null || payload === undefined || info === undefined) {
      this.listeners.emitError(vrrpIoError('VRRP_IO_RECEIVE_FAILED', `receiving on ${this.ifname}`, error, { ifname: this.ifname }));
      return;
    }
    this.listeners.emitPacket(payload, {
      src: info.src,
      dst: info.dst,
      hopLimit: info.hopLimit,
      ifindex: info.ifindex,
      truncated: info.truncated,
    });
  }
}
