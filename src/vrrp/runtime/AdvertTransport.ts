import type { VigilError } from '../../core/VigilError.js';
import type { IpFamily } from '../codec/IpAddressBytes.js';
import type { AdvertFields, AdvertIp } from '../codec/VrrpAdvert.js';

/** One advert to put on the wire. */
export interface OutgoingAdvert {
  readonly fields: AdvertFields;
  /** IP source: the instance's primary address, unicast_src_ip, or (v3 IPv6) the link-local address. */
  readonly src: string;
  /** The multicast group or one unicast peer. */
  readonly dst: string;
}

/**
 * What a VRRP socket hands up: IPv4 raw sockets deliver the whole datagram (header
 * included, so TTL comes from it); the IPv6 socket delivers the VRRP message with the
 * IP facts from ancillary data.
 */
export type IncomingAdvertPacket =
  | { readonly kind: 'ipv4-datagram'; readonly datagram: Buffer }
  | { readonly kind: 'ipv6-payload'; readonly payload: Buffer; readonly ip: AdvertIp };

/**
 * VRRP adverts in and out of one interface for one address family: one raw socket,
 * shared by every instance on that interface and family.
 */
export interface AdvertTransport {
  readonly ifname: string;
  readonly family: IpFamily;
  send(advert: OutgoingAdvert): Promise<void>;
  onPacket(listener: (packet: IncomingAdvertPacket) => void): () => void;
  onError(listener: (error: VigilError) => void): () => void;
  close(): void;
}

/** Opens the transport for an interface and family; throws a `VigilError` (EPERM, ENODEV...) when it cannot. */
export type AdvertTransportOpener = (request: AdvertTransportRequest) => AdvertTransport;

export interface AdvertTransportRequest {
  readonly ifname: string;
  readonly family: IpFamily;
  /** Multicast groups to join; empty when every instance on the interface is unicast. */
  readonly groups: readonly string[];
}
