import type { VigilError } from '../../core/VigilError.js';
import { encodeAdvertPayload } from '../codec/AdvertCodec.js';
import { VrrpSocketV6, VRRP_IPV6_GROUP } from '../io/VrrpSocketV6.js';
import type { AdvertTransport, AdvertTransportRequest, IncomingAdvertPacket, OutgoingAdvert } from './AdvertTransport.js';

/**
 * VRRPv3 over IPv6 on one interface through `VrrpSocketV6` (our addon): the codec writes
 * the VRRP message and its checksum over the pseudo-header (RFC 5798 §5.2.8); the kernel
 * writes the IPv6 header with hop limit 255 and the source we name (the link-local
 * address, RFC 5798 §5.1.2.1, or unicast_src_ip). The receive side reports the hop
 * limit from IPV6_HOPLIMIT so the receive checks can insist on 255.
 */
export class Ipv6AdvertTransport implements AdvertTransport {
  readonly family = 'ipv6' as const;

  private constructor(private readonly socket: VrrpSocketV6) {}

  static open(request: AdvertTransportRequest, netns?: string): Ipv6AdvertTransport {
    const joinDefault = request.groups.includes(VRRP_IPV6_GROUP);
    const socket = VrrpSocketV6.open({ ifname: request.ifname, joinVrrpGroup: joinDefault, ...(netns !== undefined ? { netns } : {}) });
    try {
      for (const group of request.groups) if (group !== VRRP_IPV6_GROUP) socket.joinGroup(group);
    } catch (e) {
      socket.close();
      throw e;
    }
    return new Ipv6AdvertTransport(socket);
  }

  get ifname(): string {
    return this.socket.ifname;
  }

  send(advert: OutgoingAdvert): Promise<void> {
    const payload = encodeAdvertPayload(advert.fields, { src: advert.src, dst: advert.dst });
    return this.socket.send(payload, advert.dst, { source: advert.src });
  }

  onPacket(listener: (packet: IncomingAdvertPacket) => void): () => void {
    return this.socket.onPacket((payload, meta) =>
      listener({
        kind: 'ipv6-payload',
        payload,
        // A missing control message is reported as hop limit 0 so the TTL check drops the packet.
        ip: { family: 'ipv6', src: meta.src, dst: meta.dst ?? VRRP_IPV6_GROUP, hopLimit: meta.hopLimit ?? 0 },
      }),
    );
  }

  onError(listener: (error: VigilError) => void): () => void {
    return this.socket.onError(listener);
  }

  close(): void {
    this.socket.close();
  }
}
