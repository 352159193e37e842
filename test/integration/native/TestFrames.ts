import { isIPv4, isIPv6 } from 'node:net';

/**
 * The frames and packets these tests send, built byte by byte here (deliberately not with
 * src/vrrp/codec, so the I/O layer is tested on its own). Layouts: Ethernet (IEEE 802.3
 * §3.1.1), ARP (RFC 826), IPv4 (RFC 791 §3.1), IPv6 (RFC 8200 §3), ICMPv6 NA (RFC 4861
 * §4.4), VRRPv2 (RFC 3768 §5), VRRPv3 (RFC 5798 §5).
 */

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export function ipv4Bytes(address: string): Buffer {
  if (!isIPv4(address)) throw new Error(`not IPv4: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

export function ipv6Bytes(address: string): Buffer {
  if (!isIPv6(address)) throw new Error(`not IPv6: ${address}`);
  const [head = '', tail] = address.split('::');
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const b = Buffer.alloc(16);
  all.forEach((w, i) => b.writeUInt16BE(w, i * 2));
  return b;
}

function onesComplementSum(chunks: readonly Uint8Array[]): number {
  let sum = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i += 2) sum += ((c[i] ?? 0) << 8) | (c[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(chunks: readonly Uint8Array[]): number {
  return ~onesComplementSum(chunks) & 0xffff;
}

/** IPv6 upper-layer pseudo-header (RFC 8200 §8.1). */
function ipv6PseudoHeader(src: string, dst: string, length: number, nextHeader: number): Buffer {
  const b = Buffer.alloc(40);
  ipv6Bytes(src).copy(b, 0);
  ipv6Bytes(dst).copy(b, 16);
  b.writeUInt32BE(length, 32);
  b[39] = nextHeader;
  return b;
}

function ethernet(dst: string, src: string, etherType: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  macBytes(dst).copy(h, 0);
  macBytes(src).copy(h, 6);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, payload]);
}

/** keepalived's gratuitous ARP: broadcast REQUEST, sender = target = the address, THA broadcast. */
export function gratuitousArpFrame(mac: string, address: string): Buffer {
  const arp = Buffer.alloc(28);
  arp.writeUInt16BE(1, 0); // hardware: Ethernet
  arp.writeUInt16BE(0x0800, 2); // protocol: IPv4
  arp[4] = 6;
  arp[5] = 4;
  arp.writeUInt16BE(1, 6); // REQUEST
  macBytes(mac).copy(arp, 8);
  ipv4Bytes(address).copy(arp, 14);
  macBytes('ff:ff:ff:ff:ff:ff').copy(arp, 18);
  ipv4Bytes(address).copy(arp, 24);
  return ethernet('ff:ff:ff:ff:ff:ff', mac, 0x0806, arp);
}

/** Unsolicited NA for `target` to ff02::1 with the Override flag and a target link-layer option. */
export function unsolicitedNaFrame(mac: string, target: string): Buffer {
  const icmp = Buffer.alloc(32);
  icmp[0] = 136; // Neighbor Advertisement
  icmp.writeUInt32BE(0x20000000, 4); // R=0 S=0 O=1
  ipv6Bytes(target).copy(icmp, 8);
  icmp[24] = 2; // Target Link-Layer Address
  icmp[25] = 1; // 8 octets
  macBytes(mac).copy(icmp, 26);
  const dst = 'ff02::1';
  icmp.writeUInt16BE(internetChecksum([ipv6PseudoHeader(target, dst, icmp.length, 58), icmp]), 2);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255; // RFC 4861 §7.1.2: receivers drop NAs with any other hop limit
  ipv6Bytes(target).copy(ip, 8);
  ipv6Bytes(dst).copy(ip, 24);
  return ethernet('33:33:00:00:00:01', mac, 0x86dd, Buffer.concat([ip, icmp]));
}

export interface VrrpV3Fields {
  vrid: number;
  priority: number;
  maxAdverIntCs?: number;
  addresses: readonly string[];
}

/** VRRPv3 for IPv6, checksum over the pseudo-header of `src` -> `dst` (RFC 5798 §5.2.8). */
export function vrrpV3Payload(fields: VrrpV3Fields, src: string, dst: string, withChecksum = true): Buffer {
  const b = Buffer.alloc(8 + 16 * fields.addresses.length);
  b[0] = 0x31; // version 3, type 1 (advertisement)
  b[1] = fields.vrid;
  b[2] = fields.priority;
  b[3] = fields.addresses.length;
  b.writeUInt16BE((fields.maxAdverIntCs ?? 100) & 0x0fff, 4);
  fields.addresses.forEach((a, i) => ipv6Bytes(a).copy(b, 8 + 16 * i));
  if (withChecksum) b.writeUInt16BE(internetChecksum([ipv6PseudoHeader(src, dst, b.length, 112), b]), 6);
  return b;
}

export function vrrpV3ChecksumOk(payload: Buffer, src: string, dst: string): boolean {
  return onesComplementSum([ipv6PseudoHeader(src, dst, payload.length, 112), payload]) === 0xffff;
}

export interface VrrpV2DatagramFields {
  src: string;
  dst: string;
  ttl: number;
  vrid: number;
  priority: number;
  vip: string;
}

/**
 * A whole IPv4 datagram carrying a VRRPv2 advert without authentication. ID and header
 * checksum are left 0 for the kernel to fill in (raw(7), IP_HDRINCL).
 */
export function vrrpV2Datagram(f: VrrpV2DatagramFields): Buffer {
  const vrrp = Buffer.alloc(8 + 4 + 8);
  vrrp[0] = 0x21; // version 2, type 1
  vrrp[1] = f.vrid;
  vrrp[2] = f.priority;
  vrrp[3] = 1; // one address
  vrrp[4] = 0; // auth type none
  vrrp[5] = 1; // advert interval 1 s
  ipv4Bytes(f.vip).copy(vrrp, 8);
  vrrp.writeUInt16BE(internetChecksum([vrrp]), 6);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip[1] = 0xc0;
  ip.writeUInt16BE(ip.length + vrrp.length, 2);
  ip[8] = f.ttl;
  ip[9] = 112;
  ipv4Bytes(f.src).copy(ip, 12);
  ipv4Bytes(f.dst).copy(ip, 16);
  return Buffer.concat([ip, vrrp]);
}

export function ipv4HeaderChecksumOk(datagram: Buffer): boolean {
  const ihl = ((datagram[0] ?? 0) & 0x0f) * 4;
  return onesComplementSum([datagram.subarray(0, ihl)]) === 0xffff;
}
