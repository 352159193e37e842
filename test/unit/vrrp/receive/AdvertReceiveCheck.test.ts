import { afterAll, describe, expect, it } from 'vitest';
import { decodeAdvertPacket, decodeAdvertPayload, encodeAdvertIpv4Packet, encodeAdvertIpv6Packet } from '../../../../src/vrrp/codec/AdvertCodec.js';
import { internetChecksum } from '../../../../src/vrrp/codec/InternetChecksum.js';
import { passwordAuthData, type AdvertFields, type DecodedAdvertPacket } from '../../../../src/vrrp/codec/VrrpAdvert.js';
import { checkReceivedAdvert } from '../../../../src/vrrp/receive/AdvertReceiveCheck.js';
import { RECEIVE_DROP_REASONS, type ReceiveCheckResult, type ReceivedAdvert } from '../../../../src/vrrp/receive/ReceiveCheckResult.js';
import type { ReceiverInstance } from '../../../../src/vrrp/receive/ReceiverInstance.js';
import {
  bytesOf,
  V2_AH,
  V2_PASS,
  V2_UNICAST,
  V3_IPV4,
  V3_IPV4_CHECKSUM_AS_V2,
  V3_IPV6,
  type HandPacket,
} from '../../../fixtures/vrrp/HandComputedPackets.js';
import { GOLDEN_VECTORS_PRESENT, hex, loadGoldenVectors } from '../codec/GoldenVectors.js';

/** The instance V2_PASS was written for: VRID 7, PASS "secret", 2 s, VIP 198.51.100.50. */
const V2_INSTANCE: ReceiverInstance = {
  name: 'VI_7',
  interface: 'eth0',
  vrid: 7,
  version: 2,
  family: 'ipv4',
  auth: { type: 'PASS', password: 'secret' },
  advertIntervalMs: 2000,
  virtualAddresses: ['198.51.100.50'],
  unicastPeers: [],
  ownAddresses: ['198.51.100.1'],
  checkUnicastSrc: false,
};
const V3_INSTANCE: ReceiverInstance = {
  ...V2_INSTANCE,
  name: 'VI_9',
  vrid: 9,
  version: 3,
  auth: { type: 'none' },
  advertIntervalMs: 1000,
  virtualAddresses: ['203.0.113.100'],
  ownAddresses: ['203.0.113.2'],
};
const V3_IPV6_INSTANCE: ReceiverInstance = {
  ...V3_INSTANCE,
  name: 'VI_10',
  vrid: 10,
  family: 'ipv6',
  virtualAddresses: ['2001:db8:1::10'],
  ownAddresses: ['fe80::2'],
};
const UNICAST_INSTANCE: ReceiverInstance = {
  ...V2_INSTANCE,
  name: 'VI_11',
  vrid: 11,
  auth: { type: 'PASS', password: 'pw' },
  advertIntervalMs: 1000,
  virtualAddresses: ['198.51.100.70'],
  unicastPeers: ['198.51.100.10'],
  ownAddresses: ['198.51.100.11'],
  checkUnicastSrc: true,
};
const AH_INSTANCE: ReceiverInstance = {
  ...V2_INSTANCE,
  name: 'VI_12',
  vrid: 12,
  auth: { type: 'AH' },
  advertIntervalMs: 1000,
  virtualAddresses: ['198.51.100.80'],
};

const V2_FIELDS: AdvertFields = {
  version: 2,
  vrid: 7,
  priority: 120,
  adverIntSec: 2,
  authType: 1,
  authData: passwordAuthData('secret'),
  addresses: ['198.51.100.50'],
};
const V2_ENDPOINTS = { src: '198.51.100.10', dst: '224.0.0.18', id: 1 };

const reasonsSeen = new Set<string>();

function decoded(bytes: Buffer): DecodedAdvertPacket {
  const r = decodeAdvertPacket(bytes);
  if (!r.ok) throw new Error(`fixture does not decode: ${r.reason}`);
  return r;
}

function check(received: ReceivedAdvert | HandPacket | Buffer, instances: readonly ReceiverInstance[], iface = 'eth0'): ReceiveCheckResult {
  const packet = Buffer.isBuffer(received) ? decoded(received) : 'hex' in received ? decoded(bytesOf(received)) : received;
  const result = checkReceivedAdvert(packet, iface, instances);
  if (!result.accept) reasonsSeen.add(result.reason);
  return result;
}

function expectDrop(result: ReceiveCheckResult, reason: string): void {
  expect(result.accept ? 'accepted' : result.reason).toBe(reason);
}

