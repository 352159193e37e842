import { VigilError } from '../../core/VigilError.js';
import { requireFieldRange } from './CodecFieldRange.js';
import { decodeEthernetFrame, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './EthernetFrame.js';
import { checksumVerifies, internetChecksum, pseudoHeaderSum } from './InternetChecksum.js';
import {
  addressBytes,
  formatIp,
  ipFamilyOf,
  parseIp,
  type IpFamily,
} from './IpAddressBytes.js';
import { decodeIpsecAhHeader, type IpsecAhHeader } from './IpsecAhHeader.js';
import { decodeIpv4Header, encodeIpv4Header, IPV4_TOS_INTERNETWORK_CONTROL } from './Ipv4Header.js';
import { decodeIpv6Header, encodeIpv6Header, IPV6_HEADER_BYTES } from './Ipv6Header.js';
import type {
  AdvertAuthKind,
  AdvertFields,
  AdvertFrameDecodeResult,
  AdvertIp,
  AdvertPacketDecodeResult,
  AdvertPayloadDecodeResult,
  VrrpAdvert,
} from './VrrpAdvert.js';
import {
  IPPROTO_AH,
  IPPROTO_VRRP,
  VRRP_AUTH_AH,
  VRRP_AUTH_NONE,
  VRRP_AUTH_PASS,
  VRRP_HEADER_BYTES,
  VRRP_TTL,
  VRRP_TYPE_ADVERTISEMENT,
  VRRP_V2_AUTH_DATA_BYTES,
  VRRP_V3_MAX_ADVER_INT_MASK,
  VRRP_VERSION_2,
  VRRP_VERSION_3,
} from './VrrpProtocol.js';

/**
 * VRRP advertisements to and from bytes: VRRPv2 (RFC 3768 §5, with RFC 2338's PASS and
 * AH auth types as keepalived still sends them) and VRRPv3 (RFC 5798 §5), IPv4 and IPv6.
 *
 * Decoding is structural: it refuses only bytes it cannot read as an advert and reports
 * everything else (checksum matches, TTL, auth fields, trailing bytes) for the receive
 * checks to judge. Encoding writes exactly the bytes keepalived 2.2.7 writes.
 *
 * VRRP message layout (offsets from the start of the message):
 *   0  version (high nibble) | type (low nibble)   RFC 3768 §5.3.1-2, RFC 5798 §5.2.1-2
 *   1  Virtual Rtr ID                               §5.3.3 / §5.2.3
 *   2  Priority                                     §5.3.4 / §5.2.4
 *   3  Count IP Addrs                               §5.3.5 / §5.2.5
 *   4  v2: Auth Type; v3: rsvd(4 bits) + Max Adver Int(12 bits, bytes 4-5)   §5.3.6 / §5.2.6-7
 *   5  v2: Adver Int (seconds)                      §5.3.7
 *   6  Checksum (2 bytes)                           §5.3.8 / §5.2.8
 *   8  IP addresses, 4 or 16 bytes each             §5.3.9 / §5.2.9
 *   then v2 only: 8 bytes Authentication Data      §5.3.10
 */

const OFFSET_VRID = 1;
const OFFSET_PRIORITY = 2;
const OFFSET_COUNT = 3;
const OFFSET_V2_AUTH_TYPE = 4;
const OFFSET_V2_ADVER_INT = 5;
const OFFSET_V3_RSVD_MAX_ADVER_INT = 4;
const OFFSET_CHECKSUM = 6;

/** How the VRRPv3 checksum is computed; keepalived's `v3_checksum_as_v2` selects message-only (IPv4 only). */
export interface AdvertChecksumOptions {
  readonly v3ChecksumAsV2?: boolean;
}

/** The addresses the checksum pseudo-header uses: the IP source and destination of the advert. */
export interface AdvertEndpoints {
  readonly src: string;
  readonly dst: string;
}

// ---------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes a VRRP message that starts at `payload[0]` (what an IPv6 raw socket returns),
 * with the IP facts from the socket (source, destination, TTL / hop limit) in `ip`.
 */
export function decodeAdvertPayload(payload: Uint8Array, ip: AdvertIp): AdvertPayloadDecodeResult {
  const buf = asBuffer(payload);
  const src = parseIp(ip.src);
  const dst = parseIp(ip.dst);
  if (src === undefined || dst === undefined || src.length !== addressBytes(ip.family) || dst.length !== src.length) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `advert endpoints ${ip.src} -> ${ip.dst} are not ${ip.family}`, {
      src: ip.src,
      dst: ip.dst,
    });
  }
  const result = decodeMessage(buf, 0, buf.length, ip.family, src, dst);
  return result.ok ? { ok: true, advert: result.advert, ip } : result;
}

