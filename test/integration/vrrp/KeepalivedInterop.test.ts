import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAdvertFrame } from '../../../src/vrrp/codec/AdvertCodec.js';
import { decodeArpFrame } from '../../../src/vrrp/codec/GratuitousArpCodec.js';
import { decodeNaFrame } from '../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { hasNetnsSupport, type PacketCapture, type PcapFile } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping keepalived interop tests: ${support.reason}`);
if (!HAVE_KEEPALIVED && !mustRun) console.warn('skipping keepalived interop tests: keepalived is not installed');

const HOSTS = ['d1', 'd2'];
const WAIT_MS = 40_000;
const MAC: Record<string, string> = { d1: '02:00:00:00:00:01', d2: '02:00:00:00:00:02' };

interface Variant {
  readonly title: string;
  readonly version: 2 | 3;
  readonly vip: string;
  readonly vipCidr: string;
  readonly family: 'ipv4' | 'ipv6';
}

const VARIANTS: readonly Variant[] = [
  { title: 'VRRPv2 with PASS authentication', version: 2, vip: '192.0.2.100', vipCidr: '192.0.2.100/24', family: 'ipv4' },
  { title: 'VRRPv3 over IPv4', version: 3, vip: '192.0.2.100', vipCidr: '192.0.2.100/24', family: 'ipv4' },
  { title: 'VRRPv3 over IPv6', version: 3, vip: '2001:db8::100', vipCidr: '2001:db8::100/64', family: 'ipv6' },
];

/** keepalived logs to stderr, Vigil to stdout: read both. */
function output(d: DaemonHandle): string {
  return `${d.process.stdout}\n${d.process.stderr}`;
}

/** keepalived's complaints about a received advert (vrrp.c vrrp_check_packet and friends). */
const KEEPALIVED_RECEIVE_COMPLAINTS = /invalid|bogus|mismatch|not present in MASTER advert|passwd|checksum/i;

/** Frames announcing `vip` (gratuitous ARP or unsolicited NA) sent from `mac`. */
function announcements(pcap: PcapFile, vip: string, mac: string): number {
  let n = 0;
  for (const f of pcap.frames) {
    const arp = decodeArpFrame(f.data);
    if (arp.ok && arp.arp.gratuitous && arp.arp.senderIp === vip && arp.ethernet.src === mac) n++;
    const na = decodeNaFrame(f.data);
    if (na.ok && na.na.target === vip && na.ethernet.src === mac) n++;
  }
  return n;
}

