import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAdvertFrame } from '../../../src/vrrp/codec/AdvertCodec.js';
import { decodeNaFrame } from '../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { hasNetnsSupport, waitFor, type PacketCapture, type PcapFile } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText, linkLocalOf, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping IPv6 use_vmac tests: ${support.reason}`);

const VIP = '2001:db8::100';
const VRID = 52;
const VMAC_NAME = `vrrp.${VRID}`;
/** RFC 5798 §7.3: 00-00-5E-00-02-{VRID}; VRID 52 = 0x34. */
const VMAC = '00:00:5e:00:02:34';
const MAC: Record<string, string> = { d1: '02:00:00:00:00:01', d2: '02:00:00:00:00:02' };
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;
const CAPTURE_FILTER = ['ip6', 'and', '(ip6', 'proto', '112', 'or', 'icmp6)'];

interface LinkJson {
  readonly ifname: string;
  readonly address?: string;
  readonly link?: string;
  readonly inet6_addr_gen_mode?: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: { readonly mode?: string } };
  readonly addr_info?: readonly { readonly family?: string; readonly local?: string; readonly prefixlen?: number; readonly nodad?: boolean; readonly preferred_life_time?: number }[];
}

/** keepalived 2.2.7's frames for VRID 52 / priority 200 / 2001:db8::100 from 02:00:00:00:00:01 (test/fixtures/vmac). */
interface Vmac6Frames {
  readonly advert: string;
  readonly priorityZero: string;
  readonly na: string;
}
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEEPALIVED_FRAMES = JSON.parse(readFileSync(resolve(REPO_ROOT, 'test/fixtures/vmac/vmac6-frames.json'), 'utf8')) as Vmac6Frames;

/** The IPv6 flow label (low nibble of frame byte 15, bytes 16-17) comes from a per-boot hash: masked. */
function maskFlowLabel(frameHex: string): string {
  const b = Buffer.from(frameHex, 'hex');
  b[15] = (b[15] ?? 0) & 0xf0;
  b.fill(0, 16, 18);
  return b.toString('hex');
}

/** keepalived logs to stderr, Vigil to stdout: read both. */
function output(d: DaemonHandle): string {
  return `${d.process.stdout}\n${d.process.stderr}`;
}

async function link(bed: DirectorBed, host: string, ifname: string): Promise<LinkJson | undefined> {
  const r = await bed.topology.exec(host, ['ip', '-d', '-j', 'addr', 'show', 'dev', ifname]);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as LinkJson[])[0];
}

/** `ip -d link` (not `addr`) reports the IPv6 address generation mode. */
async function addrGenMode(bed: DirectorBed, host: string): Promise<string | undefined> {
  const r = await bed.topology.exec(host, ['ip', '-d', '-j', 'link', 'show', 'dev', VMAC_NAME]);
  return r.code === 0 ? (JSON.parse(r.stdout) as LinkJson[])[0]?.inet6_addr_gen_mode : undefined;
}

async function vipHolders(bed: DirectorBed): Promise<string[]> {
  const held = await Promise.all(
    HOSTS.map(async (h) => (((await link(bed, h, VMAC_NAME))?.addr_info ?? []).some((a) => a.local === VIP) ? h : undefined)),
  );
  return held.filter((h): h is string => h !== undefined);
}

async function waitVmacHolder(bed: DirectorBed, host: string): Promise<void> {
  await waitFor(async () => (await vipHolders(bed)).join() === host, { timeoutMs: WAIT_MS, intervalMs: 100, description: `${host} alone to hold ${VIP} on ${VMAC_NAME}` });
}

