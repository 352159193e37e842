import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAdvertFrame, encodeAdvertIpv4Packet, encodeAdvertIpv6Packet } from '../../../../src/vrrp/codec/AdvertCodec.js';
import { encodeEthernetFrame } from '../../../../src/vrrp/codec/EthernetFrame.js';
import { decodeArpFrame, encodeGratuitousArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import { nextIpv4Id } from '../../../../src/vrrp/codec/Ipv4Header.js';
import { decodeNaFrame, encodeUnsolicitedNaFrame } from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { checkReceivedAdvert } from '../../../../src/vrrp/receive/AdvertReceiveCheck.js';
import type { ReceiverInstance } from '../../../../src/vrrp/receive/ReceiverInstance.js';
import { readPcapRecords } from './PcapFile.js';

/** keepalived 2.2.7 captured by us (see test/fixtures/vrrp/keepalived-2.2.7-lab.md); present in every checkout. */
const PCAP = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vrrp/keepalived-2.2.7-lab.pcap');
const frames = readPcapRecords(readFileSync(PCAP));

/** The peer's view of the lab config: same instances, our own address 192.0.2.11. */
const peer = { interface: 'vgcb0', unicastPeers: [], ownAddresses: ['192.0.2.11', 'fe80::ff:fe00:b'], checkUnicastSrc: false };
const INSTANCES: readonly ReceiverInstance[] = [
  { ...peer, name: 'V2PASS', vrid: 51, version: 2, family: 'ipv4', auth: { type: 'PASS', password: 'vigil123' }, advertIntervalMs: 1000, virtualAddresses: ['192.0.2.100'] },
  { ...peer, name: 'V3V4', vrid: 52, version: 3, family: 'ipv4', auth: { type: 'none' }, advertIntervalMs: 1000, virtualAddresses: ['192.0.2.101'] },
  { ...peer, name: 'V3V6', vrid: 53, version: 3, family: 'ipv6', auth: { type: 'none' }, advertIntervalMs: 1000, virtualAddresses: ['2001:db8::53'] },
];

describe('keepalived 2.2.7 lab capture (own fixture)', () => {
  it('holds 30 adverts, 4 gratuitous ARPs and 2 unsolicited NAs', () => {
    expect(frames).toHaveLength(36);
    expect(frames.filter((f) => decodeAdvertFrame(f).ok)).toHaveLength(30);
    expect(frames.filter((f) => decodeArpFrame(f).ok)).toHaveLength(4);
    expect(frames.filter((f) => decodeNaFrame(f).ok)).toHaveLength(2);
  });

  it('accepts every advert for the matching instance, and re-encodes each byte for byte', () => {
    const byInstance = new Map<string, number[]>();
    for (const frame of frames) {
      const r = decodeAdvertFrame(frame);
      if (!r.ok) continue;
      const verdict = checkReceivedAdvert(r, 'vgcb0', INSTANCES);
      if (!verdict.accept) throw new Error(`${verdict.reason}: ${verdict.detail}`);
      expect(verdict.warnings).toEqual([]);
      byInstance.set(verdict.instance.name, [...(byInstance.get(verdict.instance.name) ?? []), r.advert.priority]);
      const packet =
        r.ip.family === 'ipv4'
          ? encodeAdvertIpv4Packet(r.advert, { src: r.ip.src, dst: r.ip.dst, id: r.ip.id })
          : encodeAdvertIpv6Packet(r.advert, { src: r.ip.src, dst: r.ip.dst, flowLabel: r.ip.flowLabel });
      expect(encodeEthernetFrame(r.ethernet.dst, r.ethernet.src, r.ethernet.etherType, packet).toString('hex')).toBe(frame.toString('hex'));
    }
    for (const name of ['V2PASS', 'V3V4', 'V3V6']) {
      expect(byInstance.get(name), name).toEqual([...new Array<number>(9).fill(100), 0]);
    }
  });

  it('numbers each IPv4 instance\u2019s adverts 1, 2, 3... as nextIpv4Id predicts', () => {
    const last = new Map<number, number>();
    for (const frame of frames) {
      const r = decodeAdvertFrame(frame);
      if (!r.ok || r.ip.family !== 'ipv4') continue;
      expect(r.ip.id).toBe(nextIpv4Id(last.get(r.advert.vrid) ?? 0));
      expect(r.ip.dontFragment).toBe(false);
      last.set(r.advert.vrid, r.ip.id);
    }
    expect([...last.values()]).toEqual([10, 10]);
  });

  it('re-encodes the gratuitous ARPs and unsolicited NAs byte for byte', () => {
    let seen = 0;
    for (const frame of frames) {
      const arp = decodeArpFrame(frame);
      if (arp.ok) {
        expect(encodeGratuitousArpFrame({ address: arp.arp.senderIp, senderMac: arp.arp.senderMac })).toEqual(frame);
        seen++;
      }
      const na = decodeNaFrame(frame);
      if (na.ok) {
        expect(na.na).toMatchObject({ target: '2001:db8::53', override: true, solicited: false, router: false, checksumOk: true });
        expect(encodeUnsolicitedNaFrame({ target: na.na.target, mac: na.na.targetMac ?? '', router: na.na.router })).toEqual(frame);
        seen++;
      }
    }
    expect(seen).toBe(6);
  });
});
