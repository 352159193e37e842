import { VigilError } from '../../core/VigilError.js';
import { requireFieldRange } from './CodecFieldRange.js';
import { formatIpv6, parseIpv6 } from './IpAddressBytes.js';

/** The IPv6 fixed header and the extension-header chain (RFC 8200 §3, §4). */

export const IPV6_HEADER_BYTES = 40;

/** Next Header values of extension headers (RFC 8200 §4.1; IANA "IPv6 Extension Header Types"). */
export const NEXT_HEADER_HOP_BY_HOP = 0;
export const NEXT_HEADER_ROUTING = 43;
export const NEXT_HEADER_FRAGMENT = 44;
export const NEXT_HEADER_ESP = 50;
export const NEXT_HEADER_AH = 51;
export const NEXT_HEADER_NONE = 59;
export const NEXT_HEADER_DESTINATION_OPTIONS = 60;
/** Mobility (RFC 6275), HIP (RFC 7401), Shim6 (RFC 5533): extension headers we do not walk. */
const NEXT_HEADER_OTHER_EXTENSIONS = new Set([135, 139, 140]);

/** Extension headers with the generic "Next Header, Hdr Ext Len in 8-octet units not counting the first 8" layout (RFC 8200 §4.3, §4.4, §4.6). */
const SKIPPABLE_EXTENSIONS = new Set([NEXT_HEADER_HOP_BY_HOP, NEXT_HEADER_ROUTING, NEXT_HEADER_DESTINATION_OPTIONS]);

export interface Ipv6Header {
  readonly family: 'ipv6';
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  /** Next Header of the fixed header (may name an extension header). */
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
  /** The extension headers skipped, in order (Hop-by-Hop, Routing, Destination Options). */
  readonly extensionHeaders: readonly number[];
  /** The upper-layer protocol found after the extension headers. */
  readonly upperLayerProtocol: number;
  /** Offset of the upper-layer payload from the start of the IPv6 header. */
  readonly upperLayerOffset: number;
}

export type Ipv6HeaderDecodeReason =
  | 'truncated'
  | 'ip-version'
  | 'ip-total-length'
  | 'ip-fragment'
  | 'unsupported-extension-header';

export type Ipv6HeaderDecodeResult =
  | { readonly ok: true; readonly header: Ipv6Header }
  | { readonly ok: false; readonly reason: Ipv6HeaderDecodeReason };

/**
 * Reads the fixed header and walks Hop-by-Hop, Routing and Destination Options headers.
 * A Fragment header is refused (the kernel reassembles before a raw socket sees the
 * packet, so one in a capture is a piece, not an advert); AH, ESP and the other
 * extension types are refused because VRRPv3 defines no use for them (RFC 5798 §9 drops
 * authentication). The payload is `[upperLayerOffset, 40 + payloadLength)`.
 */
export function decodeIpv6Header(buf: Buffer): Ipv6HeaderDecodeResult {
  if (buf.length < IPV6_HEADER_BYTES) return { ok: false, reason: 'truncated' };
  const word0 = buf.readUInt32BE(0);
  if (word0 >>> 28 !== 6) return { ok: false, reason: 'ip-version' };
  const payloadLength = buf.readUInt16BE(4);
  // Payload Length 0 means a Jumbo Payload option (RFC 2675), which no advert needs.
  if (payloadLength === 0) return { ok: false, reason: 'ip-total-length' };
  const end = IPV6_HEADER_BYTES + payloadLength;
  if (buf.length < end) return { ok: false, reason: 'truncated' };
  const nextHeader = buf[6] ?? 0;
  const extensionHeaders: number[] = [];
  let protocol = nextHeader;
  let offset = IPV6_HEADER_BYTES;
  // Every skipped header is at least 8 bytes, so this ends within payloadLength / 8 steps.
  while (SKIPPABLE_EXTENSIONS.has(protocol)) {
    // RFC 8200 §4.1: Hop-by-Hop Options may only follow the fixed header directly.
    if (protocol === NEXT_HEADER_HOP_BY_HOP && offset !== IPV6_HEADER_BYTES) {
      return { ok: false, reason: 'unsupported-extension-header' };
    }
    if (offset + 8 > end) return { ok: false, reason: 'truncated' };
    const length = ((buf[offset + 1] ?? 0) + 1) * 8;
    if (offset + length > end) return { ok: false, reason: 'truncated' };
    extensionHeaders.push(protocol);
    protocol = buf[offset] ?? 0;
    offset += length;
  }
  if (protocol === NEXT_HEADER_FRAGMENT) return { ok: false, reason: 'ip-fragment' };
  if (protocol === NEXT_HEADER_AH || protocol === NEXT_HEADER_ESP || NEXT_HEADER_OTHER_EXTENSIONS.has(protocol)) {
    return { ok: false, reason: 'unsupported-extension-header' };
  }
  const header: Ipv6Header = {
    family: 'ipv6',
    trafficClass: (word0 >>> 20) & 0xff,
    flowLabel: word0 & 0xfffff,
    payloadLength,
    nextHeader,
    hopLimit: buf[7] ?? 0,
    src: formatIpv6(buf, 8),
    dst: formatIpv6(buf, 24),
    extensionHeaders,
    upperLayerProtocol: protocol,
    upperLayerOffset: offset,
  };
  return { ok: true, header };
}

export interface Ipv6HeaderFields {
  readonly src: string;
  readonly dst: string;
  readonly nextHeader: number;
  readonly payloadLength: number;
  readonly hopLimit: number;
  readonly trafficClass: number;
  /** 20 bits; Linux picks one per flow unless told otherwise (auto_flowlabels), keepalived leaves it to the kernel. */
  readonly flowLabel: number;
}

/** A 40-byte fixed header (no extension headers). */
export function encodeIpv6Header(fields: Ipv6HeaderFields): Buffer {
  const src = parseIpv6(fields.src);
  const dst = parseIpv6(fields.dst);
  if (src === undefined || dst === undefined) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `IPv6 header needs IPv6 addresses, got ${fields.src} -> ${fields.dst}`, {
      src: fields.src,
      dst: fields.dst,
    });
  }
  requireRange('payloadLength', fields.payloadLength, 0, 0xffff);
  requireRange('hopLimit', fields.hopLimit, 0, 0xff);
  requireRange('trafficClass', fields.trafficClass, 0, 0xff);
  requireRange('flowLabel', fields.flowLabel, 0, 0xfffff);
  requireRange('nextHeader', fields.nextHeader, 0, 0xff);
  const h = Buffer.alloc(IPV6_HEADER_BYTES);
  h.writeUInt32BE(((6 << 28) | (fields.trafficClass << 20) | fields.flowLabel) >>> 0, 0);
  h.writeUInt16BE(fields.payloadLength, 4);
  h[6] = fields.nextHeader;
  h[7] = fields.hopLimit;
  src.copy(h, 8);
  dst.copy(h, 24);
  return h;
}

function requireRange(field: string, value: number, min: number, max: number): void {
  requireFieldRange('IPv6 header', field, value, min, max);
}
