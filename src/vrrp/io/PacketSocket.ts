import { VigilError } from '../../core/VigilError.js';
import { ETHERNET_HEADER_BYTES, packetTypeName, type PacketType } from './LinkLayerConstants.js';
import { inNetworkNamespace, interfaceIndexOf } from './NetworkNamespaceScope.js';
import { OrderedSender } from './OrderedSender.js';
import { PacketListeners, type IoErrorListener, type PacketListener } from './PacketListeners.js';
import { loadVigilNet, type NativePacketInfo, type NativePacketSocket, type VigilNetBinding } from './VigilNetBinding.js';
import { closedSocketError, vrrpIoError } from './VrrpIoError.js';

export interface PacketSocketOptions {
  /** Interface to bind to (in `netns` when given). */
  ifname: string;
  /** Skips the name lookup when the caller already knows it (e.g. from rtnetlink). */
  ifindex?: number;
  /** ETH_P_ARP, ETH_P_IPV6, ETH_P_ALL to receive; ETH_P_NONE for send-only. */
  protocol: number;
  /** Network namespace (name under /run/netns, or a path) to open the socket in. */
  netns?: string;
  /** The addon; loaded from native/build when omitted. */
  binding?: VigilNetBinding;
}

export interface ReceivedFrameInfo {
  readonly ifindex: number;
  /** Who the frame was for, as the kernel classified it; `outgoing` for our own sends. */
  readonly packetType: PacketType | 'unknown';
  /** EtherType in host order. */
  readonly protocol: number;
  /** The frame was larger than the receive buffer and was cut. */
  readonly truncated: boolean;
}

/**
 * AF_PACKET socket on one interface (addon `PacketSocket`): sends complete Ethernet
 * frames, such as gratuitous ARPs and unsolicited neighbour advertisements, and receives
 * frames of its protocol.
 */
export class PacketSocket {
  readonly ifname: string;
  readonly ifindex: number;
  readonly protocol: number;
  private readonly native: NativePacketSocket;
  private readonly sender: OrderedSender;
  private readonly listeners: PacketListeners<ReceivedFrameInfo>;
  private isClosed = false;

  private constructor(native: NativePacketSocket, ifname: string, ifindex: number, protocol: number) {
    this.native = native;
    this.ifname = ifname;
    this.ifindex = ifindex;
    this.protocol = protocol;
    this.sender = new OrderedSender(native);
    this.listeners = new PacketListeners((active) => this.setReceiving(active));
  }

  static open(options: PacketSocketOptions): PacketSocket {
    const { ifname, protocol } = options;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xffff) {
      throw new VigilError('VRRP_IO_BAD_ARGUMENT', `packet socket protocol ${protocol} is not a 16-bit EtherType`, { protocol });
    }
    const binding = options.binding ?? loadVigilNet();
    return inNetworkNamespace(binding, options.netns, () => {
      const ifindex = options.ifindex ?? interfaceIndexOf(binding, ifname);
      let native: NativePacketSocket;
      try {
        native = new binding.PacketSocket(ifindex, protocol);
      } catch (e) {
        throw vrrpIoError('VRRP_IO_OPEN_FAILED', `opening packet socket on ${ifname}`, e, { ifname, ifindex, protocol });
      }
      return new PacketSocket(native, ifname, ifindex, protocol);
    });
  }

  /** Sends one frame (destination MAC first); resolves once the kernel has taken it. */
  async send(frame: Uint8Array): Promise<void> {
    if (this.isClosed) throw closedSocketError(`packet socket on ${this.ifname}`);
    if (frame.length < ETHERNET_HEADER_BYTES) {
      throw new VigilError('VRRP_IO_BAD_ARGUMENT', `a frame needs at least ${ETHERNET_HEADER_BYTES} bytes, got ${frame.length}`, {
        length: frame.length,
      });
    }
    try {
      await this.sender.send(() => this.native.send(frame));
    } catch (e) {
      throw vrrpIoError('VRRP_IO_SEND_FAILED', `sending ${frame.length}-byte frame on ${this.ifname}`, e, { ifname: this.ifname });
    }
  }

  /** Calls `listener` for every received frame; returns the function that unsubscribes. */
  onPacket(listener: PacketListener<ReceivedFrameInfo>): () => void {
    if (this.isClosed) throw closedSocketError(`packet socket on ${this.ifname}`);
    return this.listeners.addPacketListener(listener);
  }

  onError(listener: IoErrorListener): () => void {
    return this.listeners.addErrorListener(listener);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Receive errors seen so far (also passed to `onError` listeners). */
  get receiveErrors(): number {
    return this.listeners.receiveErrors;
  }

  /** Idempotent. Pending sends reject with `VRRP_IO_CLOSED`. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sender.abort(closedSocketError(`packet socket on ${this.ifname}`));
    this.listeners.clear();
    this.native.close();
  }

  private setReceiving(active: boolean): void {
    if (this.isClosed) return;
    if (!active) {
      this.native.stopReceiving();
      return;
    }
    try {
      this.native.startReceiving((error, frame, info) => this.deliver(error, frame, info));
    } catch (e) {
      throw vrrpIoError('VRRP_IO_RECEIVE_FAILED', `starting to receive on ${this.ifname}`, e, { ifname: this.ifname });
    }
  }

  private deliver(error: Error | null, frame: Buffer | undefined, info: NativePacketInfo | undefined): void {
    if (error !== null || frame === undefined || info === undefined) {
      this.listeners.emitError(vrrpIoError('VRRP_IO_RECEIVE_FAILED', `receiving on ${this.ifname}`, error, { ifname: this.ifname }));
      return;
    }
    this.listeners.emitPacket(frame, {
      ifindex: info.ifindex,
      packetType: packetTypeName(info.pkttype),
      protocol: info.protocol,
      truncated: info.truncated,
    });
  }
}
