import { ETH_P_NONE } from './LinkLayerConstants.js';
import { PacketSocket } from './PacketSocket.js';
import type { VigilNetBinding } from './VigilNetBinding.js';

/** What the VRRP runtime needs to announce addresses: frames out of one interface. */
export interface FrameSender {
  readonly ifname: string;
  send(frame: Uint8Array): Promise<void>;
  close(): void;
}

export interface GarpSenderOptions {
  ifname: string;
  ifindex?: number;
  netns?: string;
  binding?: VigilNetBinding;
}

/**
 * Sends gratuitous ARPs (RFC 5227 §3, "ARP Announcement") and unsolicited neighbour
 * advertisements (RFC 4861 §7.2.6) as complete Ethernet frames built by the codecs in
 * src/vrrp/codec. Send-only: the socket is opened with protocol 0 so the kernel queues
 * nothing to it.
 */
export class GarpSender implements FrameSender {
  private constructor(private readonly socket: PacketSocket) {}

  static open(options: GarpSenderOptions): GarpSender {
    return new GarpSender(PacketSocket.open({ ...options, protocol: ETH_P_NONE }));
  }

  get ifname(): string {
    return this.socket.ifname;
  }

  get ifindex(): number {
    return this.socket.ifindex;
  }

  send(frame: Uint8Array): Promise<void> {
    return this.socket.send(frame);
  }

  close(): void {
    this.socket.close();
  }
}
