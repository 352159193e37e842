import { describe, expect, it } from 'vitest';
import {
  decodeArpBody,
  decodeArpFrame,
  encodeGratuitousArpBody,
  encodeGratuitousArpFrame,
  GratuitousArpCodec,
} from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import {
  decodeNaFrame,
  decodeNaPacket,
  encodeUnsolicitedNaFrame,
  encodeUnsolicitedNaPacket,
  UnsolicitedNaCodec,
} from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { isVigilError } from '../../../../src/core/VigilError.js';
import { bytesOf, GARP_FRAME, NA_ROUTER_FRAME, V3_IPV6 } from '../../../fixtures/vrrp/HandComputedPackets.js';

function expectVigilError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isVigilError(caught, code)).toBe(true);
}

describe('GratuitousArpCodec', () => {
  const fields = { address: '198.51.100.50', senderMac: '02:11:22:33:44:55' };

  it('writes the hand-computed frame: request, SPA = TPA = VIP, THA broadcast, 42 bytes', () => {
    expect(encodeGratuitousArpFrame(fields)).toEqual(bytesOf(GARP_FRAME));
    expect(encodeGratuitousArpBody(fields)).toEqual(bytesOf(GARP_FRAME).subarray(14));
    expect(GratuitousArpCodec.encodeFrame(fields)).toHaveLength(42);
  });

  it('can send from a different frame source (VMAC) and put another THA or op in', () => {
    const frame = encodeGratuitousArpFrame({ ...fields, targetMac: '00:00:00:00:00:00', op: 2 }, '00:00:5e:00:01:07');
    const r = decodeArpFrame(frame);
    expect(r.ok && r.ethernet.src).toBe('00:00:5e:00:01:07');
    expect(r.ok && r.arp).toEqual({
      op: 2,
      senderMac: '02:11:22:33:44:55',
      senderIp: '198.51.100.50',
      targetMac: '00:00:00:00:00:00',
      targetIp: '198.51.100.50',
      gratuitous: true,
    });
  });

  it('decodes padded frames and ARP that is not gratuitous', () => {
    const padded = Buffer.concat([bytesOf(GARP_FRAME), Buffer.alloc(18)]);
    expect(decodeArpFrame(padded).ok).toBe(true);
    const body = Buffer.from(encodeGratuitousArpBody(fields));
    body.writeUInt32BE(0xc6336401, 24);
    const r = decodeArpBody(body);
    expect(r.ok && r.arp.gratuitous).toBe(false);
    expect(r.ok && r.arp.targetIp).toBe('198.51.100.1');
  });

  it('refuses what is not Ethernet/IPv4 ARP, with reason codes', () => {
    expect(decodeArpBody(Buffer.alloc(27))).toEqual({ ok: false, reason: 'truncated' });
    const token = Buffer.from(encodeGratuitousArpBody(fields));
    token.writeUInt16BE(6, 0);
    expect(decodeArpBody(token)).toEqual({ ok: false, reason: 'arp-unsupported-hardware' });
    const v6 = Buffer.from(encodeGratuitousArpBody(fields));
    v6.writeUInt16BE(0x86dd, 2);
    expect(decodeArpBody(v6)).toEqual({ ok: false, reason: 'arp-unsupported-protocol' });
    const notArp = Buffer.from(bytesOf(GARP_FRAME));
    notArp.writeUInt16BE(0x0800, 12);
    expect(decodeArpFrame(notArp)).toEqual({ ok: false, reason: 'not-arp' });
  });

  it('throws typed errors for bad input', () => {
    expectVigilError(() => encodeGratuitousArpBody({ address: '2001:db8::1', senderMac: '02:11:22:33:44:55' }), 'VRRP_CODEC_BAD_ADDRESS');
    expectVigilError(() => encodeGratuitousArpBody({ address: '198.51.100.50', senderMac: 'nope' }), 'VRRP_CODEC_BAD_MAC');
  });
});