describe.skipIf((!support.ok || !HAVE_KEEPALIVED) && !mustRun)('interoperation with keepalived 2.2.7', () => {
  let bed: DirectorBed;
  let capture: PacketCapture | undefined;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await capture?.stop().catch(() => undefined);
    capture = undefined;
    await bed.stopAll(8_000);
    // A crashed daemon leaves its VIP behind; start each case from clean interfaces.
    for (const host of HOSTS) {
      for (const vip of ['192.0.2.100/24', '2001:db8::100/64']) await bed.topology.exec(host, ['ip', 'addr', 'del', vip, 'dev', 'eth0']).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const config = (v: Variant, priority: number): string => configText(instanceText({ priority, version: v.version, vip: v.vipCidr }));
  const vigil = (host: string, v: Variant, priority: number): DaemonHandle => {
    return bed.startVigil(host, config(v, priority));
  };
  const keepalived = (host: string, v: Variant, priority: number): DaemonHandle => {
    return bed.startKeepalived(host, config(v, priority));
  };
  const filter = (v: Variant): string[] => (v.family === 'ipv4' ? ['vrrp', 'or', 'arp'] : ['ip6']);

  for (const v of VARIANTS) {
    describe(v.title, () => {
      it('keepalived master, Vigil backup: Vigil stays BACKUP, takes over on SIGTERM, gives the VIP back on preemption', async () => {
        capture = await bed.capture(`ka-master-${v.version}-${v.family}`, filter(v));
        const ka = keepalived('d1', v, 150);
        await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        const vi = vigil('d2', v, 100);
        await vi.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
        await bed.waitSoleHolder(v.vip, 'd1', HOSTS, WAIT_MS);
        // Several advert intervals: Vigil accepts keepalived's adverts and stays BACKUP.
        const watch = bed.watchHolders(v.vip, HOSTS);
        await new Promise((r) => setTimeout(r, 5_000));
        expect((await watch.stop()).longestOverlapMs).toBe(0);
        expect(output(vi)).not.toMatch(/Entering MASTER STATE/);
        // Not one of keepalived's adverts was dropped by our receive checks (logged at debug with the reason).
        expect(output(vi)).not.toMatch(/virtual addresses differ|reason=(ttl|version-mismatch|invalid-type|length-mismatch|bad-checksum|auth-type-mismatch|auth-fail|advert-interval-mismatch)\b/);

        await bed.stop(ka);
        await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        await bed.waitSoleHolder(v.vip, 'd2', HOSTS, WAIT_MS);

        const back = keepalived('d1', v, 150);
        await vi.process.waitForOutput(/\(VI_1\) Master received advert from \S+ with higher priority 150, ours 100/, { timeoutMs: WAIT_MS });
        await back.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        await bed.waitSoleHolder(v.vip, 'd1', HOSTS, WAIT_MS);
        await new Promise((r) => setTimeout(r, 1_500)); // garp_master_delay 1: the second burst
        const pcap = await capture.stop();
        capture = undefined;
        expect(announcements(pcap, v.vip, MAC.d2 ?? '')).toBeGreaterThanOrEqual(5);
        expect(announcements(pcap, v.vip, MAC.d1 ?? '')).toBeGreaterThanOrEqual(5);
      });

      it('Vigil master, keepalived backup: keepalived stays BACKUP, takes over on a crash and on SIGTERM, Vigil preempts back', async () => {
        capture = await bed.capture(`vigil-master-${v.version}-${v.family}`, filter(v));
        const vi = vigil('d1', v, 150);
        await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        const ka = keepalived('d2', v, 100);
        await ka.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
        await bed.waitSoleHolder(v.vip, 'd1', HOSTS, WAIT_MS);
        const watch = bed.watchHolders(v.vip, HOSTS);
        await new Promise((r) => setTimeout(r, 5_000));
        expect((await watch.stop()).longestOverlapMs).toBe(0);
        expect(output(ka)).not.toMatch(/Entering MASTER STATE/);
        // keepalived found nothing to complain about in Vigil's adverts.
        expect(output(ka)).not.toMatch(KEEPALIVED_RECEIVE_COMPLAINTS);

        // Graceful: Vigil's priority-0 advert makes keepalived take over after Skew_Time.
        await bed.stop(vi);
        await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        expect(output(ka)).toMatch(/\(VI_1\) Backup received priority 0 advertisement/);
        await bed.waitSoleHolder(v.vip, 'd2', HOSTS, WAIT_MS);

        // Vigil returns and preempts keepalived.
        const again = vigil('d1', v, 150);
        await again.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        await ka.process.waitForOutput(/\(VI_1\) Master received advert from \S+ with higher priority 150, ours 100/, { timeoutMs: WAIT_MS });
        await bed.waitSoleHolder(v.vip, 'd1', HOSTS, WAIT_MS);
        const pcap = await capture.stop();
        capture = undefined;
        expect(announcements(pcap, v.vip, MAC.d1 ?? '')).toBeGreaterThanOrEqual(5);
        expect(announcements(pcap, v.vip, MAC.d2 ?? '')).toBeGreaterThanOrEqual(5);
        // Vigil's adverts on the wire are well-formed for the version and family.
        const ours = pcap.frames.map((f) => decodeAdvertFrame(f.data)).filter((a) => a.ok && a.ethernet.src === MAC.d1);
        expect(ours.length).toBeGreaterThan(3);
        for (const a of ours) if (a.ok) expect(a.advert.version).toBe(v.version);

        // Crash: kill -9 the Vigil master; keepalived takes over after Master_Down_Interval.
        await bed.crash(again);
        await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE[\s\S]*\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
        // keepalived logs the transition before it adds the address: wait for the VIP, bounded.
        // (Only d2 is asked: the killed Vigil could not remove its own copy on d1.)
        await bed.waitSoleHolder(v.vip, 'd2', ['d2'], WAIT_MS);
      });
    });
  }
});