/**
 * Decodes a whole IP packet: IPv4 (options skipped; AH in front of VRRP recognised) or
 * IPv6 (Hop-by-Hop / Routing / Destination Options skipped). Bytes past the IP length
 * (Ethernet padding) are ignored.
 */
export function decodeAdvertPacket(packet: Uint8Array): AdvertPacketDecodeResult {
  const buf = asBuffer(packet);
  if (buf.length < 1) return { ok: false, reason: 'truncated' };
  const version = (buf[0] ?? 0) >> 4;
  if (version === 4) return decodeIpv4Packet(buf);
  if (version === 6) return decodeIpv6Packet(buf);
  return { ok: false, reason: 'ip-version' };
}

/** Decodes an Ethernet frame carrying an advert (as captured, without FCS, padded or not). */
export function decodeAdvertFrame(frame: Uint8Array): AdvertFrameDecodeResult {
  const eth = decodeEthernetFrame(frame);
  if (!eth.ok) return eth;
  const { etherType, payload } = eth.frame;
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return { ok: false, reason: 'not-vrrp' };
  const packet = decodeAdvertPacket(payload);
  if (!packet.ok) return packet;
  if ((etherType === ETHERTYPE_IPV4) !== (packet.ip.family === 'ipv4')) return { ok: false, reason: 'ip-version' };
  return { ...packet, ethernet: eth.frame };
}

function decodeIpv4Packet(buf: Buffer): AdvertPacketDecodeResult {
  const decoded = decodeIpv4Header(buf);
  if (!decoded.ok) return decoded;
  const ip = decoded.header;
  if (!ip.headerChecksumOk) return { ok: false, reason: 'ip-header-checksum' };
  if (ip.moreFragments || ip.fragmentOffset !== 0) return { ok: false, reason: 'ip-fragment' };
  // Source and destination at offsets 12 and 16 (RFC 791 §3.1).
  const src = buf.subarray(12, 16);
  const dst = buf.subarray(16, 20);
  let start = ip.headerLength;
  let ah: IpsecAhHeader | undefined;
  if (ip.protocol === IPPROTO_AH) {
    const ahDecoded = decodeIpsecAhHeader(buf, start, ip.totalLength);
    if (!ahDecoded.ok) return ahDecoded;
    if (ahDecoded.header.nextHeader !== IPPROTO_VRRP) return { ok: false, reason: 'not-vrrp' };
    ah = ahDecoded.header;
    start += ah.length;
  } else if (ip.protocol !== IPPROTO_VRRP) {
    return { ok: false, reason: 'not-vrrp' };
  }
  const message = decodeMessage(buf, start, ip.totalLength, 'ipv4', src, dst);
  if (!message.ok) return message;
  return ah === undefined ? { ok: true, advert: message.advert, ip } : { ok: true, advert: message.advert, ip, ah };
}

function decodeIpv6Packet(buf: Buffer): AdvertPacketDecodeResult {
  const decoded = decodeIpv6Header(buf);
  if (!decoded.ok) return decoded;
  const ip = decoded.header;
  if (ip.upperLayerProtocol !== IPPROTO_VRRP) return { ok: false, reason: 'not-vrrp' };
  // Addresses at offsets 8 and 24 of the fixed header (RFC 8200 §3).
  const message = decodeMessage(buf, ip.upperLayerOffset, IPV6_HEADER_BYTES + ip.payloadLength, 'ipv6', buf.subarray(8, 24), buf.subarray(24, 40));
  if (!message.ok) return message;
  return { ok: true, advert: message.advert, ip };
}

type MessageResult = { readonly ok: true; readonly advert: VrrpAdvert } | { readonly ok: false; readonly reason: 'truncated' | 'unsupported-version' };

