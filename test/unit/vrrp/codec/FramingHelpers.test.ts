import { describe, expect, it } from 'vitest';
import { decodeEthernetFrame, encodeEthernetFrame, multicastMac } from '../../../../src/vrrp/codec/EthernetFrame.js';
import { checksumVerifies, internetChecksum, onesComplementSum, pseudoHeaderSum } from '../../../../src/vrrp/codec/InternetChecksum.js';
import { parseIpv4, parseIpv6 } from '../../../../src/vrrp/codec/IpAddressBytes.js';
import { decodeIpv4Header, encodeIpv4Header, nextIpv4Id } from '../../../../src/vrrp/codec/Ipv4Header.js';
import { decodeIpv6Header, encodeIpv6Header } from '../../../../src/vrrp/codec/Ipv6Header.js';
import { virtualRouterMac } from '../../../../src/vrrp/codec/VrrpProtocol.js';

describe('InternetChecksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 numerical example', () => {
    // Bytes 00 01 f2 03 f4 f5 f6 f7: the sum is 2ddf0, folded ddf2.
    const data = Buffer.from('0001f203f4f5f6f7', 'hex');
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('pads an odd final byte with zero and verifies a message carrying its checksum', () => {
    expect(onesComplementSum(Buffer.from('01', 'hex'))).toBe(0x0100);
    // A textbook IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum is b861.
    const msg = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
    msg.writeUInt16BE(internetChecksum(msg), 10);
    expect(msg.readUInt16BE(10)).toBe(0xb861);
    expect(checksumVerifies(msg)).toBe(true);
    msg[0] = 0x46;
    expect(checksumVerifies(msg)).toBe(false);
  });

  it('sums an IPv4 pseudo-header as src, dst, 0, protocol, 16-bit length', () => {
    // c000+0201 + e000+0012 + 0070 + 000c = 0x1a28f -> 0xa290
    expect(pseudoHeaderSum('ipv4', parseIpv4('192.0.2.1')!, parseIpv4('224.0.0.18')!, 112, 12)).toBe(0xa290);
  });

  it('sums an IPv6 pseudo-header as src, dst, 32-bit length, zeros, next header', () => {
    // fe80+0001 + ff02+0012 + 0000+0018 + 0070 = 0x1fe1d -> 0xfe1e
    expect(pseudoHeaderSum('ipv6', parseIpv6('fe80::1')!, parseIpv6('ff02::12')!, 112, 24)).toBe(0xfe1e);
  });
});

describe('Ipv4Header', () => {
  it('writes the header keepalived writes and reads it back', () => {
    const h = encodeIpv4Header({ src: '192.0.2.1', dst: '224.0.0.18', protocol: 112, payloadLength: 20, id: 1, ttl: 255, tos: 0xc0, dontFragment: false });
    expect(h.toString('hex')).toBe('45c0002800010000ff701891c0000201e0000012');
    expect(decodeIpv4Header(h)).toEqual({ ok: false, reason: 'truncated' });
    const r = decodeIpv4Header(Buffer.concat([h, Buffer.alloc(20)]));
    expect(r.ok && r.header).toMatchObject({ totalLength: 40, id: 1, ttl: 255, tos: 0xc0, dontFragment: false, headerChecksumOk: true });
  });

  it('sets DF when asked', () => {
    const h = encodeIpv4Header({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 112, payloadLength: 0, id: 7, ttl: 255, tos: 0, dontFragment: true });
    expect(h.readUInt16BE(6)).toBe(0x4000);
    const r = decodeIpv4Header(h);
    expect(r.ok && r.header.dontFragment).toBe(true);
  });

  it('numbers adverts like keepalived: first ID 1, then +1, skipping 0 at the wrap', () => {
    expect(nextIpv4Id(0)).toBe(1);
    expect(nextIpv4Id(1)).toBe(2);
    expect(nextIpv4Id(0xfffe)).toBe(0xffff);
    expect(nextIpv4Id(0xffff)).toBe(1);
  });
});

describe('Ipv6Header', () => {
  it('writes version, traffic class, flow label, length, next header and hop limit', () => {
    const h = encodeIpv6Header({ src: 'fe80::ff:fe00:1', dst: 'ff02::12', nextHeader: 112, payloadLength: 24, hopLimit: 255, trafficClass: 0xc0, flowLabel: 0xa7666 });
    expect(h.subarray(0, 8).toString('hex')).toBe('6c0a7666001870ff');
    const r = decodeIpv6Header(Buffer.concat([h, Buffer.alloc(24)]));
    expect(r.ok && r.header).toMatchObject({ trafficClass: 0xc0, flowLabel: 0xa7666, payloadLength: 24, hopLimit: 255, src: 'fe80::ff:fe00:1', dst: 'ff02::12', upperLayerProtocol: 112 });
  });

  it('refuses an extension header that runs past the payload', () => {
    const h = encodeIpv6Header({ src: 'fe80::1', dst: 'ff02::12', nextHeader: 0, payloadLength: 8, hopLimit: 255, trafficClass: 0, flowLabel: 0 });
    const ext = Buffer.from('7001000000000000', 'hex'); // Hdr Ext Len 1 = 16 bytes, only 8 present
    expect(decodeIpv6Header(Buffer.concat([h, ext]))).toEqual({ ok: false, reason: 'truncated' });
  });
});

describe('EthernetFrame', () => {
  it('maps multicast groups to MACs (RFC 1112 §6.4, RFC 2464 §7) and unicast to none', () => {
    expect(multicastMac('224.0.0.18')).toBe('01:00:5e:00:00:12');
    expect(multicastMac('239.200.1.2')).toBe('01:00:5e:48:01:02');
    expect(multicastMac('ff02::12')).toBe('33:33:00:00:00:12');
    expect(multicastMac('ff02::1')).toBe('33:33:00:00:00:01');
    expect(multicastMac('192.0.2.2')).toBeUndefined();
    expect(multicastMac('2001:db8::1')).toBeUndefined();
  });

  it('gives the RFC 5798 §7.3 virtual router MACs', () => {
    expect(virtualRouterMac('ipv4', 61)).toBe('00:00:5e:00:01:3d');
    expect(virtualRouterMac('ipv6', 1)).toBe('00:00:5e:00:02:01');
  });

  it('reads an 802.1Q tag and the inner EtherType', () => {
    const tagged = Buffer.from('01005e000012' + '020000000001' + '8100' + '2064' + '0800' + 'aabb', 'hex');
    const r = decodeEthernetFrame(tagged);
    expect(r.ok && r.frame).toMatchObject({ etherType: 0x0800, vlanId: 100 });
    expect(r.ok && r.frame.payload.toString('hex')).toBe('aabb');
  });

  it('writes frames without padding and refuses runts', () => {
    expect(encodeEthernetFrame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01', 0x0806, Buffer.alloc(28))).toHaveLength(42);
    expect(decodeEthernetFrame(Buffer.alloc(13))).toEqual({ ok: false, reason: 'truncated' });
  });
});
