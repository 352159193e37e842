import { VigilError } from '../../core/VigilError.js';
import {
  decodeEthernetFrame,
  encodeEthernetFrame,
  ETHERNET_BROADCAST,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  macBytesOrThrow,
  type EthernetFrame,
} from './EthernetFrame.js';
import { formatIpv4, formatMac, parseIpv4 } from './IpAddressBytes.js';

/**
 * ARP packets (RFC 826) for Ethernet/IPv4, and the gratuitous ARP a new master sends for
 * each virtual IPv4 address (RFC 5227 §3 "ARP Announcement", RFC 5944 §4.6).
 *
 * What keepalived 2.2.7 really sends (golden vectors garp_v4_dir1/dir2/garp_vmac): an ARP
 * *request* (op 1), SHA = the sending interface's MAC (the VMAC with use_vmac), SPA = TPA
 * = the VIP, and THA = ff:ff:ff:ff:ff:ff (not the zeros RFC 5227 suggests), in a broadcast
 * frame 42 bytes long with no padding.
 *
 * ARP body layout (RFC 826, "Packet format"), offsets:
 *   0 hardware type (1 = Ethernet)   2 protocol type (0x0800)   4 hlen (6)   5 plen (4)
 *   6 opcode   8 SHA   14 SPA   18 THA   24 TPA   = 28 bytes
 */

/** ar$hrd for Ethernet (RFC 826; `ARPHRD_ETHER` in linux/if_arp.h). */
export const ARP_HARDWARE_ETHERNET = 1;
/** ar$op values (RFC 826; `ARPOP_REQUEST` / `ARPOP_REPLY` in linux/if_arp.h). */
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_BODY_BYTES = 28;

export interface ArpPacket {
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
  /** SPA = TPA: an announcement of the sender's own address (RFC 5227 §3). */
  readonly gratuitous: boolean;
}

export const ARP_DECODE_REASONS = ['truncated', 'not-arp', 'arp-unsupported-hardware', 'arp-unsupported-protocol'] as const;
export type ArpDecodeReason = (typeof ARP_DECODE_REASONS)[number];

export type ArpDecodeResult =
  | { readonly ok: true; readonly arp: ArpPacket }
  | { readonly ok: false; readonly reason: ArpDecodeReason };

export type ArpFrameDecodeResult =
  | { readonly ok: true; readonly arp: ArpPacket; readonly ethernet: EthernetFrame }
  | { readonly ok: false; readonly reason: ArpDecodeReason };

/** Decodes the ARP body at the start of `body`; bytes after the 28 (frame padding) are ignored. */
export function decodeArpBody(body: Uint8Array): ArpDecodeResult {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf.length < ARP_BODY_BYTES) return { ok: false, reason: 'truncated' };
  if (buf.readUInt16BE(0) !== ARP_HARDWARE_ETHERNET || buf[4] !== 6) return { ok: false, reason: 'arp-unsupported-hardware' };
  if (buf.readUInt16BE(2) !== ETHERTYPE_IPV4 || buf[5] !== 4) return { ok: false, reason: 'arp-unsupported-protocol' };
  const senderIp = formatIpv4(buf, 14);
  const targetIp = formatIpv4(buf, 24);
  return {
    ok: true,
    arp: {
      op: buf.readUInt16BE(6),
      senderMac: formatMac(buf, 8),
      senderIp,
      targetMac: formatMac(buf, 18),
      targetIp,
      gratuitous: senderIp === targetIp,
    },
  };
}

export function decodeArpFrame(frame: Uint8Array): ArpFrameDecodeResult {
  const eth = decodeEthernetFrame(frame);
  if (!eth.ok) return eth;
  if (eth.frame.etherType !== ETHERTYPE_ARP) return { ok: false, reason: 'not-arp' };
  const body = decodeArpBody(eth.frame.payload);
  return body.ok ? { ok: true, arp: body.arp, ethernet: eth.frame } : body;
}

export interface GratuitousArpFields {
  /** The virtual IPv4 address being announced (SPA = TPA). */
  readonly address: string;
  /** SHA: the MAC the address now lives at (the interface's, or the VMAC). */
  readonly senderMac: string;
  /** THA; keepalived sends broadcast. */
  readonly targetMac?: string;
  /** Defaults to request, as keepalived sends. */
  readonly op?: number;
}

/** The 28-byte ARP body of a gratuitous ARP. */
export function encodeGratuitousArpBody(fields: GratuitousArpFields): Buffer {
  const ip = parseIpv4(fields.address);
  if (ip === undefined) {
    throw new VigilError('VRRP_CODEC_BAD_ADDRESS', `gratuitous ARP needs an IPv4 address, got ${fields.address}`, {
      address: fields.address,
    });
  }
  const body = Buffer.alloc(ARP_BODY_BYTES);
  body.writeUInt16BE(ARP_HARDWARE_ETHERNET, 0);
  body.writeUInt16BE(ETHERTYPE_IPV4, 2);
  body[4] = 6;
  body[5] = 4;
  body.writeUInt16BE(fields.op ?? ARP_OP_REQUEST, 6);
  macBytesOrThrow(fields.senderMac).copy(body, 8);
  ip.copy(body, 14);
  macBytesOrThrow(fields.targetMac ?? ETHERNET_BROADCAST).copy(body, 18);
  ip.copy(body, 24);
  return body;
}

/** The full frame: broadcast destination, source = the sender MAC unless `frameSourceMac` says otherwise. */
export function encodeGratuitousArpFrame(fields: GratuitousArpFields, frameSourceMac: string = fields.senderMac): Buffer {
  return encodeEthernetFrame(ETHERNET_BROADCAST, frameSourceMac, ETHERTYPE_ARP, encodeGratuitousArpBody(fields));
}

export const GratuitousArpCodec = {
  decodeBody: decodeArpBody,
  decodeFrame: decodeArpFrame,
  encodeBody: encodeGratuitousArpBody,
  encodeFrame: encodeGratuitousArpFrame,
} as const;