/** Reads the VRRP message in `buf[start, end)`; `src`/`dst` are the IP addresses as bytes. */
function decodeMessage(buf: Buffer, start: number, end: number, family: IpFamily, src: Uint8Array, dst: Uint8Array): MessageResult {
  if (end - start < VRRP_HEADER_BYTES) return { ok: false, reason: 'truncated' };
  const b0 = buf[start] ?? 0;
  const version = b0 >> 4;
  if (version !== VRRP_VERSION_2 && version !== VRRP_VERSION_3) return { ok: false, reason: 'unsupported-version' };
  // RFC 3768 is IPv4-only; keepalived forces version 3 for IPv6 instances.
  if (version === VRRP_VERSION_2 && family === 'ipv6') return { ok: false, reason: 'unsupported-version' };
  const count = buf[start + OFFSET_COUNT] ?? 0;
  const size = addressBytes(family);
  const length = VRRP_HEADER_BYTES + count * size + (version === VRRP_VERSION_2 ? VRRP_V2_AUTH_DATA_BYTES : 0);
  if (start + length > end) return { ok: false, reason: 'truncated' };
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(formatIp(family, buf, start + VRRP_HEADER_BYTES + i * size));
  const checksumMatch = {
    messageOnly: checksumVerifies(buf, start, start + length),
    withPseudoHeader: checksumVerifies(buf, start, start + length, pseudoHeaderSum(family, src, dst, IPPROTO_VRRP, length)),
  };
  const common = {
    family,
    type: b0 & 0x0f,
    vrid: buf[start + OFFSET_VRID] ?? 0,
    priority: buf[start + OFFSET_PRIORITY] ?? 0,
    addresses,
    checksum: buf.readUInt16BE(start + OFFSET_CHECKSUM),
    checksumMatch,
    length,
    trailingBytes: end - start - length,
  };
  if (version === VRRP_VERSION_3) {
    const word = buf.readUInt16BE(start + OFFSET_V3_RSVD_MAX_ADVER_INT);
    return {
      ok: true,
      advert: { ...common, version: 3, reserved: word >> 12, maxAdverIntCs: word & VRRP_V3_MAX_ADVER_INT_MASK },
    };
  }
  const authType = buf[start + OFFSET_V2_AUTH_TYPE] ?? 0;
  const authStart = start + VRRP_HEADER_BYTES + count * size;
  const authData = Buffer.from(buf.subarray(authStart, authStart + VRRP_V2_AUTH_DATA_BYTES));
  const auth = authKind(authType);
  const zero = authData.indexOf(0);
  const advert: VrrpAdvert = {
    ...common,
    version: 2,
    authType,
    auth,
    adverIntSec: buf[start + OFFSET_V2_ADVER_INT] ?? 0,
    authData,
    ...(auth === 'PASS' ? { password: authData.subarray(0, zero < 0 ? authData.length : zero).toString('latin1') } : {}),
  };
  return { ok: true, advert };
}

function authKind(authType: number): AdvertAuthKind {
  switch (authType) {
    case VRRP_AUTH_NONE:
      return 'none';
    case VRRP_AUTH_PASS:
      return 'PASS';
    case VRRP_AUTH_AH:
      return 'AH';
    default:
      return 'reserved';
  }
}

// ---------------------------------------------------------------------------------------
// Encoding

/**
 * The VRRP message for `fields`, checksum included. The family comes from
 * `endpoints.src`; the checksum is over the message alone for v2 (RFC 3768 §5.3.8), over
 * the pseudo-header plus message for v3 (RFC 5798 §5.2.8), or over the message alone for
 * v3 over IPv4 with `v3ChecksumAsV2`. (An IPv6 raw socket with IPV6_CHECKSUM rewrites
 * the field with the same value.)
 */
export function encodeAdvertPayload(fields: AdvertFields, endpoints: AdvertEndpoints, options: AdvertChecksumOptions = {}): Buffer {
  const { family, src, dst } = endpointBytes(endpoints);
  const size = addressBytes(family);
  if (fields.version === VRRP_VERSION_2 && family === 'ipv6') {
    throw new VigilError('VRRP_CODEC_UNSUPPORTED', 'VRRPv2 is defined for IPv4 only (RFC 3768); use version 3 for IPv6');
  }
  requireByte('vrid', fields.vrid);
  requireByte('priority', fields.priority);
  requireRange('type', fields.type ?? VRRP_TYPE_ADVERTISEMENT, 0, 0x0f);
  requireRange('addresses.length', fields.addresses.length, 0, 0xff);
  const length =
    VRRP_HEADER_BYTES + fields.addresses.length * size + (fields.version === VRRP_VERSION_2 ? VRRP_V2_AUTH_DATA_BYTES : 0);
  const msg = Buffer.alloc(length);
  msg[0] = (fields.version << 4) | (fields.type ?? VRRP_TYPE_ADVERTISEMENT);
  msg[OFFSET_VRID] = fields.vrid;
  msg[OFFSET_PRIORITY] = fields.priority;
  msg[OFFSET_COUNT] = fields.addresses.length;
  fields.addresses.forEach((address, i) => {
    const bytes = parseIp(address);
    if (bytes === undefined || bytes.length !== size) {
      throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `virtual address ${address} is not ${family}`, { address, family });
    }
    bytes.copy(msg, VRRP_HEADER_BYTES + i * size);
  });
  let pseudo = 0;
  if (fields.version === VRRP_VERSION_2) {
    requireByte('authType', fields.authType);
    requireByte('adverIntSec', fields.adverIntSec);
    msg[OFFSET_V2_AUTH_TYPE] = fields.authType;
    msg[OFFSET_V2_ADVER_INT] = fields.adverIntSec;
    if (fields.authData !== undefined) {
      if (fields.authData.length !== VRRP_V2_AUTH_DATA_BYTES) {
        throw new VigilError('VRRP_CODEC_FIELD_RANGE', `authData must be ${VRRP_V2_AUTH_DATA_BYTES} bytes`, {
          field: 'authData',
          value: fields.authData.length,
        });
      }
      msg.set(fields.authData, length - VRRP_V2_AUTH_DATA_BYTES);
    }
  } else {
    requireRange('maxAdverIntCs', fields.maxAdverIntCs, 0, VRRP_V3_MAX_ADVER_INT_MASK);
    requireRange('reserved', fields.reserved ?? 0, 0, 0x0f);
    msg.writeUInt16BE(((fields.reserved ?? 0) << 12) | fields.maxAdverIntCs, OFFSET_V3_RSVD_MAX_ADVER_INT);
    const messageOnly = family === 'ipv4' && options.v3ChecksumAsV2 === true;
    if (!messageOnly) {
      pseudo = pseudoHeaderSum(family, src, dst, IPPROTO_VRRP, length);
    }
  }
  msg.writeUInt16BE(internetChecksum(msg, 0, length, pseudo), OFFSET_CHECKSUM);
  return msg;
}

