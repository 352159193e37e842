import { describe, expect, it } from 'vitest';
import { encodeAdvertIpv4Packet } from '../../../../src/vrrp/codec/AdvertCodec.js';
import { decodeArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import { decodeNaFrame } from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { AnnouncementSender } from '../../../../src/vrrp/runtime/AnnouncementSender.js';
import { decodeIncomingAdvert } from '../../../../src/vrrp/runtime/IncomingAdvertDecoder.js';
import { advertFields } from '../../../../src/vrrp/runtime/OutgoingAdvertFields.js';
import { ReceiveStats } from '../../../../src/vrrp/runtime/ReceiveStats.js';
import type { InstanceVip } from '../../../../src/vrrp/runtime/VipSpecMapping.js';
import { encode } from './SimulatedLan.js';

const pos = { file: 'test.conf', line: 1, col: 1 };

describe('advertFields', () => {
  it('builds VRRPv2 with whole seconds and the zero-padded PASS data', () => {
    const f = advertFields({ version: 2, vrid: 7, addresses: ['192.0.2.1'], authentication: { type: 'PASS', password: 'abc', pos } }, 120, 300);
    expect(f).toMatchObject({ version: 2, vrid: 7, priority: 120, adverIntSec: 3, authType: 1, addresses: ['192.0.2.1'] });
    if (f.version === 2) expect(Buffer.from(f.authData ?? []).toString('hex')).toBe('6162630000000000');
  });

  it('builds VRRPv3 with centiseconds and no auth', () => {
    expect(advertFields({ version: 3, vrid: 7, addresses: [], authentication: null }, 0, 35)).toEqual({
      version: 3,
      vrid: 7,
      priority: 0,
      maxAdverIntCs: 35,
      addresses: [],
    });
  });

  it('refuses to send AH', () => {
    expect(() => advertFields({ version: 2, vrid: 7, addresses: [], authentication: { type: 'AH', password: 'x', pos } }, 1, 100)).toThrow(
      /AH/,
    );
  });
});

describe('decodeIncomingAdvert', () => {
  it('reads an IPv4 datagram with its TTL and an IPv6 payload with its hop limit', () => {
    const v4 = decodeIncomingAdvert(encode({ version: 2, vrid: 1, priority: 100, adverIntSec: 1, authType: 0, addresses: ['192.0.2.9'] }, '192.0.2.1', '224.0.0.18', 5, 254));
    expect(v4.ok && v4.received.ip).toEqual({ family: 'ipv4', src: '192.0.2.1', dst: '224.0.0.18', ttl: 254 });
    const v6 = decodeIncomingAdvert(encode({ version: 3, vrid: 1, priority: 100, maxAdverIntCs: 100, addresses: ['2001:db8::9'] }, 'fe80::1', 'ff02::12'));
    expect(v6.ok && v6.received.advert.addresses).toEqual(['2001:db8::9']);
  });

  it('reports unreadable bytes by reason instead of throwing', () => {
    expect(decodeIncomingAdvert({ kind: 'ipv4-datagram', datagram: Buffer.from([0x45, 0, 0]) })).toEqual({ ok: false, reason: 'truncated' });
    const ok = encodeAdvertIpv4Packet({ version: 2, vrid: 1, priority: 1, adverIntSec: 1, authType: 0, addresses: [] }, { src: '192.0.2.1', dst: '224.0.0.18', id: 1 });
    ok[0] = 0x65;
    expect(decodeIncomingAdvert({ kind: 'ipv4-datagram', datagram: ok }).ok).toBe(false);
    expect(decodeIncomingAdvert({ kind: 'ipv6-payload', payload: Buffer.alloc(2), ip: { family: 'ipv6', src: 'fe80::1%eth0', dst: 'ff02::12', hopLimit: 255 } }).ok).toBe(false);
  });
});

describe('ReceiveStats', () => {
  it('counts every drop once, by instance or by interface, and snapshots a copy', () => {
    const s = new ReceiveStats();
    s.accepted('VI_1', false);
    s.accepted('VI_1', true);
    s.dropped('VI_1', 'eth0', 'ttl');
    s.dropped('VI_1', 'eth0', 'ttl');
    s.dropped(undefined, 'eth0', 'unknown-vrid');
    s.undecoded('eth0', 'truncated');
    s.receiveError('eth0');
    const snap = s.snapshot();
    expect(snap.instances['VI_1']).toEqual({ accepted: 2, vipMismatches: 1, dropped: { ttl: 2 } });
    expect(snap.unmatched).toEqual({ eth0: { 'unknown-vrid': 1 } });
    expect(snap.undecodable).toEqual({ eth0: { truncated: 1 } });
    expect(snap.receiveErrors).toEqual({ eth0: 1 });
    s.dropped('VI_1', 'eth0', 'ttl');
    expect(snap.instances['VI_1']?.dropped.ttl).toBe(2);
    expect(s.drops('VI_1', 'ttl')).toBe(3);
  });
});

describe('AnnouncementSender', () => {
  const vip = (address: string, ifname = 'eth0'): InstanceVip => ({ address, spec: { address, interface: ifname }, excluded: false });

  it('sends `repeat` rounds of one GARP / NA per VIP, spaced by vrrp_garp_interval, and logs each VIP once', async () => {
    const sent: Buffer[] = [];
    const sleeps: number[] = [];
    const lines: string[] = [];
    const sender = new AnnouncementSender(
      'VI_1',
      {
        interfaces: { hardwareAddress: () => '02:00:00:00:00:01', ipv6Forwarding: () => true },
        frameSender: (ifname) => ({ ifname, send: (f) => (sent.push(Buffer.from(f)), Promise.resolve()), close: () => undefined }),
        sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
        log: { debug: () => undefined, info: (_f, m) => lines.push(m), warn: (_f, m) => lines.push(m), error: () => undefined },
      },
      { garpIntervalMs: 20, gnaIntervalMs: 0 },
    );
    expect(await sender.burst([vip('192.0.2.100'), vip('2001:db8::100')], 3, () => true)).toBe(6);
    expect(lines).toEqual([
      '(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100',
      '(VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::100',
    ]);
    const arp = decodeArpFrame(sent[0] ?? Buffer.alloc(0));
    expect(arp.ok && arp.arp).toMatchObject({ op: 1, senderIp: '192.0.2.100', targetIp: '192.0.2.100', targetMac: 'ff:ff:ff:ff:ff:ff', gratuitous: true });
    const na = decodeNaFrame(sent[1] ?? Buffer.alloc(0));
    expect(na.ok && na.na).toMatchObject({ target: '2001:db8::100', router: true, override: true });
    expect(sleeps).toEqual([20, 20]);
  });

  it('stops a burst as soon as the instance no longer wants its VIPs', async () => {
    let sent = 0;
    let wanted = true;
    const sender = new AnnouncementSender(
      'VI_1',
      {
        interfaces: { hardwareAddress: () => '02:00:00:00:00:01', ipv6Forwarding: () => false },
        frameSender: (ifname) => ({
          ifname,
          send: () => {
            if (++sent === 2) wanted = false;
            return Promise.resolve();
          },
          close: () => undefined,
        }),
        sleep: () => Promise.resolve(),
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      },
      { garpIntervalMs: 0, gnaIntervalMs: 0 },
    );
    expect(await sender.burst([vip('192.0.2.100')], 5, () => wanted)).toBe(2);
  });
});
