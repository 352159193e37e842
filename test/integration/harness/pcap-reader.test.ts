import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  LINKTYPE_ETHERNET,
  parseEthernetHeader,
  parsePcap,
} from '../../support/netns/index.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/harness/arp-and-ping.pcap', import.meta.url));

/** A classic pcap file built by hand: header plus one record per frame. */
function pcapOf(frames: { sec: number; frac: number; data: Buffer }[], opts: { bigEndian: boolean; nanos: boolean }): Buffer {
  const w32 = (b: Buffer, v: number, off: number): number => (opts.bigEndian ? b.writeUInt32BE(v, off) : b.writeUInt32LE(v, off));
  const w16 = (b: Buffer, v: number, off: number): number => (opts.bigEndian ? b.writeUInt16BE(v, off) : b.writeUInt16LE(v, off));
  const header = Buffer.alloc(24);
  w32(header, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(header, 2, 4);
  w16(header, 4, 6);
  w32(header, 65535, 16);
  w32(header, LINKTYPE_ETHERNET, 20);
  const records = frames.map((f) => {
    const r = Buffer.alloc(16);
    w32(r, f.sec, 0);
    w32(r, f.frac, 4);
    w32(r, f.data.length, 8);
    w32(r, f.data.length, 12);
    return Buffer.concat([r, f.data]);
  });
  return Buffer.concat([header, ...records]);
}

const FRAME = Buffer.from('ffffffffffff020000000001080600010800060400010200000000' + '01c0000201000000000000c0000202', 'hex');

describe('PcapReader', () => {
  it('reads a real tcpdump capture: ARP request and reply, ICMP echo request and reply', () => {
    const pcap = parsePcap(readFileSync(FIXTURE));
    expect(pcap.linkType).toBe(LINKTYPE_ETHERNET);
    const headers = pcap.frames.map((f) => parseEthernetHeader(f.data));
    expect(headers.map((h) => h?.etherType)).toEqual([ETHERTYPE_ARP, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV4]);
    expect(headers[0]).toMatchObject({ source: '02:00:00:00:00:01', destination: 'ff:ff:ff:ff:ff:ff' });
    expect(headers[1]).toMatchObject({ source: '02:00:00:00:00:02', destination: '02:00:00:00:00:01' });
    // ICMP type 8 (echo request) then 0 (echo reply), after a 20-byte IPv4 header.
    expect(headers[2]?.payload[20]).toBe(8);
    expect(headers[3]?.payload[20]).toBe(0);
    // tcpdump printed 1795254297.343373 for the first frame.
    expect(pcap.frames[0]?.timestampNs).toBe(1_795_254_297_343_373_000n);
    expect(pcap.frames.every((f) => f.originalLength === f.data.length)).toBe(true);
  });

  it('reads big-endian files with nanosecond timestamps', () => {
    const pcap = parsePcap(pcapOf([{ sec: 10, frac: 123_456_789, data: FRAME }], { bigEndian: true, nanos: true }));
    expect(pcap.frames).toHaveLength(1);
    expect(pcap.frames[0]?.timestampNs).toBe(10_123_456_789n);
    expect(pcap.frames[0]?.data.equals(FRAME)).toBe(true);
  });

  it('scales microsecond timestamps to nanoseconds', () => {
    const pcap = parsePcap(pcapOf([{ sec: 1, frac: 999_999, data: FRAME }], { bigEndian: false, nanos: false }));
    expect(pcap.frames[0]?.timestampNs).toBe(1_999_999_000n);
  });

  it('drops a record cut short at the end of the file', () => {
    const full = pcapOf(
      [
        { sec: 1, frac: 0, data: FRAME },
        { sec: 2, frac: 0, data: FRAME },
      ],
      { bigEndian: false, nanos: true },
    );
    expect(parsePcap(full.subarray(0, full.length - 5)).frames).toHaveLength(1);
  });

  it('rejects pcapng, short files and impossible sub-second fields', () => {
    const pcapng = Buffer.from('0a0d0d0a' + '00'.repeat(28), 'hex');
    expect(() => parsePcap(pcapng)).toThrow(/pcapng/);
    expect(() => parsePcap(Buffer.alloc(10))).toThrow(/shorter/);
    const badFrac = pcapOf([{ sec: 1, frac: 2_000_000, data: FRAME }], { bigEndian: false, nanos: false });
    try {
      parsePcap(badFrac);
      expect.unreachable();
    } catch (e) {
      expect(isVigilError(e, 'PCAP_MALFORMED')).toBe(true);
    }
  });
});

describe('parseEthernetHeader', () => {
  it('looks through an 802.1Q tag', () => {
    const tagged = Buffer.concat([FRAME.subarray(0, 12), Buffer.from('81000064', 'hex'), FRAME.subarray(12)]);
    expect(parseEthernetHeader(tagged)).toMatchObject({ vlanId: 100, etherType: ETHERTYPE_ARP });
    expect(parseEthernetHeader(Buffer.alloc(13))).toBeUndefined();
  });
});
