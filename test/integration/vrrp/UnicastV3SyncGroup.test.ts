import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAdvertFrame } from '../../../src/vrrp/codec/AdvertCodec.js';
import { decodeNaFrame } from '../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { hasNetnsSupport } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, linkLocalOf, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VRRP unicast/v3/sync tests: ${support.reason}`);

const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

describe.skipIf(!support.ok && !mustRun)('Vigil over unicast, VRRPv3 over IPv6, and sync groups', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await bed.stopAll(5_000);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const start = (host: string, config: string): DaemonHandle => {
    return bed.startVigil(host, config);
  };

  it('elects over unicast: adverts go from unicast_src_ip to the peer, never to 224.0.0.18', async () => {
    const unicast = (self: number, peer: number): string =>
      `unicast_src_ip 192.0.2.${self}\n    unicast_peer {\n        192.0.2.${peer}\n    }`;
    const capture = await bed.capture('unicast', ['vrrp']);
    const d1 = start('d1', configText(instanceText({ priority: 150, extra: unicast(1, 2) })));
    const d2 = start('d2', configText(instanceText({ priority: 100, extra: unicast(2, 1) })));
    await bed.waitSoleHolder('192.0.2.100', 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await new Promise((r) => setTimeout(r, 2_000));
    await bed.crash(d1);
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    const pcap = await capture.stop();
    const adverts = pcap.frames.map((f) => decodeAdvertFrame(f.data)).filter((r) => r.ok);
    expect(adverts.length).toBeGreaterThan(2);
    for (const a of adverts) {
      if (!a.ok) continue;
      expect(a.ip.dst).not.toBe('224.0.0.18');
      expect(`${a.ip.src}>${a.ip.dst}`).toMatch(/^(192\.0\.2\.1>192\.0\.2\.2|192\.0\.2\.2>192\.0\.2\.1)$/);
    }
  });

  it('runs VRRPv3 over IPv6: link-local source, ff02::12, hop limit 255, IPv6 VIP without DAD, unsolicited NAs', async () => {
    const v6 = (priority: number): string => configText(instanceText({ priority, version: 3, advertInt: '0.5', vip: '2001:db8::100/64' }));
    const capture = await bed.capture('v3v6', ['ip6', 'and', '(ip6', 'proto', '112', 'or', 'icmp6)']);
    const d1 = start('d1', v6(150));
    const d2 = start('d2', v6(100));
    await bed.waitSoleHolder('2001:db8::100', 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    // No DAD: the VIP is usable at once (not tentative).
    const r = await bed.topology.exec('d1', ['ip', '-6', 'addr', 'show', 'dev', 'eth0', 'tentative']);
    expect(r.stdout).not.toContain('2001:db8::100');
    await bed.stop(d1);
    await bed.waitSoleHolder('2001:db8::100', 'd2', HOSTS, WAIT_MS);
    const pcap = await capture.stop();
    const adverts = pcap.frames.map((f) => decodeAdvertFrame(f.data)).filter((x) => x.ok);
    const fromD1 = adverts.filter((a) => a.ok && a.ip.src === linkLocalOf(1));
    expect(fromD1.length).toBeGreaterThan(0);
    for (const a of fromD1) {
      if (!a.ok || a.ip.family !== 'ipv6') continue;
      expect(a.ip.dst).toBe('ff02::12');
      expect(a.ip.hopLimit).toBe(255);
      expect(a.advert).toMatchObject({ version: 3, vrid: 51, addresses: ['2001:db8::100'] });
      expect(a.advert.checksumMatch.withPseudoHeader).toBe(true);
    }
    expect(fromD1.some((a) => a.ok && a.advert.priority === 0)).toBe(true);
    const nas = pcap.frames.map((f) => decodeNaFrame(f.data)).filter((x) => x.ok && x.na.target === '2001:db8::100');
    expect(nas.length).toBeGreaterThanOrEqual(5);
  });

  it('moves a sync group of two instances together', async () => {
    const group = 'vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n';
    const config = (priority: number): string =>
      configText(group + instanceText({ priority }) + instanceText({ name: 'VI_2', vrid: 52, priority, vip: '192.0.2.101/24' }));
    const d1 = start('d1', config(150));
    const d2 = start('d2', config(100));
    await bed.waitSoleHolder('192.0.2.100', 'd1', HOSTS, WAIT_MS);
    await bed.waitSoleHolder('192.0.2.101', 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_2\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await bed.stop(d1);
    await bed.waitSoleHolder('192.0.2.100', 'd2', HOSTS, WAIT_MS);
    await bed.waitSoleHolder('192.0.2.101', 'd2', HOSTS, WAIT_MS);
    expect(d2.process.stdout).toMatch(/VRRP_Group\(G1\) Syncing instances to MASTER state/);
  });
});
