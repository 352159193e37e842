import { describe, expect, it } from 'vitest';
import {
  AdvertCodec,
  decodeAdvertFrame,
  decodeAdvertPacket,
  decodeAdvertPayload,
  encodeAdvertIpv4Packet,
  encodeAdvertIpv6Packet,
  encodeAdvertPayload,
} from '../../../../src/vrrp/codec/AdvertCodec.js';
import { encodeEthernetFrame, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../../../../src/vrrp/codec/EthernetFrame.js';
import { internetChecksum } from '../../../../src/vrrp/codec/InternetChecksum.js';
import { passwordAuthData, type AdvertFields, type AdvertPacketDecodeResult } from '../../../../src/vrrp/codec/VrrpAdvert.js';
import { isVigilError } from '../../../../src/core/VigilError.js';
import {
  bytesOf,
  V2_AH,
  V2_NOAUTH_PRIO0_TWO_VIPS,
  V2_PASS,
  V2_PASS_WITH_IP_OPTION,
  V2_UNICAST,
  V3_IPV4,
  V3_IPV4_CHECKSUM_AS_V2,
  V3_IPV6,
  V3_IPV6_HOP_BY_HOP,
} from '../../../fixtures/vrrp/HandComputedPackets.js';

const V2_PASS_FIELDS: AdvertFields = {
  version: 2,
  vrid: 7,
  priority: 120,
  adverIntSec: 2,
  authType: 1,
  authData: passwordAuthData('secret'),
  addresses: ['198.51.100.50'],
};
const V3_IPV4_FIELDS: AdvertFields = { version: 3, vrid: 9, priority: 200, maxAdverIntCs: 100, addresses: ['203.0.113.100'] };
const V3_IPV6_FIELDS: AdvertFields = { version: 3, vrid: 10, priority: 100, maxAdverIntCs: 100, addresses: ['2001:db8:1::10'] };

function decodeOk(bytes: Buffer): Extract<AdvertPacketDecodeResult, { ok: true }> {
  const r = decodeAdvertPacket(bytes);
  if (!r.ok) throw new Error(`expected a decode, got ${r.reason}`);
  return r;
}

function reasonOf(bytes: Buffer): string {
  const r = decodeAdvertPacket(bytes);
  return r.ok ? 'ok' : r.reason;
}

/** Rewrites the IPv4 header checksum after a test edits the header. */
function fixIpv4Checksum(packet: Buffer): Buffer {
  const ihl = (packet[0]! & 0x0f) * 4;
  packet.writeUInt16BE(0, 10);
  packet.writeUInt16BE(internetChecksum(packet, 0, ihl), 10);
  return packet;
}

function expectVigilError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isVigilError(caught, code), `expected VigilError ${code}, got ${String(caught)}`).toBe(true);
}

