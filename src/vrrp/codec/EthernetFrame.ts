import { formatMac, parseIpv4, parseIpv6, parseMac, ipFamilyOf, MAC_ADDRESS_BYTES } from './IpAddressBytes.js';
import { VigilError } from '../../core/VigilError.js';

/**
 * Ethernet II framing (IEEE 802.3 with a type field; RFC 894 for IPv4, RFC 2464 for IPv6).
 * The frame check sequence is never present (Linux packet sockets and pcap strip it),
 * and frames are taken as they come: on veth nothing pads them to the 60-byte minimum,
 * on real links padding may follow the payload, so upper layers use their own length fields.
 */

/** EtherType values (IEEE registry; `ETH_P_*` in linux/if_ether.h). */
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q VLAN tag protocol identifier; `ETH_P_8021Q`. */
export const ETHERTYPE_VLAN = 0x8100;

/** Destination + source + type (`ETH_HLEN` in linux/if_ether.h). */
export const ETHERNET_HEADER_BYTES = 14;
const VLAN_TAG_BYTES = 4;

export const ETHERNET_BROADCAST = 'ff:ff:ff:ff:ff:ff';

export interface EthernetFrame {
  readonly dst: string;
  readonly src: string;
  /** The EtherType of the payload (after any single 802.1Q tag). */
  readonly etherType: number;
  /** The 802.1Q VLAN id when the frame carried one tag. */
  readonly vlanId?: number;
  /** Everything after the header, including any link padding. */
  readonly payload: Buffer;
}

export type EthernetDecodeReason = 'truncated';

export type EthernetDecodeResult =
  | { readonly ok: true; readonly frame: EthernetFrame }
  | { readonly ok: false; readonly reason: EthernetDecodeReason };

export function decodeEthernetFrame(bytes: Uint8Array): EthernetDecodeResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < ETHERNET_HEADER_BYTES) return { ok: false, reason: 'truncated' };
  let etherType = buf.readUInt16BE(12);
  let offset = ETHERNET_HEADER_BYTES;
  let vlanId: number | undefined;
  if (etherType === ETHERTYPE_VLAN) {
    if (buf.length < ETHERNET_HEADER_BYTES + VLAN_TAG_BYTES) return { ok: false, reason: 'truncated' };
    // IEEE 802.1Q: 3 bits PCP, 1 bit DEI, 12 bits VID, then the inner EtherType.
    vlanId = buf.readUInt16BE(14) & 0x0fff;
    etherType = buf.readUInt16BE(16);
    offset += VLAN_TAG_BYTES;
  }
  const frame: EthernetFrame = {
    dst: formatMac(buf, 0),
    src: formatMac(buf, MAC_ADDRESS_BYTES),
    etherType,
    payload: Buffer.from(buf.subarray(offset)),
    ...(vlanId === undefined ? {} : { vlanId }),
  };
  return { ok: true, frame };
}

/** Builds an untagged frame with no padding (the kernel or NIC pads short frames on real links). */
export function encodeEthernetFrame(dst: string, src: string, etherType: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(ETHERNET_HEADER_BYTES);
  macBytesOrThrow(dst).copy(header, 0);
  macBytesOrThrow(src).copy(header, MAC_ADDRESS_BYTES);
  header.writeUInt16BE(etherType & 0xffff, 12);
  return Buffer.concat([header, payload]);
}

/**
 * The Ethernet destination for an IP destination: multicast groups map to
 * 01:00:5e + low 23 bits (RFC 1112 §6.4) or 33:33 + low 32 bits (RFC 2464 §7);
 * unicast has no fixed mapping (neighbour resolution), so it is `undefined`.
 */
export function multicastMac(ip: string): string | undefined {
  const family = ipFamilyOf(ip);
  if (family === 'ipv4') {
    const b = parseIpv4(ip);
    if (b === undefined || ((b[0] ?? 0) & 0xf0) !== 0xe0) return undefined;
    return formatMac(Buffer.from([0x01, 0x00, 0x5e, (b[1] ?? 0) & 0x7f, b[2] ?? 0, b[3] ?? 0]));
  }
  if (family === 'ipv6') {
    const b = parseIpv6(ip);
    if (b === undefined || b[0] !== 0xff) return undefined;
    return formatMac(Buffer.from([0x33, 0x33, b[12] ?? 0, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0]));
  }
  return undefined;
}

export function macBytesOrThrow(text: string): Buffer {
  const mac = parseMac(text);
  if (mac === undefined) throw new VigilError('VRRP_CODEC_BAD_MAC', `not a MAC address: ${text}`, { mac: text });
  return mac;
}