export interface AdvertIpv4PacketOptions extends AdvertEndpoints, AdvertChecksumOptions {
  /** IP identification; keepalived's sequence is `nextIpv4Id` from 0. */
  readonly id: number;
  readonly ttl?: number;
  readonly tos?: number;
  readonly dontFragment?: boolean;
}

/**
 * A whole IPv4 advert as keepalived hands it to its IP_HDRINCL socket: TOS 0xc0, no DF,
 * TTL 255 (RFC 3768 §5.2.3), protocol 112. AH (auth type 2) is not sent by Vigil.
 */
export function encodeAdvertIpv4Packet(fields: AdvertFields, options: AdvertIpv4PacketOptions): Buffer {
  if (fields.version === VRRP_VERSION_2 && fields.authType === VRRP_AUTH_AH) {
    throw new VigilError('VRRP_CODEC_UNSUPPORTED', 'Vigil does not send IPsec-AH authenticated adverts', { authType: fields.authType });
  }
  const payload = encodeAdvertPayload(fields, options, options);
  const header = encodeIpv4Header({
    src: options.src,
    dst: options.dst,
    protocol: IPPROTO_VRRP,
    payloadLength: payload.length,
    id: options.id,
    ttl: options.ttl ?? VRRP_TTL,
    tos: options.tos ?? IPV4_TOS_INTERNETWORK_CONTROL,
    dontFragment: options.dontFragment ?? false,
  });
  return Buffer.concat([header, payload]);
}

export interface AdvertIpv6PacketOptions extends AdvertEndpoints {
  readonly hopLimit?: number;
  /** keepalived sets IPV6_TCLASS 0xc0 on its socket. */
  readonly trafficClass?: number;
  /** Chosen by the kernel on the real path; 0 unless given. */
  readonly flowLabel?: number;
}

/** A whole IPv6 advert (the kernel builds this header on the real path; this is for tests and tools). */
export function encodeAdvertIpv6Packet(fields: AdvertFields, options: AdvertIpv6PacketOptions): Buffer {
  const payload = encodeAdvertPayload(fields, options);
  const header = encodeIpv6Header({
    src: options.src,
    dst: options.dst,
    nextHeader: IPPROTO_VRRP,
    payloadLength: payload.length,
    hopLimit: options.hopLimit ?? VRRP_TTL,
    trafficClass: options.trafficClass ?? IPV4_TOS_INTERNETWORK_CONTROL,
    flowLabel: options.flowLabel ?? 0,
  });
  return Buffer.concat([header, payload]);
}

/** The codec as one value, for callers that inject it. */
export const AdvertCodec = {
  decodePayload: decodeAdvertPayload,
  decodePacket: decodeAdvertPacket,
  decodeFrame: decodeAdvertFrame,
  encodePayload: encodeAdvertPayload,
  encodeIpv4Packet: encodeAdvertIpv4Packet,
  encodeIpv6Packet: encodeAdvertIpv6Packet,
} as const;

/** The endpoints as bytes, which must be of one family. */
function endpointBytes(endpoints: AdvertEndpoints): { family: IpFamily; src: Buffer; dst: Buffer } {
  const family = ipFamilyOf(endpoints.src);
  const src = parseIp(endpoints.src);
  const dst = parseIp(endpoints.dst);
  if (family === undefined || src === undefined || dst === undefined || ipFamilyOf(endpoints.dst) !== family) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `advert endpoints ${endpoints.src} -> ${endpoints.dst} are not one IP family`, {
      src: endpoints.src,
      dst: endpoints.dst,
    });
  }
  return { family, src, dst };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function requireByte(field: string, value: number): void {
  requireFieldRange('advert', field, value, 0, 0xff);
}

function requireRange(field: string, value: number, min: number, max: number): void {
  requireFieldRange('advert', field, value, min, max);
}