describe('AdvertCodec decoding hand-computed packets', () => {
  it('reads a VRRPv2 PASS advert field by field', () => {
    const r = decodeOk(bytesOf(V2_PASS));
    expect(r.ip).toMatchObject({ family: 'ipv4', src: '198.51.100.10', dst: '224.0.0.18', ttl: 255, tos: 0xc0, id: 1, protocol: 112 });
    expect(r.ip.family === 'ipv4' && r.ip.headerChecksumOk).toBe(true);
    expect(r.advert).toMatchObject({
      version: 2,
      type: 1,
      vrid: 7,
      priority: 120,
      authType: 1,
      auth: 'PASS',
      password: 'secret',
      adverIntSec: 2,
      checksum: 0xff42,
      addresses: ['198.51.100.50'],
      length: 20,
      trailingBytes: 0,
      family: 'ipv4',
    });
    expect(r.advert.checksumMatch.messageOnly).toBe(true);
    expect(r.ah).toBeUndefined();
  });

  it('reads a VRRPv2 no-auth priority-0 advert with two addresses', () => {
    const r = decodeOk(bytesOf(V2_NOAUTH_PRIO0_TWO_VIPS));
    expect(r.advert).toMatchObject({ version: 2, vrid: 8, priority: 0, auth: 'none', addresses: ['198.51.100.60', '198.51.100.61'] });
    expect(r.advert.version === 2 && r.advert.password).toBeUndefined();
    expect(r.ip.family === 'ipv4' && r.ip.id).toBe(0x0102);
  });

  it('reports which VRRPv3 IPv4 checksum computation matches', () => {
    const standard = decodeOk(bytesOf(V3_IPV4)).advert;
    expect(standard).toMatchObject({ version: 3, vrid: 9, priority: 200, maxAdverIntCs: 100, reserved: 0, checksum: 0xad9a });
    expect(standard.checksumMatch).toEqual({ messageOnly: false, withPseudoHeader: true });
    const asV2 = decodeOk(bytesOf(V3_IPV4_CHECKSUM_AS_V2)).advert;
    expect(asV2.checksumMatch).toEqual({ messageOnly: true, withPseudoHeader: false });
  });

  it('reads a VRRPv3 IPv6 advert and its header', () => {
    const r = decodeOk(bytesOf(V3_IPV6));
    expect(r.ip).toMatchObject({ family: 'ipv6', src: 'fe80::1', dst: 'ff02::12', hopLimit: 255, trafficClass: 0xc0, flowLabel: 0 });
    expect(r.advert).toMatchObject({ version: 3, family: 'ipv6', addresses: ['2001:db8:1::10'], checksum: 0x3ea7, length: 24 });
    expect(r.advert.checksumMatch.withPseudoHeader).toBe(true);
  });

  it('skips IPv4 options using IHL', () => {
    const r = decodeOk(bytesOf(V2_PASS_WITH_IP_OPTION));
    expect(r.ip.family === 'ipv4' && r.ip.headerLength).toBe(24);
    expect(r.ip.family === 'ipv4' && r.ip.options.toString('hex')).toBe('94040000');
    expect(r.advert).toEqual(decodeOk(bytesOf(V2_PASS)).advert);
  });

  it('walks an IPv6 Hop-by-Hop header to the VRRP message', () => {
    const r = decodeOk(bytesOf(V3_IPV6_HOP_BY_HOP));
    expect(r.ip.family === 'ipv6' && r.ip.extensionHeaders).toEqual([0]);
    expect(r.ip.family === 'ipv6' && r.ip.upperLayerOffset).toBe(48);
    expect(r.advert).toEqual(decodeOk(bytesOf(V3_IPV6)).advert);
  });

  it('recognises VRRPv2 behind IPsec AH and reports it as auth AH', () => {
    const r = decodeOk(bytesOf(V2_AH));
    expect(r.ip.family === 'ipv4' && r.ip.protocol).toBe(51);
    expect(r.ah).toEqual({
      nextHeader: 112,
      length: 24,
      reserved: 0,
      spi: 0xc633640a,
      sequence: 3,
      icv: Buffer.from('0102030405060708090a0b0c', 'hex'),
    });
    expect(r.advert).toMatchObject({ version: 2, auth: 'AH', authType: 2, vrid: 12, addresses: ['198.51.100.80'] });
    expect(r.advert.checksumMatch.messageOnly).toBe(true);
  });

  it('ignores Ethernet padding after the IP total length', () => {
    const padded = Buffer.concat([bytesOf(V3_IPV4), Buffer.alloc(14)]);
    const r = decodeOk(padded);
    expect(r.advert.trailingBytes).toBe(0);
    expect(r.advert.checksumMatch.withPseudoHeader).toBe(true);
  });

  it('decodes an unpadded and a padded frame alike', () => {
    const packet = bytesOf(V3_IPV4);
    const frame = encodeEthernetFrame('01:00:5e:00:00:12', '02:00:00:00:00:09', ETHERTYPE_IPV4, packet);
    expect(frame).toHaveLength(46);
    const short = decodeAdvertFrame(frame);
    const padded = decodeAdvertFrame(Buffer.concat([frame, Buffer.alloc(14)]));
    expect(short.ok && padded.ok).toBe(true);
    if (short.ok && padded.ok) expect(padded.advert).toEqual(short.advert);
  });

  it('counts bytes inside the IP payload beyond the message as trailing', () => {
    const grown = Buffer.concat([bytesOf(V3_IPV4), Buffer.from('deadbeef', 'hex')]);
    grown.writeUInt16BE(grown.length, 2);
    const r = decodeOk(fixIpv4Checksum(grown));
    expect(r.advert.trailingBytes).toBe(4);
    expect(r.advert.length).toBe(12);
    expect(r.advert.checksumMatch.withPseudoHeader).toBe(true);
  });

  it('decodes a bare IPv6 payload with the addresses a socket reports', () => {
    const payload = bytesOf(V3_IPV6).subarray(40);
    const ip = { family: 'ipv6' as const, src: 'fe80::1', dst: 'ff02::12', hopLimit: 255 };
    const r = decodeAdvertPayload(payload, ip);
    expect(r.ok && r.ip).toEqual(ip);
    expect(r.ok && r.advert.checksumMatch.withPseudoHeader).toBe(true);
    const wrongDst = decodeAdvertPayload(payload, { ...ip, dst: 'ff02::1' });
    expect(wrongDst.ok && wrongDst.advert.checksumMatch.withPseudoHeader).toBe(false);
  });

  it('throws a typed error when the payload endpoints are not of the stated family', () => {
    expectVigilError(
      () => decodeAdvertPayload(Buffer.alloc(12), { family: 'ipv6', src: '192.0.2.1', dst: 'ff02::12', hopLimit: 255 }),
      'VRRP_CODEC_BAD_ADDRESS',
    );
  });
});

