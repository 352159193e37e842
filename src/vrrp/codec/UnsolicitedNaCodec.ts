import { VigilError } from '../../core/VigilError.js';
import { decodeEthernetFrame, encodeEthernetFrame, ETHERTYPE_IPV6, macBytesOrThrow, multicastMac, type EthernetFrame } from './EthernetFrame.js';
import { checksumVerifies, internetChecksum, pseudoHeaderSum } from './InternetChecksum.js';
import { formatIpv6, formatMac, parseIpv6 } from './IpAddressBytes.js';
import { decodeIpv6Header, encodeIpv6Header, IPV6_HEADER_BYTES, type Ipv6Header } from './Ipv6Header.js';
import { IPPROTO_ICMPV6 } from './VrrpProtocol.js';

/**
 * ICMPv6 Neighbor Advertisements (RFC 4861 §4.4), and the unsolicited one a new master
 * sends for each virtual IPv6 address (RFC 4861 §7.2.6, RFC 5798 §6.4.2).
 *
 * What keepalived 2.2.7 really sends (golden vectors na_unsolicited_dir1/dir2): IPv6 from
 * the VIP itself (not the link-local address) to ff02::1, hop limit 255, traffic class 0,
 * flow label 0; flags O=1, S=0, R = "is IPv6 forwarding on"; one Target Link-Layer Address
 * option with the interface MAC; Ethernet to 33:33:00:00:00:01. 86 bytes, no padding.
 *
 * NA layout (RFC 4861 §4.4), offsets from the ICMPv6 header:
 *   0 type (136)  1 code (0)  2 checksum (RFC 4443 §2.3, with the IPv6 pseudo-header)
 *   4 R|S|O flags in the top 3 bits, 29 reserved bits   8 target address (16)   24 options
 * Target Link-Layer Address option (RFC 4861 §4.6.1): type 2, length 1 (x 8 bytes), MAC.
 */

export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
/** All-nodes link-local multicast (RFC 4291 §2.7.1). */
export const ALL_NODES_IPV6 = 'ff02::1';
/** RFC 4861 §7.1.2: a node discards an NA whose hop limit is not 255. */
export const ND_HOP_LIMIT = 255;
const NA_FIXED_BYTES = 24;
const FLAG_ROUTER = 0x80;
const FLAG_SOLICITED = 0x40;
const FLAG_OVERRIDE = 0x20;
const OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
const TLLA_OPTION_BYTES = 8;

export interface NeighborAdvert {
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  readonly target: string;
  /** From the Target Link-Layer Address option, when present. */
  readonly targetMac?: string;
  readonly checksum: number;
  readonly checksumOk: boolean;
  /** Not a reply to a solicitation (S = 0), i.e. an announcement. */
  readonly unsolicited: boolean;
}

export const NA_DECODE_REASONS = [
  'truncated',
  'ip-version',
  'ip-total-length',
  'ip-fragment',
  'unsupported-extension-header',
  'not-icmpv6',
  'not-na',
  /** Code not 0, or an option of length 0 / running past the end (RFC 4861 §7.1.2). */
  'na-malformed',
] as const;

export type NaDecodeReason = (typeof NA_DECODE_REASONS)[number];

export type NaPacketDecodeResult =
  | { readonly ok: true; readonly na: NeighborAdvert; readonly ip: Ipv6Header }
  | { readonly ok: false; readonly reason: NaDecodeReason };

export type NaFrameDecodeResult =
  | { readonly ok: true; readonly na: NeighborAdvert; readonly ip: Ipv6Header; readonly ethernet: EthernetFrame }
  | { readonly ok: false; readonly reason: NaDecodeReason };

