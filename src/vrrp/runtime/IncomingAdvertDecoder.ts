import { decodeAdvertPacket, decodeAdvertPayload } from '../codec/AdvertCodec.js';
import type { AdvertDecodeReason } from '../codec/VrrpAdvert.js';
import type { ReceivedAdvert } from '../receive/ReceiveCheckResult.js';
import type { IncomingAdvertPacket } from './AdvertTransport.js';

export type IncomingAdvertDecodeResult =
  | { readonly ok: true; readonly received: ReceivedAdvert }
  | { readonly ok: false; readonly reason: AdvertDecodeReason };

/** Bytes from a VRRP socket to the shape the receive checks take. Never throws on packet content. */
export function decodeIncomingAdvert(packet: IncomingAdvertPacket): IncomingAdvertDecodeResult {
  if (packet.kind === 'ipv4-datagram') {
    const decoded = decodeAdvertPacket(packet.datagram);
    if (!decoded.ok) return decoded;
    const { ip } = decoded;
    if (ip.family !== 'ipv4') return { ok: false, reason: 'ip-version' };
    const received: ReceivedAdvert = {
      advert: decoded.advert,
      ip: { family: 'ipv4', src: ip.src, dst: ip.dst, ttl: ip.ttl },
      ...(decoded.ah !== undefined ? { ah: decoded.ah } : {}),
    };
    return { ok: true, received };
  }
  try {
    const decoded = decodeAdvertPayload(packet.payload, packet.ip);
    return decoded.ok ? { ok: true, received: { advert: decoded.advert, ip: decoded.ip } } : decoded;
  } catch {
    // Endpoints the codec cannot read (a scoped or malformed source) make the packet unusable.
    return { ok: false, reason: 'truncated' };
  }
}