describe('AdvertCodec decode refusals, one reason code per defect', () => {
  const v4 = (): Buffer => Buffer.from(bytesOf(V2_PASS));
  const v6 = (): Buffer => Buffer.from(bytesOf(V3_IPV6));

  it('truncated: shorter than the IP header, the total length, the VRRP header, or the address list', () => {
    expect(reasonOf(Buffer.alloc(0))).toBe('truncated');
    expect(reasonOf(v4().subarray(0, 19))).toBe('truncated');
    expect(reasonOf(v4().subarray(0, 39))).toBe('truncated');
    expect(reasonOf(v6().subarray(0, 39))).toBe('truncated');
    expect(reasonOf(v6().subarray(0, 63))).toBe('truncated');
    const shortVrrp = v4().subarray(0, 26);
    shortVrrp.writeUInt16BE(26, 2);
    expect(reasonOf(fixIpv4Checksum(shortVrrp))).toBe('truncated');
    const tooManyAddresses = v4();
    tooManyAddresses[23] = 3;
    expect(reasonOf(tooManyAddresses)).toBe('truncated');
  });

  it('ip-version: neither 4 nor 6, or an EtherType that disagrees', () => {
    const p = v4();
    p[0] = 0x55;
    expect(reasonOf(p)).toBe('ip-version');
    const frame = encodeEthernetFrame('01:00:5e:00:00:12', '02:00:00:00:00:09', 0x86dd, v4());
    expect(decodeAdvertFrame(frame)).toEqual({ ok: false, reason: 'ip-version' });
  });

  it('ip-header-length: IHL below 5', () => {
    const p = v4();
    p[0] = 0x44;
    expect(reasonOf(p)).toBe('ip-header-length');
  });

  it('ip-total-length: IPv4 total length below the header, IPv6 payload length 0', () => {
    const p = v4();
    p.writeUInt16BE(16, 2);
    expect(reasonOf(fixIpv4Checksum(p))).toBe('ip-total-length');
    const q = v6();
    q.writeUInt16BE(0, 4);
    expect(reasonOf(q)).toBe('ip-total-length');
  });

  it('ip-header-checksum: a header byte changed after the checksum was computed', () => {
    const p = v4();
    p[8] = 254;
    expect(reasonOf(p)).toBe('ip-header-checksum');
  });

  it('ip-fragment: IPv4 More Fragments or an offset, IPv6 Fragment header', () => {
    const mf = v4();
    mf.writeUInt16BE(0x2000, 6);
    expect(reasonOf(fixIpv4Checksum(mf))).toBe('ip-fragment');
    const offset = v4();
    offset.writeUInt16BE(0x0001, 6);
    expect(reasonOf(fixIpv4Checksum(offset))).toBe('ip-fragment');
    const q = Buffer.from(bytesOf(V3_IPV6_HOP_BY_HOP));
    q[6] = 44;
    expect(reasonOf(q)).toBe('ip-fragment');
  });

  it('unsupported-extension-header: AH or ESP over IPv6, Hop-by-Hop not first', () => {
    const ah = Buffer.from(bytesOf(V3_IPV6_HOP_BY_HOP));
    ah[6] = 51;
    expect(reasonOf(ah)).toBe('unsupported-extension-header');
    const esp = Buffer.from(bytesOf(V3_IPV6_HOP_BY_HOP));
    esp[6] = 50;
    expect(reasonOf(esp)).toBe('unsupported-extension-header');
    const late = Buffer.from(bytesOf(V3_IPV6_HOP_BY_HOP));
    late[6] = 60; // Destination Options first ...
    late[40] = 0; // ... then Hop-by-Hop
    expect(reasonOf(late)).toBe('unsupported-extension-header');
  });

  it('not-vrrp: another IP protocol, or AH carrying something else', () => {
    const tcp = v4();
    tcp[9] = 6;
    expect(reasonOf(fixIpv4Checksum(tcp))).toBe('not-vrrp');
    const ahTcp = Buffer.from(bytesOf(V2_AH));
    ahTcp[20] = 6;
    expect(reasonOf(ahTcp)).toBe('not-vrrp');
    const icmp6 = v6();
    icmp6[6] = 58;
    expect(reasonOf(icmp6)).toBe('not-vrrp');
    const arpFrame = encodeEthernetFrame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:09', ETHERTYPE_ARP, Buffer.alloc(28));
    expect(decodeAdvertFrame(arpFrame)).toEqual({ ok: false, reason: 'not-vrrp' });
  });

  it('ah-malformed: an AH length that runs past the packet', () => {
    const p = Buffer.from(bytesOf(V2_AH));
    p[21] = 40;
    expect(reasonOf(p)).toBe('ah-malformed');
  });

  it('unsupported-version: VRRP version other than 2 or 3, or VRRPv2 over IPv6', () => {
    const v1 = v4();
    v1[20] = 0x11;
    expect(reasonOf(v1)).toBe('unsupported-version');
    const v2In6 = v6();
    v2In6[40] = 0x21;
    expect(reasonOf(v2In6)).toBe('unsupported-version');
  });
});