function expectAccept(result: ReceiveCheckResult): asserts result is Extract<ReceiveCheckResult, { accept: true }> {
  expect(result.accept ? 'accepted' : `${result.reason}: ${result.detail}`).toBe('accepted');
}

describe('checkReceivedAdvert', () => {
  afterAll(() => {
    // Every drop reason is a counter; every one must have been produced by a test above.
    expect([...reasonsSeen].sort()).toEqual([...RECEIVE_DROP_REASONS].sort());
  });

  it('accepts a well-formed advert for the instance and says which instance it is for', () => {
    const r = check(V2_PASS, [V3_INSTANCE, V2_INSTANCE]);
    expectAccept(r);
    expect(r.instance.name).toBe('VI_7');
    expect(r.advert.priority).toBe(120);
    expect(r.warnings).toEqual([]);
  });

  describe('unknown-vrid', () => {
    it('drops a VRID configured on no instance, or only on another interface or family', () => {
      expectDrop(check(V2_PASS, [V3_INSTANCE]), 'unknown-vrid');
      expectDrop(check(V2_PASS, [V2_INSTANCE], 'eth1'), 'unknown-vrid');
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, family: 'ipv6' }]), 'unknown-vrid');
      const r = check(V2_PASS, []);
      expect(!r.accept && r.instance).toBeUndefined();
    });
  });

  describe('ttl', () => {
    it('drops IPv4 TTL other than 255 and names the instance for its counter', () => {
      const r = check(encodeAdvertIpv4Packet(V2_FIELDS, { ...V2_ENDPOINTS, ttl: 254 }), [V2_INSTANCE]);
      expectDrop(r, 'ttl');
      expect(!r.accept && r.instance?.name).toBe('VI_7');
    });

    it('drops an IPv6 hop limit other than 255', () => {
      const fields: AdvertFields = { version: 3, vrid: 10, priority: 100, maxAdverIntCs: 100, addresses: ['2001:db8:1::10'] };
      expectDrop(check(encodeAdvertIpv6Packet(fields, { src: 'fe80::1', dst: 'ff02::12', hopLimit: 64 }), [V3_IPV6_INSTANCE]), 'ttl');
      expectAccept(check(encodeAdvertIpv6Packet(fields, { src: 'fe80::1', dst: 'ff02::12' }), [V3_IPV6_INSTANCE]));
    });

    it('does not check TTL for unicast instances, as keepalived (peers may be routed)', () => {
      const routed = encodeAdvertIpv4Packet(
        { ...V2_FIELDS, vrid: 11, priority: 150, adverIntSec: 1, authData: passwordAuthData('pw'), addresses: ['198.51.100.70'] },
        { src: '198.51.100.10', dst: '198.51.100.11', id: 1, ttl: 62 },
      );
      expectAccept(check(routed, [UNICAST_INSTANCE]));
    });
  });

  describe('version-mismatch', () => {
    it('drops v2 for a v3 instance and v3 for a v2 instance', () => {
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, version: 3 }]), 'version-mismatch');
      expectDrop(check(V3_IPV4, [{ ...V3_INSTANCE, version: 2 }]), 'version-mismatch');
    });
  });

  describe('invalid-type', () => {
    it('drops any type other than 1 (ADVERTISEMENT)', () => {
      expectDrop(check(encodeAdvertIpv4Packet({ ...V2_FIELDS, type: 2 }, V2_ENDPOINTS), [V2_INSTANCE]), 'invalid-type');
      expectDrop(check(encodeAdvertIpv4Packet({ ...V2_FIELDS, type: 0 }, V2_ENDPOINTS), [V2_INSTANCE]), 'invalid-type');
    });
  });

  describe('length-mismatch', () => {
    it('drops an advert whose IP payload runs past the addresses it counts', () => {
      const grown = Buffer.concat([bytesOf(V2_PASS), Buffer.alloc(4)]);
      grown.writeUInt16BE(grown.length, 2);
      grown.writeUInt16BE(0, 10);
      grown.writeUInt16BE(internetChecksum(grown, 0, 20), 10);
      const r = check(grown, [V2_INSTANCE]);
      expectDrop(r, 'length-mismatch');
      expect(!r.accept && r.detail).toContain('4 bytes beyond');
    });
  });

  describe('bad-checksum', () => {
    it('drops a VRRPv2 message whose checksum does not verify', () => {
      const bad = Buffer.from(bytesOf(V2_PASS));
      bad.writeUInt16BE(0xff41, 26);
      expectDrop(check(bad, [V2_INSTANCE]), 'bad-checksum');
    });

    it('wants the pseudo-header for VRRPv3 unless the instance uses v3_checksum_as_v2, and says which one the sender used', () => {
      const asV2 = check(V3_IPV4_CHECKSUM_AS_V2, [V3_INSTANCE]);
      expectDrop(asV2, 'bad-checksum');
      expect(!asV2.accept && asV2.detail).toContain('uses v3_checksum_as_v2');
      expectAccept(check(V3_IPV4_CHECKSUM_AS_V2, [{ ...V3_INSTANCE, v3ChecksumAsV2: true }]));
      const standard = check(V3_IPV4, [{ ...V3_INSTANCE, v3ChecksumAsV2: true }]);
      expectDrop(standard, 'bad-checksum');
      expect(!standard.accept && standard.detail).toContain('does not use v3_checksum_as_v2');
      expectAccept(check(V3_IPV4, [V3_INSTANCE]));
    });

    it('checks the IPv6 pseudo-header against the addresses the socket reported', () => {
      const payload = bytesOf(V3_IPV6).subarray(40);
      const wrong = decodeAdvertPayload(payload, { family: 'ipv6', src: 'fe80::9', dst: 'ff02::12', hopLimit: 255 });
      if (!wrong.ok) throw new Error(wrong.reason);
      expectDrop(check(wrong, [V3_IPV6_INSTANCE]), 'bad-checksum');
      const right = decodeAdvertPayload(payload, { family: 'ipv6', src: 'fe80::1', dst: 'ff02::12', hopLimit: 255 });
      if (!right.ok) throw new Error(right.reason);
      expectAccept(check(right, [V3_IPV6_INSTANCE]));
    });
  });

  describe('own-packet', () => {
    it('drops an advert sent from one of our own addresses, whatever its spelling', () => {
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, ownAddresses: ['198.51.100.1', '198.51.100.10'] }]), 'own-packet');
      expectDrop(check(V3_IPV6, [{ ...V3_IPV6_INSTANCE, ownAddresses: ['FE80:0::1'] }]), 'own-packet');
    });
  });

  describe('unicast-peer-unknown', () => {
    it('with vrrp_check_unicast_src, drops a unicast advert from a non-peer', () => {
      const strangers = { ...UNICAST_INSTANCE, unicastPeers: ['198.51.100.12'] };
      expectDrop(check(V2_UNICAST, [strangers]), 'unicast-peer-unknown');
      expectAccept(check(V2_UNICAST, [{ ...strangers, checkUnicastSrc: false }]));
      expectAccept(check(V2_UNICAST, [UNICAST_INSTANCE]));
    });
  });

  describe('auth-type-mismatch', () => {
    it('drops PASS for a no-auth instance and none for a PASS instance', () => {
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, auth: { type: 'none' } }]), 'auth-type-mismatch');
      const none = encodeAdvertIpv4Packet({ ...V2_FIELDS, authType: 0, authData: Buffer.alloc(8) }, V2_ENDPOINTS);
      expectDrop(check(none, [V2_INSTANCE]), 'auth-type-mismatch');
      expectAccept(check(none, [{ ...V2_INSTANCE, auth: { type: 'none' } }]));
    });

    it('accepts AH only behind an AH header with auth type 2, without checking the ICV', () => {
      expectAccept(check(V2_AH, [AH_INSTANCE]));
      expectDrop(check(V2_AH, [{ ...AH_INSTANCE, auth: { type: 'PASS', password: 'x' } }]), 'auth-type-mismatch');
      // Auth Type 2 in a plain protocol-112 packet: the AH header is missing.
      const bare = decoded(bytesOf(V2_AH));
      expectDrop(check({ advert: bare.advert, ip: bare.ip }, [AH_INSTANCE]), 'auth-type-mismatch');
    });
  });

  describe('auth-fail', () => {
    it('drops a PASS advert whose 8 bytes differ from our zero-padded password', () => {
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, auth: { type: 'PASS', password: 'secreT' } }]), 'auth-fail');
      expectDrop(check(V2_PASS, [{ ...V2_INSTANCE, auth: { type: 'PASS', password: 'secret1' } }]), 'auth-fail');
    });

    it('compares only the first 8 bytes of a longer configured password, as keepalived does', () => {
      const long = encodeAdvertIpv4Packet({ ...V2_FIELDS, authData: passwordAuthData('longpass-and-more') }, V2_ENDPOINTS);
      expectAccept(check(long, [{ ...V2_INSTANCE, auth: { type: 'PASS', password: 'longpass-ignored' } }]));
    });
  });

  describe('advert-interval-mismatch', () => {
    it('drops a VRRPv2 advert whose Adver Int differs from ours', () => {
      const r = check(V2_PASS, [{ ...V2_INSTANCE, advertIntervalMs: 1000 }]);
      expectDrop(r, 'advert-interval-mismatch');
      expect(!r.accept && r.detail).toContain('mine=1000 ms received=2000 ms');
    });

    it('accepts a VRRPv3 advert with another interval: backups learn the master\u2019s', () => {
      const r = check(V3_IPV4, [{ ...V3_INSTANCE, advertIntervalMs: 3000 }]);
      expectAccept(r);
      expect(r.advert.version === 3 && r.advert.maxAdverIntCs).toBe(100);
    });
  });

  describe('vip-mismatch is a warning, not a drop', () => {
    it('accepts an advert with an extra address and names it', () => {
      const two = encodeAdvertIpv4Packet({ ...V2_FIELDS, addresses: ['198.51.100.50', '198.51.100.51'] }, V2_ENDPOINTS);
      const r = check(two, [V2_INSTANCE]);
      expectAccept(r);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatchObject({ code: 'vip-mismatch', missing: [], unexpected: ['198.51.100.51'] });
      expect(r.warnings[0]?.message).toContain('advert has 2 addresses, we have 1');
    });

    it('accepts an advert missing one of ours', () => {
      const r = check(V2_PASS, [{ ...V2_INSTANCE, virtualAddresses: ['198.51.100.50', '198.51.100.52'] }]);
      expectAccept(r);
      expect(r.warnings[0]).toMatchObject({ code: 'vip-mismatch', missing: ['198.51.100.52'], unexpected: [] });
    });

    it('does not warn for the same set in another order or spelling', () => {
      const two = encodeAdvertIpv4Packet({ ...V2_FIELDS, addresses: ['198.51.100.51', '198.51.100.50'] }, V2_ENDPOINTS);
      expectAccept(check(two, [{ ...V2_INSTANCE, virtualAddresses: ['198.51.100.50', '198.51.100.51'] }]));
      const v6 = check(V3_IPV6, [{ ...V3_IPV6_INSTANCE, virtualAddresses: ['2001:DB8:1:0::0010'] }]);
      expectAccept(v6);
      expect(v6.warnings).toEqual([]);
    });

    it('warns when the count differs even if the set is the same (a duplicated address)', () => {
      const dup = encodeAdvertIpv4Packet({ ...V2_FIELDS, addresses: ['198.51.100.50', '198.51.100.50'] }, V2_ENDPOINTS);
      const r = check(dup, [V2_INSTANCE]);
      expectAccept(r);
      expect(r.warnings[0]?.code).toBe('vip-mismatch');
    });
  });

  describe.skipIf(!GOLDEN_VECTORS_PRESENT)('keepalived golden vectors', () => {
    const vectors = new Map(loadGoldenVectors().map((v) => [v.name, v]));
    const dir2: ReceiverInstance = {
      name: 'VI_1',
      interface: 'veth-dir2',
      vrid: 51,
      version: 2,
      family: 'ipv4',
      auth: { type: 'PASS', password: 'kadtest1' },
      advertIntervalMs: 1000,
      virtualAddresses: ['192.0.2.100'],
      unicastPeers: [],
      ownAddresses: ['192.0.2.2'],
      checkUnicastSrc: false,
    };

    it('keeps dir2 a backup after dir1 reloads with a second VIP (keepalived dropped it: split brain)', () => {
      const v = vectors.get('v2_adv_pass_prio160_2vips');
      const r = check(hex(v!.l3_hex), [dir2], 'veth-dir2');
      expectAccept(r);
      expect(r.advert.priority).toBe(160);
      expect(r.warnings[0]).toMatchObject({ code: 'vip-mismatch', unexpected: ['192.0.2.101'] });
    });

    it('accepts the master\u2019s adverts and drops dir2\u2019s own looped-back ones', () => {
      expectAccept(check(hex(vectors.get('v2_adv_pass_prio150')!.l3_hex), [dir2], 'veth-dir2'));
      expectDrop(check(hex(vectors.get('v2_adv_pass_prio100_dir2')!.l3_hex), [dir2], 'veth-dir2'), 'own-packet');
    });

    it('drops the no-auth advert sent after the broken reload as an auth type mismatch', () => {
      expectDrop(check(hex(vectors.get('v2_adv_noauth_prio255_broken_reload')!.l3_hex), [dir2], 'veth-dir2'), 'auth-type-mismatch');
    });
  });
});
