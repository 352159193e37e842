import type { VigilError } from '../../core/VigilError.js';
import { encodeAdvertIpv4Packet } from '../codec/AdvertCodec.js';
import { VrrpSocketV4, VRRP_IPV4_GROUP } from '../io/VrrpSocketV4.js';
import type { AdvertTransport, AdvertTransportRequest, IncomingAdvertPacket, OutgoingAdvert } from './AdvertTransport.js';

/** RFC 791 §3.1: the Identification field is 16 bits. */
const IPV4_ID_MODULUS = 0x10000;

/**
 * VRRP over IPv4 on one interface through `VrrpSocketV4` (IP_HDRINCL): each advert is a
 * complete datagram from the codec, so TTL 255, TOS 0xc0 and the source address are set
 * per packet as keepalived does, with an incrementing IP identification.
 */
export class Ipv4AdvertTransport implements AdvertTransport {
  readonly family = 'ipv4' as const;
  private nextId = 0;

  private constructor(private readonly socket: VrrpSocketV4) {}

  static open(request: AdvertTransportRequest, netns?: string): Ipv4AdvertTransport {
    const joinDefault = request.groups.includes(VRRP_IPV4_GROUP);
    const socket = VrrpSocketV4.open({ ifname: request.ifname, joinVrrpGroup: joinDefault, ...(netns !== undefined ? { netns } : {}) });
    try {
      for (const group of request.groups) if (group !== VRRP_IPV4_GROUP) socket.joinGroup(group);
    } catch (e) {
      socket.close();
      throw e;
    }
    return new Ipv4AdvertTransport(socket);
  }

  get ifname(): string {
    return this.socket.ifname;
  }

  send(advert: OutgoingAdvert): Promise<void> {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) % IPV4_ID_MODULUS;
    return this.socket.send(encodeAdvertIpv4Packet(advert.fields, { src: advert.src, dst: advert.dst, id }));
  }

  onPacket(listener: (packet: IncomingAdvertPacket) => void): () => void {
    return this.socket.onPacket((datagram) => listener({ kind: 'ipv4-datagram', datagram }));
  }

  onError(listener: (error: VigilError) => void): () => void {
    return this.socket.onError(listener);
  }

  close(): void {
    this.socket.close();
  }
}