describe('AdvertCodec encoding', () => {
  it('writes the hand-computed VRRPv2 packets, PASS and no-auth', () => {
    expect(encodeAdvertIpv4Packet(V2_PASS_FIELDS, { src: '198.51.100.10', dst: '224.0.0.18', id: 1 })).toEqual(bytesOf(V2_PASS));
    const noauth: AdvertFields = { version: 2, vrid: 8, priority: 0, adverIntSec: 1, authType: 0, addresses: ['198.51.100.60', '198.51.100.61'] };
    expect(encodeAdvertIpv4Packet(noauth, { src: '198.51.100.10', dst: '224.0.0.18', id: 0x0102 })).toEqual(bytesOf(V2_NOAUTH_PRIO0_TWO_VIPS));
  });

  it('writes a unicast advert with the peer as destination', () => {
    const fields: AdvertFields = { ...V2_PASS_FIELDS, vrid: 11, priority: 150, adverIntSec: 1, authData: passwordAuthData('pw'), addresses: ['198.51.100.70'] };
    expect(encodeAdvertIpv4Packet(fields, { src: '198.51.100.10', dst: '198.51.100.11', id: 1 })).toEqual(bytesOf(V2_UNICAST));
  });

  it('writes VRRPv3 over IPv4 with the pseudo-header, or without it for v3_checksum_as_v2', () => {
    const endpoints = { src: '203.0.113.1', dst: '224.0.0.18', id: 1 };
    expect(encodeAdvertIpv4Packet(V3_IPV4_FIELDS, endpoints)).toEqual(bytesOf(V3_IPV4));
    expect(encodeAdvertIpv4Packet(V3_IPV4_FIELDS, { ...endpoints, v3ChecksumAsV2: true })).toEqual(bytesOf(V3_IPV4_CHECKSUM_AS_V2));
  });

  it('writes VRRPv3 over IPv6 with the IPv6 pseudo-header; v3ChecksumAsV2 does not apply to IPv6', () => {
    const endpoints = { src: 'fe80::1', dst: 'ff02::12' };
    expect(encodeAdvertIpv6Packet(V3_IPV6_FIELDS, endpoints)).toEqual(bytesOf(V3_IPV6));
    expect(encodeAdvertPayload(V3_IPV6_FIELDS, endpoints, { v3ChecksumAsV2: true })).toEqual(bytesOf(V3_IPV6).subarray(40));
  });

  it('accepts non-canonical address spellings', () => {
    const fields: AdvertFields = { ...V3_IPV6_FIELDS, addresses: ['2001:DB8:1:0:0:0:0:0010'] };
    expect(encodeAdvertIpv6Packet(fields, { src: 'FE80:0::1', dst: 'ff02:0:0::12' })).toEqual(bytesOf(V3_IPV6));
  });

  it('round-trips every hand-computed advert through decode and encode', () => {
    for (const packet of [V2_PASS, V2_NOAUTH_PRIO0_TWO_VIPS, V3_IPV4, V3_IPV6, V2_UNICAST]) {
      const r = decodeOk(bytesOf(packet));
      const re =
        r.ip.family === 'ipv4'
          ? AdvertCodec.encodeIpv4Packet(r.advert, { src: r.ip.src, dst: r.ip.dst, id: r.ip.id, tos: r.ip.tos, ttl: r.ip.ttl })
          : AdvertCodec.encodeIpv6Packet(r.advert, { src: r.ip.src, dst: r.ip.dst, trafficClass: r.ip.trafficClass, flowLabel: r.ip.flowLabel });
      expect(re.toString('hex'), packet.name).toBe(packet.hex);
    }
  });

  it('keeps the VRRPv3 reserved bits and a non-advert type when asked (for receiver tests)', () => {
    const payload = encodeAdvertPayload({ ...V3_IPV4_FIELDS, reserved: 0xa, type: 2 }, { src: '203.0.113.1', dst: '224.0.0.18' });
    expect(payload[0]).toBe(0x32);
    expect(payload.readUInt16BE(4)).toBe(0xa064);
  });

  it('zero-pads and truncates PASS data to 8 bytes', () => {
    expect(passwordAuthData('uni').toString('hex')).toBe('756e690000000000');
    expect(passwordAuthData('longer-than-8').toString('latin1')).toBe('longer-t');
    expect(passwordAuthData('')).toEqual(Buffer.alloc(8));
  });

  it('refuses what it cannot write, with typed errors', () => {
    const v4 = { src: '198.51.100.10', dst: '224.0.0.18' };
    expectVigilError(() => encodeAdvertPayload(V2_PASS_FIELDS, { src: 'fe80::1', dst: 'ff02::12' }), 'VRRP_CODEC_UNSUPPORTED');
    expectVigilError(() => encodeAdvertPayload({ ...V2_PASS_FIELDS, vrid: 256 }, v4), 'VRRP_CODEC_FIELD_RANGE');
    expectVigilError(() => encodeAdvertPayload({ ...V2_PASS_FIELDS, priority: -1 }, v4), 'VRRP_CODEC_FIELD_RANGE');
    expectVigilError(() => encodeAdvertPayload({ ...V3_IPV4_FIELDS, maxAdverIntCs: 4096 }, v4), 'VRRP_CODEC_FIELD_RANGE');
    expectVigilError(() => encodeAdvertPayload({ ...V2_PASS_FIELDS, authData: Buffer.alloc(7) }, v4), 'VRRP_CODEC_FIELD_RANGE');
    expectVigilError(() => encodeAdvertPayload({ ...V3_IPV4_FIELDS, addresses: ['2001:db8::1'] }, v4), 'VRRP_CODEC_BAD_ADDRESS');
    expectVigilError(() => encodeAdvertPayload(V3_IPV4_FIELDS, { src: '198.51.100.10', dst: 'ff02::12' }), 'VRRP_CODEC_BAD_ADDRESS');
    expectVigilError(
      () => encodeAdvertIpv4Packet({ ...V2_PASS_FIELDS, authType: 2 }, { ...v4, id: 1 }),
      'VRRP_CODEC_UNSUPPORTED',
    );
    expectVigilError(() => encodeAdvertIpv4Packet(V2_PASS_FIELDS, { ...v4, id: 0x10000 }), 'VRRP_CODEC_FIELD_RANGE');
  });
});