/** Polls the vmacs of both directors; `stop()` gives the most holders seen at one sample. */
function watchVmacHolders(bed: DirectorBed): { stop: () => Promise<number> } {
  let running = true;
  let most = 0;
  const done = (async () => {
    while (running) {
      most = Math.max(most, (await vipHolders(bed).catch(() => [])).length);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return most;
    },
  };
}

interface SeenAdvert {
  readonly mac: string;
  readonly src: string;
  readonly priority: number;
}

function adverts(pcap: PcapFile): SeenAdvert[] {
  return pcap.frames.flatMap((f) => {
    const a = decodeAdvertFrame(f.data);
    return a.ok && a.advert.vrid === VRID ? [{ mac: a.ethernet.src, src: a.ip.src, priority: a.advert.priority }] : [];
  });
}

/** Unsolicited NAs for the VIP: how many carried `mac` as both frame source and target link-layer address. */
function nasFrom(pcap: PcapFile, mac: string): number {
  return pcap.frames.filter((f) => {
    const na = decodeNaFrame(f.data);
    return na.ok && na.na.target === VIP && na.ethernet.src === mac && na.na.targetMac === mac;
  }).length;
}

describe.skipIf(!support.ok && !mustRun)('use_vmac for IPv6 (VRRPv3): a macvlan with 00:00:5e:00:02:VRID and a link-local of its own', () => {
  let bed: DirectorBed;
  let capture: PacketCapture | undefined;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await capture?.stop().catch(() => undefined);
    capture = undefined;
    await bed.stopAll(5_000);
    // A crashed daemon leaves its vmac behind: clean up for the next case.
    for (const h of HOSTS) await bed.topology.exec(h, ['ip', 'link', 'del', VMAC_NAME]).catch(() => undefined);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const config = (priority: number, extra = 'use_vmac'): string => configText(instanceText({ priority, vrid: VRID, version: 3, vip: `${VIP}/64`, extra }));
  const vigil = (host: string, priority: number, extra?: string): DaemonHandle => bed.startVigil(host, config(priority, extra));

  it('adverts from the vmac link-local with the virtual MAC, the VIP on the vmac, NAs with the virtual MAC; crash failover moves it; SIGTERM removes the macvlan', async () => {
    capture = await bed.capture('vmac6', CAPTURE_FILTER);
    // One after the other: started together, d2's master-down timer may run out before d1's first advert.
    const d1 = vigil('d1', 150);
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    const d2 = vigil('d2', 100);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');

    // The macvlan as keepalived makes it for IPv6: private, the v6 virtual MAC, addr_gen_mode
    // none, and only the parent's link-local, /64, nodad, deprecated (no EUI-64 of the virtual MAC).
    for (const [n, h] of HOSTS.entries()) {
      const vmac = await link(bed, h, VMAC_NAME);
      expect(vmac?.address).toBe(VMAC);
      expect(vmac?.link).toBe('eth0');
      expect(vmac?.linkinfo?.info_kind).toBe('macvlan');
      expect(vmac?.linkinfo?.info_data?.mode).toBe('private');
      expect(await addrGenMode(bed, h)).toBe('none');
      const linkLocals = (vmac?.addr_info ?? []).filter((a) => a.local?.startsWith('fe80:'));
      expect(linkLocals).toMatchObject([{ local: linkLocalOf(n + 1), prefixlen: 64, nodad: true, preferred_life_time: 0 }]);
    }
    expect(output(d1)).toMatch(/VMAC interface vrrp\.52 created on eth0 with MAC 00:00:5e:00:02:34 and address fe80::ff:fe00:1/);
    // Not on the parent.
    expect(await bed.holders(VIP, HOSTS)).toEqual([]);
    // The backup hears the master through its own vmac: it stays BACKUP.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(output(d2)).not.toMatch(/Entering MASTER STATE/);

    await bed.crash(d1);
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await waitFor(async () => ((await link(bed, 'd2', VMAC_NAME))?.addr_info ?? []).some((a) => a.local === VIP), {
      timeoutMs: WAIT_MS,
      intervalMs: 100,
      description: `d2 to hold ${VIP} on ${VMAC_NAME}`,
    });
    await new Promise((r) => setTimeout(r, 1_500)); // garp_master_delay 1: the second NA burst

    await bed.stop(d2);
    expect(await link(bed, 'd2', VMAC_NAME)).toBeUndefined();
    expect(output(d2)).toMatch(/removed VMAC interface vrrp\.52/);

    const pcap = await capture.stop();
    capture = undefined;
    const seen = adverts(pcap);
    expect(seen.length).toBeGreaterThan(3);
    // Every advert came from the virtual MAC and a director's own link-local, never its MAC.
    expect(seen.every((a) => a.mac === VMAC)).toBe(true);
    expect(new Set(seen.map((a) => a.src))).toEqual(new Set([linkLocalOf(1), linkLocalOf(2)]));
    expect(seen.filter((a) => a.priority === 150).every((a) => a.src === linkLocalOf(1))).toBe(true);
    expect(seen.filter((a) => a.priority === 100).every((a) => a.src === linkLocalOf(2))).toBe(true);
    expect(seen.some((a) => a.priority === 0 && a.src === linkLocalOf(2))).toBe(true);
    expect(nasFrom(pcap, VMAC)).toBeGreaterThanOrEqual(10);
    expect(nasFrom(pcap, MAC.d1 ?? '')).toBe(0);
    expect(nasFrom(pcap, MAC.d2 ?? '')).toBe(0);
  });

  it('vmac_xmit_base: adverts leave from eth0 with its own MAC and link-local; the vmac gets no address, the VIP still sits on it', async () => {
    capture = await bed.capture('vmac6-xmit-base', CAPTURE_FILTER);
    const d1 = vigil('d1', 150, 'use_vmac\n    vmac_xmit_base');
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    const d2 = vigil('d2', 100, 'use_vmac\n    vmac_xmit_base');
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');
    expect(((await link(bed, 'd2', VMAC_NAME))?.addr_info ?? []).map((a) => a.local)).toEqual([]);
    expect(await addrGenMode(bed, 'd2')).toBe('none');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(output(d2)).not.toMatch(/Entering MASTER STATE/);
    const pcap = await capture.stop();
    capture = undefined;
    const seen = adverts(pcap);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((a) => a.mac === MAC.d1 && a.src === linkLocalOf(1))).toBe(true);
    expect(nasFrom(pcap, VMAC)).toBeGreaterThanOrEqual(5);
  });

  it('on the wire: advert, priority-0 advert and NA from the vmac, byte for byte as keepalived 2.2.7 sends them (flow label masked)', async () => {
    capture = await bed.capture('vmac6-bytes', CAPTURE_FILTER);
    const d1 = bed.startVigil('d1', configText(instanceText({ priority: 200, vrid: VRID, version: 3, vip: `${VIP}/64`, extra: 'use_vmac' })));
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');
    await new Promise((r) => setTimeout(r, 2_500));
    await bed.stop(d1);
    const pcap = await capture.stop();
    capture = undefined;
    const frames = pcap.frames.map((f) => Buffer.from(f.data));
    const ours = frames.filter((f) => f.subarray(6, 12).toString('hex') === VMAC.replaceAll(':', ''));
    const priorityOf = (f: Buffer): number | undefined => {
      const a = decodeAdvertFrame(f);
      return a.ok ? a.advert.priority : undefined;
    };
    const advert = ours.find((f) => priorityOf(f) === 200);
    const zero = ours.find((f) => priorityOf(f) === 0);
    const na = ours.find((f) => decodeNaFrame(f).ok);
    expect(advert !== undefined && maskFlowLabel(advert.toString('hex'))).toBe(maskFlowLabel(KEEPALIVED_FRAMES.advert));
    expect(zero !== undefined && maskFlowLabel(zero.toString('hex'))).toBe(maskFlowLabel(KEEPALIVED_FRAMES.priorityZero));
    expect(na?.toString('hex')).toBe(KEEPALIVED_FRAMES.na);
  });

  describe.skipIf(!HAVE_KEEPALIVED && !mustRun)('with keepalived 2.2.7 using use_vmac, VRRPv3 over IPv6', () => {
    const keepalived = (host: string, priority: number): DaemonHandle => bed.startKeepalived(host, config(priority));

    it('keepalived master, Vigil backup; Vigil takes over on a crash; keepalived preempts back; one holder throughout', async () => {
      capture = await bed.capture('vmac6-ka', CAPTURE_FILTER);
      const ka = keepalived('d1', 150);
      await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      const watch = watchVmacHolders(bed);
      const vi = vigil('d2', 100);
      await vi.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
      await new Promise((r) => setTimeout(r, 3_500));
      expect(output(vi)).not.toMatch(/Entering MASTER STATE/);

      await bed.crash(ka);
      await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      // keepalived's leftover vmac (and VIP) on d1 go before it comes back.
      await bed.topology.exec('d1', ['ip', 'link', 'del', VMAC_NAME]);
      await waitVmacHolder(bed, 'd2');
      const back = keepalived('d1', 150);
      await back.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await vi.process.waitForOutput(new RegExp(`\\(VI_1\\) Master received advert from ${linkLocalOf(1)} with higher priority 150, ours 100`), { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      expect(await watch.stop()).toBe(1);

      const pcap = await capture.stop();
      capture = undefined;
      const seen = adverts(pcap);
      expect(seen.length).toBeGreaterThan(3);
      expect(seen.every((a) => a.mac === VMAC)).toBe(true);
      // Vigil's adverts (priority 100) as keepalived's: from the vmac's link-local.
      expect(seen.filter((a) => a.priority === 100).length).toBeGreaterThan(0);
      expect(seen.filter((a) => a.priority === 100).every((a) => a.src === linkLocalOf(2))).toBe(true);
      expect(seen.filter((a) => a.priority === 150).every((a) => a.src === linkLocalOf(1))).toBe(true);
      expect(nasFrom(pcap, VMAC)).toBeGreaterThanOrEqual(5);
    });

    it("Vigil master, keepalived backup: keepalived stays BACKUP without complaint, takes over on SIGTERM; Vigil's vmac is gone; one holder throughout", async () => {
      const vi = vigil('d1', 150);
      await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      const watch = watchVmacHolders(bed);
      const ka = keepalived('d2', 100);
      await ka.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
      await new Promise((r) => setTimeout(r, 3_500));
      expect(output(ka)).not.toMatch(/Entering MASTER STATE/);
      expect(output(ka)).not.toMatch(/invalid|bogus|mismatch|checksum/i);
      // Both vmacs carry their own parent's link-local; neither the other's.
      expect(((await link(bed, 'd2', VMAC_NAME))?.addr_info ?? []).map((a) => a.local)).toContain(linkLocalOf(2));

      await bed.stop(vi);
      await ka.process.waitForOutput(/\(VI_1\) Backup received priority 0 advertisement/, { timeoutMs: WAIT_MS });
      await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd2');
      expect(await watch.stop()).toBe(1);
      expect(await link(bed, 'd1', VMAC_NAME)).toBeUndefined();
    });
  });
});