/** Decodes an IPv6 packet carrying a Neighbor Advertisement; the checksum is reported, not enforced. */
export function decodeNaPacket(packet: Uint8Array): NaPacketDecodeResult {
  const buf = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  const decoded = decodeIpv6Header(buf);
  if (!decoded.ok) return decoded;
  const ip = decoded.header;
  if (ip.upperLayerProtocol !== IPPROTO_ICMPV6) return { ok: false, reason: 'not-icmpv6' };
  const start = ip.upperLayerOffset;
  const end = IPV6_HEADER_BYTES + ip.payloadLength;
  if (end - start < 4) return { ok: false, reason: 'truncated' };
  if (buf[start] !== ICMPV6_NEIGHBOR_ADVERTISEMENT) return { ok: false, reason: 'not-na' };
  if (end - start < NA_FIXED_BYTES) return { ok: false, reason: 'truncated' };
  if (buf[start + 1] !== 0) return { ok: false, reason: 'na-malformed' };
  let targetMac: string | undefined;
  for (let at = start + NA_FIXED_BYTES; at < end; ) {
    if (at + 2 > end) return { ok: false, reason: 'na-malformed' };
    const length = (buf[at + 1] ?? 0) * 8;
    if (length === 0 || at + length > end) return { ok: false, reason: 'na-malformed' };
    if (buf[at] === OPTION_TARGET_LINK_LAYER_ADDRESS && length >= TLLA_OPTION_BYTES) targetMac = formatMac(buf, at + 2);
    at += length;
  }
  const flags = buf[start + 4] ?? 0;
  const sum = pseudoHeaderSum('ipv6', buf.subarray(8, 24), buf.subarray(24, 40), IPPROTO_ICMPV6, end - start);
  const na: NeighborAdvert = {
    router: (flags & FLAG_ROUTER) !== 0,
    solicited: (flags & FLAG_SOLICITED) !== 0,
    override: (flags & FLAG_OVERRIDE) !== 0,
    target: formatIpv6(buf, start + 8),
    ...(targetMac === undefined ? {} : { targetMac }),
    checksum: buf.readUInt16BE(start + 2),
    checksumOk: checksumVerifies(buf, start, end, sum),
    unsolicited: (flags & FLAG_SOLICITED) === 0,
  };
  return { ok: true, na, ip };
}

export function decodeNaFrame(frame: Uint8Array): NaFrameDecodeResult {
  const eth = decodeEthernetFrame(frame);
  if (!eth.ok) return eth;
  if (eth.frame.etherType !== ETHERTYPE_IPV6) return { ok: false, reason: 'ip-version' };
  const packet = decodeNaPacket(eth.frame.payload);
  return packet.ok ? { ...packet, ethernet: eth.frame } : packet;
}

export interface UnsolicitedNaFields {
  /** The virtual IPv6 address announced (Target Address). */
  readonly target: string;
  /** The MAC for the Target Link-Layer Address option (the interface's, or the VMAC). */
  readonly mac: string;
  /** R flag: set when the sender forwards IPv6 (keepalived reads net.ipv6.conf.<if>.forwarding). */
  readonly router: boolean;
  /** IPv6 source; keepalived uses the target itself. */
  readonly src?: string;
  readonly dst?: string;
}

/** The IPv6 packet (header + ICMPv6 NA + TLLA option), checksum filled in. */
export function encodeUnsolicitedNaPacket(fields: UnsolicitedNaFields): Buffer {
  const src = fields.src ?? fields.target;
  const dst = fields.dst ?? ALL_NODES_IPV6;
  const target = parseIpv6(fields.target);
  const srcBytes = parseIpv6(src);
  const dstBytes = parseIpv6(dst);
  if (target === undefined || srcBytes === undefined || dstBytes === undefined) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `neighbour advert needs IPv6 addresses, got ${fields.target} (${src} -> ${dst})`, {
      target: fields.target,
      src,
      dst,
    });
  }
  const icmp = Buffer.alloc(NA_FIXED_BYTES + TLLA_OPTION_BYTES);
  icmp[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
  icmp[4] = (fields.router ? FLAG_ROUTER : 0) | FLAG_OVERRIDE;
  target.copy(icmp, 8);
  icmp[NA_FIXED_BYTES] = OPTION_TARGET_LINK_LAYER_ADDRESS;
  icmp[NA_FIXED_BYTES + 1] = 1;
  macBytesOrThrow(fields.mac).copy(icmp, NA_FIXED_BYTES + 2);
  icmp.writeUInt16BE(internetChecksum(icmp, 0, icmp.length, pseudoHeaderSum('ipv6', srcBytes, dstBytes, IPPROTO_ICMPV6, icmp.length)), 2);
  const header = encodeIpv6Header({
    src,
    dst,
    nextHeader: IPPROTO_ICMPV6,
    payloadLength: icmp.length,
    hopLimit: ND_HOP_LIMIT,
    trafficClass: 0,
    flowLabel: 0,
  });
  return Buffer.concat([header, icmp]);
}

/** The full frame: destination = the RFC 2464 §7 mapping of the IPv6 destination, source = `mac` unless given. */
export function encodeUnsolicitedNaFrame(fields: UnsolicitedNaFields, frameSourceMac: string = fields.mac): Buffer {
  const dst = fields.dst ?? ALL_NODES_IPV6;
  const dstMac = multicastMac(dst);
  if (dstMac === undefined) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `unsolicited NA destination ${dst} is not an IPv6 multicast group`, { dst });
  }
  return encodeEthernetFrame(dstMac, frameSourceMac, ETHERTYPE_IPV6, encodeUnsolicitedNaPacket(fields));
}

export const UnsolicitedNaCodec = {
  decodePacket: decodeNaPacket,
  decodeFrame: decodeNaFrame,
  encodePacket: encodeUnsolicitedNaPacket,
  encodeFrame: encodeUnsolicitedNaFrame,
} as const;