describe('UnsolicitedNaCodec', () => {
  const fields = { target: '2001:db8:1::10', mac: '02:11:22:33:44:55', router: true };

  it('writes the hand-computed router NA: R and O set, TLLA option, checksum 0x1272', () => {
    expect(encodeUnsolicitedNaFrame(fields)).toEqual(bytesOf(NA_ROUTER_FRAME));
    expect(encodeUnsolicitedNaPacket(fields)).toEqual(bytesOf(NA_ROUTER_FRAME).subarray(14));
  });

  it('reads it back', () => {
    const r = decodeNaFrame(bytesOf(NA_ROUTER_FRAME));
    if (!r.ok) throw new Error(r.reason);
    expect(r.ethernet.dst).toBe('33:33:00:00:00:01');
    expect(r.ip).toMatchObject({ src: '2001:db8:1::10', dst: 'ff02::1', hopLimit: 255, trafficClass: 0, flowLabel: 0 });
    expect(r.na).toEqual({
      router: true,
      solicited: false,
      override: true,
      target: '2001:db8:1::10',
      targetMac: '02:11:22:33:44:55',
      checksum: 0x1272,
      checksumOk: true,
      unsolicited: true,
    });
  });

  it('clears R for a host, and a changed source changes the checksum', () => {
    const host = decodeNaPacket(encodeUnsolicitedNaPacket({ ...fields, router: false }));
    expect(host.ok && host.na.router).toBe(false);
    expect(host.ok && host.na.checksumOk).toBe(true);
    const fromLinkLocal = encodeUnsolicitedNaPacket({ ...fields, src: 'fe80::1' });
    const r = decodeNaPacket(fromLinkLocal);
    expect(r.ok && r.ip.src).toBe('fe80::1');
    expect(r.ok && r.na.checksumOk).toBe(true);
    expect(r.ok && r.na.checksum).not.toBe(0x1272);
  });

  it('reports a wrong checksum rather than refusing', () => {
    const p = Buffer.from(bytesOf(NA_ROUTER_FRAME).subarray(14));
    p.writeUInt8(p.readUInt8(63) ^ 1, 63); // last byte of the target address
    const r = UnsolicitedNaCodec.decodePacket(p);
    expect(r.ok && r.na.checksumOk).toBe(false);
  });

  it('refuses what is not a well-formed NA, with reason codes', () => {
    const packet = (): Buffer => Buffer.from(bytesOf(NA_ROUTER_FRAME).subarray(14));
    expect(decodeNaPacket(bytesOf(V3_IPV6))).toEqual({ ok: false, reason: 'not-icmpv6' });
    const ns = packet();
    ns[40] = 135;
    expect(decodeNaPacket(ns)).toEqual({ ok: false, reason: 'not-na' });
    const code = packet();
    code[41] = 1;
    expect(decodeNaPacket(code)).toEqual({ ok: false, reason: 'na-malformed' });
    const zeroOption = packet();
    zeroOption[40 + 25] = 0;
    expect(decodeNaPacket(zeroOption)).toEqual({ ok: false, reason: 'na-malformed' });
    const short = packet().subarray(0, 60);
    short.writeUInt16BE(20, 4);
    expect(decodeNaPacket(short)).toEqual({ ok: false, reason: 'truncated' });
    const v4Frame = Buffer.from(bytesOf(NA_ROUTER_FRAME));
    v4Frame.writeUInt16BE(0x0800, 12);
    expect(decodeNaFrame(v4Frame)).toEqual({ ok: false, reason: 'ip-version' });
  });

  it('throws typed errors for bad input', () => {
    expectVigilError(() => encodeUnsolicitedNaPacket({ ...fields, target: '198.51.100.1' }), 'VRRP_CODEC_BAD_ADDRESS');
    expectVigilError(() => encodeUnsolicitedNaFrame({ ...fields, dst: '2001:db8::1' }), 'VRRP_CODEC_BAD_ADDRESS');
  });
});
