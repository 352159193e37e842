import { VigilError } from '../../core/VigilError.js';
import { requireFieldRange } from './CodecFieldRange.js';
import { checksumVerifies, internetChecksum } from './InternetChecksum.js';
import { formatIpv4, parseIpv4 } from './IpAddressBytes.js';

/** The IPv4 header (RFC 791 §3.1). Offsets below are from that figure. */

/** Version 4, IHL >= 5 words (RFC 791 §3.1). */
const IPV4_MIN_HEADER_BYTES = 20;
/** Flags bit 1 = Don't Fragment, bit 2 = More Fragments; 13-bit fragment offset (RFC 791 §3.1). */
const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;
/** "Internetwork control" precedence, what keepalived puts in TOS for adverts (RFC 791 §3.1, precedence 110). */
export const IPV4_TOS_INTERNETWORK_CONTROL = 0xc0;

export interface Ipv4Header {
  readonly family: 'ipv4';
  readonly headerLength: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly headerChecksum: number;
  readonly headerChecksumOk: boolean;
  readonly src: string;
  readonly dst: string;
  /** Option bytes between the fixed header and the payload (empty when IHL = 5). */
  readonly options: Buffer;
}

export type Ipv4HeaderDecodeReason = 'truncated' | 'ip-version' | 'ip-header-length' | 'ip-total-length';

export type Ipv4HeaderDecodeResult =
  | { readonly ok: true; readonly header: Ipv4Header }
  | { readonly ok: false; readonly reason: Ipv4HeaderDecodeReason };

/**
 * Reads the header at the start of `buf`. The packet may be followed by link padding:
 * the payload is `buf[headerLength, totalLength)`, never "the rest of the buffer".
 */
export function decodeIpv4Header(buf: Buffer): Ipv4HeaderDecodeResult {
  if (buf.length < IPV4_MIN_HEADER_BYTES) return { ok: false, reason: 'truncated' };
  const b0 = buf[0] ?? 0;
  if (b0 >> 4 !== 4) return { ok: false, reason: 'ip-version' };
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_BYTES) return { ok: false, reason: 'ip-header-length' };
  if (buf.length < headerLength) return { ok: false, reason: 'truncated' };
  const totalLength = buf.readUInt16BE(2);
  if (totalLength < headerLength) return { ok: false, reason: 'ip-total-length' };
  if (buf.length < totalLength) return { ok: false, reason: 'truncated' };
  const flagsFragment = buf.readUInt16BE(6);
  const header: Ipv4Header = {
    family: 'ipv4',
    headerLength,
    tos: buf[1] ?? 0,
    totalLength,
    id: buf.readUInt16BE(4),
    dontFragment: (flagsFragment & FLAG_DONT_FRAGMENT) !== 0,
    moreFragments: (flagsFragment & FLAG_MORE_FRAGMENTS) !== 0,
    fragmentOffset: flagsFragment & FRAGMENT_OFFSET_MASK,
    ttl: buf[8] ?? 0,
    protocol: buf[9] ?? 0,
    headerChecksum: buf.readUInt16BE(10),
    headerChecksumOk: checksumVerifies(buf, 0, headerLength),
    src: formatIpv4(buf, 12),
    dst: formatIpv4(buf, 16),
    options: Buffer.from(buf.subarray(IPV4_MIN_HEADER_BYTES, headerLength)),
  };
  return { ok: true, header };
}

export interface Ipv4HeaderFields {
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  /** Bytes after the header; total length = 20 + this. */
  readonly payloadLength: number;
  /** Identification; see `nextIpv4Id`. */
  readonly id: number;
  readonly ttl: number;
  readonly tos: number;
  readonly dontFragment: boolean;
}

/**
 * A 20-byte header without options, checksum filled in. keepalived builds adverts the
 * same way for its IP_HDRINCL socket: TOS 0xc0, flags and fragment offset zero (no DF),
 * TTL 255, its own ID sequence (see `nextIpv4Id`).
 */
export function encodeIpv4Header(fields: Ipv4HeaderFields): Buffer {
  const src = parseIpv4(fields.src);
  const dst = parseIpv4(fields.dst);
  if (src === undefined || dst === undefined) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `IPv4 header needs IPv4 addresses, got ${fields.src} -> ${fields.dst}`, {
      src: fields.src,
      dst: fields.dst,
    });
  }
  const totalLength = IPV4_MIN_HEADER_BYTES + fields.payloadLength;
  requireRange('payloadLength', totalLength, IPV4_MIN_HEADER_BYTES, 0xffff);
  requireRange('id', fields.id, 0, 0xffff);
  requireRange('ttl', fields.ttl, 0, 0xff);
  requireRange('tos', fields.tos, 0, 0xff);
  requireRange('protocol', fields.protocol, 0, 0xff);
  const h = Buffer.alloc(IPV4_MIN_HEADER_BYTES);
  h[0] = 0x45;
  h[1] = fields.tos;
  h.writeUInt16BE(totalLength, 2);
  h.writeUInt16BE(fields.id, 4);
  h.writeUInt16BE(fields.dontFragment ? FLAG_DONT_FRAGMENT : 0, 6);
  h[8] = fields.ttl;
  h[9] = fields.protocol;
  src.copy(h, 12);
  dst.copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return h;
}

/**
 * The identification for the next advert. keepalived increments a per-instance 16-bit
 * counter before each send and skips 0, because with IP_HDRINCL the kernel replaces a
 * zero ID with its own (raw(7)); a new instance starts from 0, so its first advert has ID 1.
 */
export function nextIpv4Id(previous: number): number {
  const next = (previous + 1) & 0xffff;
  return next === 0 ? 1 : next;
}

function requireRange(field: string, value: number, min: number, max: number): void {
  requireFieldRange('IPv4 header', field, value, min, max);
}
