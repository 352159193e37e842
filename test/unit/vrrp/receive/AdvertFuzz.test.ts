import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeAdvertFrame,
  decodeAdvertPacket,
  decodeAdvertPayload,
  encodeAdvertIpv4Packet,
  encodeAdvertIpv6Packet,
  encodeAdvertPayload,
} from '../../../../src/vrrp/codec/AdvertCodec.js';
import { multicastMac } from '../../../../src/vrrp/codec/EthernetFrame.js';
import { ARP_DECODE_REASONS, decodeArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import { internetChecksum, pseudoHeaderSum } from '../../../../src/vrrp/codec/InternetChecksum.js';
import { NA_DECODE_REASONS, decodeNaFrame } from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { ADVERT_DECODE_REASONS, type DecodedAdvertPacket } from '../../../../src/vrrp/codec/VrrpAdvert.js';
import { checkReceivedAdvert } from '../../../../src/vrrp/receive/AdvertReceiveCheck.js';
import { RECEIVE_DROP_REASONS } from '../../../../src/vrrp/receive/ReceiveCheckResult.js';
import type { ReceiverInstance } from '../../../../src/vrrp/receive/ReceiverInstance.js';
import { ADVERT_PACKETS, bytesOf, GARP_FRAME, NA_ROUTER_FRAME } from '../../../fixtures/vrrp/HandComputedPackets.js';
import { hex, loadGoldenVectors } from '../codec/GoldenVectors.js';
import { readPcapRecords } from '../codec/PcapFile.js';
import { SeededRandom } from './SeededRandom.js';

/**
 * Deterministic fuzzing of decode + receive checks. Every seed packet (the hand-computed
 * fixtures, plus the keepalived captures when ../shared is present) is mutated with a
 * seeded PRNG: bit flips, byte sets, truncation, extension, word/byte swaps, and field
 * edits with the checksums recomputed (so the receive checks, not just the checksums,
 * see the change). Invariants:
 * - nothing throws;
 * - a refusal carries one of the documented reason codes;
 * - a decode is self-consistent (address count and lengths agree with the bytes);
 * - an accepted advert re-encodes to exactly the input bytes.
 */

const DECODE_REASONS = new Set<string>(ADVERT_DECODE_REASONS);
const DROP_REASONS = new Set<string>(RECEIVE_DROP_REASONS);
const ARP_REASONS = new Set<string>(ARP_DECODE_REASONS);
const NA_REASONS = new Set<string>(NA_DECODE_REASONS);

const FUZZ_SEED = 0x7669_6731; // "vig1"
const MUTATIONS_PER_SEED = 1200;

interface SeedPacket {
  readonly name: string;
  /** IP packet for adverts; undefined for ARP (no IP layer). */
  readonly l3?: Buffer;
  /** Ethernet frame, when the seed has one. */
  readonly frame?: Buffer;
}

const golden = loadGoldenVectors();
/** Our own keepalived capture: the first frame of each kind (v2, v3/IPv4, v3/IPv6 advert, GARP, NA). */
const lab = readPcapRecords(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vrrp/keepalived-2.2.7-lab.pcap')));

function labKind(frame: Buffer): string {
  const etherType = frame.readUInt16BE(12);
  // The lab's IPv4 headers have no options, so the VRID is at 14 + 20 + 1; IPv6 Next Header is at 14 + 6.
  if (etherType === 0x0800) return `ipv4 vrid ${frame[35]}`;
  if (etherType === 0x86dd) return `ipv6 next header ${frame[20]}`;
  return `ethertype ${etherType}`;
}
const labFirsts = lab.filter((frame, i) => lab.findIndex((other) => labKind(other) === labKind(frame)) === i);

const SEEDS: readonly SeedPacket[] = [
  ...ADVERT_PACKETS.map((p) => ({ name: `hand:${p.name}`, l3: bytesOf(p) })),
  { name: 'hand:garp', frame: bytesOf(GARP_FRAME) },
  { name: 'hand:na', frame: bytesOf(NA_ROUTER_FRAME), l3: bytesOf(NA_ROUTER_FRAME).subarray(14) },
  ...labFirsts.map((frame, i) => ({ name: `lab:${i}`, frame, ...(frame.readUInt16BE(12) === 0x0806 ? {} : { l3: frame.subarray(14) }) })),
  ...golden.map((v) => ({
    name: `golden:${v.name}`,
    frame: hex(v.frame_hex),
    ...(v.decoded.kind === 'arp' ? {} : { l3: hex(v.l3_hex) }),
  })),
];

/** An instance configured exactly for the unmutated advert, so mutations are judged against a match. */
function instanceFor(p: DecodedAdvertPacket): ReceiverInstance {
  const a = p.advert;
  const unicast = multicastMac(p.ip.dst) === undefined;
  return {
    name: 'fuzz',
    interface: 'eth0',
    vrid: a.vrid,
    version: a.version,
    family: a.family,
    auth:
      a.version === 3 || a.auth === 'none'
        ? { type: 'none' }
        : a.auth === 'AH'
          ? { type: 'AH' }
          : { type: 'PASS', password: a.password ?? '' },
    advertIntervalMs: a.version === 2 ? a.adverIntSec * 1000 : a.maxAdverIntCs * 10,
    virtualAddresses: a.addresses,
    unicastPeers: unicast ? [p.ip.src] : [],
    ownAddresses: [a.family === 'ipv4' ? '203.0.113.254' : '2001:db8:ffff::1'],
    checkUnicastSrc: true,
    v3ChecksumAsV2: a.version === 3 && a.family === 'ipv4' && a.checksumMatch.messageOnly && !a.checksumMatch.withPseudoHeader,
  };
}

/**
 * Recomputes the VRRP and IPv4 header checksums after a field edit, from the raw layout
 * (IHL, AH length, Count IP Addrs); leaves the buffer alone where the layout no longer fits.
 */
function refreshChecksums(buf: Buffer, messageOnlyV3: boolean): void {
  if (buf.length < 1) return;
  const ipVersion = (buf[0] ?? 0) >> 4;
  let start: number;
  let family: 'ipv4' | 'ipv6';
  let src: Buffer;
  let dst: Buffer;
  if (ipVersion === 4) {
    const ihl = ((buf[0] ?? 0) & 0x0f) * 4;
    if (ihl < 20 || buf.length < ihl) return;
    family = 'ipv4';
    src = buf.subarray(12, 16);
    dst = buf.subarray(16, 20);
    start = ihl + (buf[9] === 51 ? ((buf[ihl + 1] ?? 0) + 2) * 4 : 0);
  } else if (ipVersion === 6) {
    if (buf.length < 40) return;
    family = 'ipv6';
    src = buf.subarray(8, 24);
    dst = buf.subarray(24, 40);
    start = 40;
  } else {
    return;
  }
  if (start + 8 <= buf.length) {
    const version = (buf[start] ?? 0) >> 4;
    const size = family === 'ipv4' ? 4 : 16;
    const length = 8 + (buf[start + 3] ?? 0) * size + (version === 2 ? 8 : 0);
    if (start + length <= buf.length) {
      buf.writeUInt16BE(0, start + 6);
      const pseudo = version === 3 && !(family === 'ipv4' && messageOnlyV3) ? pseudoHeaderSum(family, src, dst, 112, length) : 0;
      buf.writeUInt16BE(internetChecksum(buf, start, start + length, pseudo), start + 6);
    }
  }
  if (family === 'ipv4') {
    const ihl = ((buf[0] ?? 0) & 0x0f) * 4;
    buf.writeUInt16BE(0, 10);
    buf.writeUInt16BE(internetChecksum(buf, 0, ihl), 10);
  }
}

/** A cheap assertion for the hot loop (vitest's expect costs more than the decode). */
function invariant(ok: boolean, label: string, what: string): void {
  if (!ok) throw new Error(`${label}: ${what}`);
}

function sameBytes(actual: Buffer, expected: Buffer, label: string, what: string): void {
  invariant(actual.equals(expected), label, `${what}: ${actual.toString('hex')} != ${expected.toString('hex')}`);
}

type Mutation = (buf: Buffer, rng: SeededRandom, messageOnlyV3: boolean) => Buffer;

const MUTATIONS: readonly Mutation[] = [
  function flipBits(buf, rng) {
    const out = Buffer.from(buf);
    for (let n = rng.between(1, 4); n > 0 && out.length > 0; n--) {
      const at = rng.below(out.length);
      out[at] = (out[at] ?? 0) ^ (1 << rng.below(8));
    }
    return out;
  },
  function setByte(buf, rng) {
    const out = Buffer.from(buf);
    if (out.length > 0) out[rng.below(out.length)] = rng.below(256);
    return out;
  },
  function truncate(buf, rng) {
    return Buffer.from(buf.subarray(0, rng.below(buf.length)));
  },
  function extend(buf, rng) {
    return Buffer.concat([buf, rng.bytes(rng.between(1, 32))]);
  },
  function swapWords(buf, rng) {
    // Swapping aligned 16-bit words keeps one's complement sums, so these survive checksums.
    const out = Buffer.from(buf);
    const words = Math.floor(out.length / 2);
    if (words < 2) return out;
    const a = rng.below(words) * 2;
    const b = rng.below(words) * 2;
    const wa = out.readUInt16BE(a);
    out.writeUInt16BE(out.readUInt16BE(b), a);
    out.writeUInt16BE(wa, b);
    return out;
  },
  function swapBytes(buf, rng) {
    const out = Buffer.from(buf);
    if (out.length < 2) return out;
    const a = rng.below(out.length);
    const b = rng.below(out.length);
    const va = out[a] ?? 0;
    out[a] = out[b] ?? 0;
    out[b] = va;
    return out;
  },
  function editFieldKeepChecksums(buf, rng, messageOnlyV3) {
    const out = Buffer.from(buf);
    if (out.length === 0) return out;
    out[rng.below(out.length)] = rng.below(256);
    refreshChecksums(out, messageOnlyV3);
    return out;
  },
];

function mutate(buf: Buffer, rng: SeededRandom, messageOnlyV3: boolean): Buffer {
  let out = buf;
  for (let n = rng.between(1, 3); n > 0; n--) out = rng.pick(MUTATIONS)(out, rng, messageOnlyV3);
  return out;
}

interface FuzzStats {
  inputs: number;
  decoded: number;
  accepted: number;
  decodeReasons: Set<string>;
  dropReasons: Set<string>;
}

/** Decode + receive-check one IP packet and assert the invariants. */
function exerciseIpPacket(input: Buffer, instance: ReceiverInstance | undefined, stats: FuzzStats, label: string): void {
  stats.inputs++;
  const r = decodeAdvertPacket(input);
  if (!r.ok) {
    invariant(DECODE_REASONS.has(r.reason), label, `unknown decode reason ${r.reason}`);
    stats.decodeReasons.add(r.reason);
    return;
  }
  stats.decoded++;
  const { advert, ip } = r;
  const size = advert.family === 'ipv4' ? 4 : 16;
  const vrrpStart = ip.family === 'ipv4' ? ip.headerLength + (r.ah?.length ?? 0) : ip.upperLayerOffset;
  const ipEnd = ip.family === 'ipv4' ? ip.totalLength : 40 + ip.payloadLength;
  // Self-consistency of the decode with the bytes it came from.
  invariant(advert.addresses.length === input[vrrpStart + 3], label, 'address count');
  invariant(advert.length === 8 + advert.addresses.length * size + (advert.version === 2 ? 8 : 0), label, 'message length');
  invariant(vrrpStart + advert.length + advert.trailingBytes === ipEnd, label, 'trailing bytes');
  invariant(advert.version === (input[vrrpStart] ?? 0) >> 4, label, 'version');
  invariant(advert.checksum === input.readUInt16BE(vrrpStart + 6), label, 'checksum field');
  if (instance === undefined) return;

  const verdict = checkReceivedAdvert(r, 'eth0', [instance]);
  if (!verdict.accept) {
    invariant(DROP_REASONS.has(verdict.reason), label, `unknown drop reason ${verdict.reason}`);
    stats.dropReasons.add(verdict.reason);
    return;
  }
  stats.accepted++;
  // Accepted: writing the advert back gives the very bytes received.
  const options = { v3ChecksumAsV2: instance.v3ChecksumAsV2 === true };
  const message = encodeAdvertPayload(advert, { src: ip.src, dst: ip.dst }, options);
  sameBytes(message, input.subarray(vrrpStart, vrrpStart + advert.length), label, 're-encoded message');
  const reservedFlag = ip.family === 'ipv4' && (input.readUInt16BE(6) & 0x8000) !== 0;
  if (ip.family === 'ipv4' && r.ah === undefined && ip.options.length === 0 && !reservedFlag) {
    const packet = encodeAdvertIpv4Packet(advert, { ...options, src: ip.src, dst: ip.dst, id: ip.id, ttl: ip.ttl, tos: ip.tos, dontFragment: ip.dontFragment });
    sameBytes(packet, input.subarray(0, ip.totalLength), label, 're-encoded IPv4 packet');
  }
  if (ip.family === 'ipv6' && ip.extensionHeaders.length === 0) {
    const packet = encodeAdvertIpv6Packet(advert, { src: ip.src, dst: ip.dst, hopLimit: ip.hopLimit, trafficClass: ip.trafficClass, flowLabel: ip.flowLabel });
    sameBytes(packet, input.subarray(0, ipEnd), label, 're-encoded IPv6 packet');
    // The raw-socket path (payload only) must agree with the whole-packet path.
    const viaPayload = decodeAdvertPayload(input.subarray(ip.upperLayerOffset, ipEnd), { family: 'ipv6', src: ip.src, dst: ip.dst, hopLimit: ip.hopLimit });
    invariant(viaPayload.ok && JSON.stringify(viaPayload.advert) === JSON.stringify(advert), label, 'payload decode differs');
  }
}

/** Frames go through the advert, ARP and NA decoders; none may throw or invent a reason. */
function exerciseFrame(input: Buffer, label: string): void {
  const advert = decodeAdvertFrame(input);
  if (!advert.ok) invariant(DECODE_REASONS.has(advert.reason), label, `unknown decode reason ${advert.reason}`);
  const arp = decodeArpFrame(input);
  if (!arp.ok) invariant(ARP_REASONS.has(arp.reason), label, `unknown ARP reason ${arp.reason}`);
  else invariant(arp.arp.gratuitous === (arp.arp.senderIp === arp.arp.targetIp), label, 'gratuitous flag');
  const na = decodeNaFrame(input);
  if (!na.ok) invariant(NA_REASONS.has(na.reason), label, `unknown NA reason ${na.reason}`);
  else invariant(na.na.unsolicited === !na.na.solicited, label, 'unsolicited flag');
}

describe('advert decode + receive-check fuzz', () => {
  it(`survives ${MUTATIONS_PER_SEED} seeded mutations of each of ${SEEDS.length} seed packets`, () => {
    expect(labFirsts.map(labKind)).toEqual(['ipv4 vrid 51', 'ethertype 2054', 'ipv6 next header 112', 'ipv6 next header 58', 'ipv4 vrid 52']);
    const rng = new SeededRandom(FUZZ_SEED);
    const stats: FuzzStats = { inputs: 0, decoded: 0, accepted: 0, decodeReasons: new Set(), dropReasons: new Set() };
    for (const seed of SEEDS) {
      const original = seed.l3 === undefined ? undefined : decodeAdvertPacket(seed.l3);
      const instance = original?.ok ? instanceFor(original) : undefined;
      const messageOnlyV3 = instance?.v3ChecksumAsV2 === true;
      if (seed.l3 !== undefined && instance !== undefined) {
        // The unmutated advert must pass for the instance built from it.
        expect(checkReceivedAdvert(original as DecodedAdvertPacket, 'eth0', [instance]).accept, seed.name).toBe(true);
      }
      for (let i = 0; i < MUTATIONS_PER_SEED; i++) {
        const label = `${seed.name} mutation #${i} (seed 0x${FUZZ_SEED.toString(16)})`;
        if (seed.l3 !== undefined) exerciseIpPacket(mutate(seed.l3, rng, messageOnlyV3), instance, stats, label);
        if (seed.frame !== undefined) exerciseFrame(mutate(seed.frame, rng, messageOnlyV3), label);
      }
    }
    // The mutations reach every layer: decode refusals, receive drops, and acceptances.
    expect(stats.accepted).toBeGreaterThan(SEEDS.length);
    expect(stats.decoded).toBeGreaterThan(stats.accepted);
    for (const reason of ['truncated', 'ip-header-checksum', 'unsupported-version']) expect([...stats.decodeReasons]).toContain(reason);
    for (const reason of ['bad-checksum', 'unknown-vrid', 'length-mismatch', 'ttl']) expect([...stats.dropReasons]).toContain(reason);
  });
});
