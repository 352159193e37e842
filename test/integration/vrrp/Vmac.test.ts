import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAdvertFrame } from '../../../src/vrrp/codec/AdvertCodec.js';
import { decodeArpFrame } from '../../../src/vrrp/codec/GratuitousArpCodec.js';
import { hasNetnsSupport, waitFor, type PacketCapture, type PcapFile } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping use_vmac tests: ${support.reason}`);

const VIP = '192.0.2.100';
const VRID = 51;
const VMAC_NAME = `vrrp.${VRID}`;
/** RFC 3768 §7.3: 00-00-5E-00-01-{VRID}; VRID 51 = 0x33. */
const VMAC = '00:00:5e:00:01:33';
const MAC: Record<string, string> = { d1: '02:00:00:00:00:01', d2: '02:00:00:00:00:02' };
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

interface LinkJson {
  readonly ifname: string;
  readonly address?: string;
  readonly link?: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: { readonly mode?: string } };
  readonly addr_info?: readonly { readonly local?: string }[];
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

async function vipHolders(bed: DirectorBed): Promise<string[]> {
  const held = await Promise.all(
    HOSTS.map(async (h) => ((await link(bed, h, VMAC_NAME))?.addr_info ?? []).some((a) => a.local === VIP) ? h : undefined),
  );
  return held.filter((h): h is string => h !== undefined);
}

async function waitVmacHolder(bed: DirectorBed, host: string): Promise<void> {
  await waitFor(async () => (await vipHolders(bed)).join() === host, { timeoutMs: WAIT_MS, intervalMs: 100, description: `${host} alone to hold ${VIP} on ${VMAC_NAME}` });
}

async function sysctl(bed: DirectorBed, host: string, key: string): Promise<string> {
  const r = await bed.topology.exec(host, ['cat', `/proc/sys/net/ipv4/conf/${key}`]);
  return r.stdout.trim();
}

function adverts(pcap: PcapFile): { src: string; priority: number }[] {
  return pcap.frames.flatMap((f) => {
    const a = decodeAdvertFrame(f.data);
    return a.ok ? [{ src: a.ethernet.src, priority: a.advert.priority }] : [];
  });
}

function garpsFrom(pcap: PcapFile, mac: string): number {
  return pcap.frames.filter((f) => {
    const arp = decodeArpFrame(f.data);
    return arp.ok && arp.arp.gratuitous && arp.arp.senderIp === VIP && arp.ethernet.src === mac && arp.arp.senderMac === mac;
  }).length;
}

/** Frames for VRID 61 / priority 200 / 192.0.2.120 from 192.0.2.1: the project's own, and keepalived's capture when ../shared is there. */
interface VmacFrames {
  readonly advert: string;
  readonly garp: string;
}
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OWN_FRAMES = JSON.parse(readFileSync(resolve(REPO_ROOT, 'test/fixtures/vmac/vmac-frames.json'), 'utf8')) as VmacFrames;
const SHARED_FRAMES = sharedFrames(resolve(REPO_ROOT, '../shared/fixtures/vrrp-vectors/golden-vectors.json'));

function sharedFrames(path: string): VmacFrames | undefined {
  if (!existsSync(path)) return undefined;
  const vectors = JSON.parse(readFileSync(path, 'utf8')) as { name: string; frame_hex: string }[];
  const advert = vectors.find((v) => v.name === 'v3_vmac_adv')?.frame_hex;
  const garp = vectors.find((v) => v.name === 'garp_vmac')?.frame_hex;
  return advert !== undefined && garp !== undefined ? { advert, garp } : undefined;
}

function maskIpId(frameHex: string): string {
  const b = Buffer.from(frameHex, 'hex');
  b.fill(0, 18, 20);
  b.fill(0, 24, 26);
  return b.toString('hex');
}

describe.skipIf(!support.ok && !mustRun)('use_vmac: VRRP on a macvlan with the virtual router MAC', () => {
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

  const vigil = (host: string, priority: number, extra = 'use_vmac'): DaemonHandle => {
    return bed.startVigil(host, configText(instanceText({ priority, vrid: VRID, extra })));
  };

  it('master adverts and GARPs come from 00:00:5e:00:01:VRID; the VIP sits on vrrp.VRID; crash failover moves it; SIGTERM removes the macvlan', async () => {
    capture = await bed.capture('vmac', ['vrrp', 'or', 'arp']);
    const d1 = vigil('d1', 150);
    const d2 = vigil('d2', 100);
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');

    // The macvlan as keepalived makes it: private mode, the virtual MAC, on eth0.
    for (const h of HOSTS) {
      const vmac = await link(bed, h, VMAC_NAME);
      expect(vmac?.address).toBe(VMAC);
      expect(vmac?.link).toBe('eth0');
      expect(vmac?.linkinfo?.info_kind).toBe('macvlan');
      expect(vmac?.linkinfo?.info_data?.mode).toBe('private');
      expect(await sysctl(bed, h, `${VMAC_NAME}/arp_ignore`)).toBe('1');
      expect(await sysctl(bed, h, `${VMAC_NAME}/accept_local`)).toBe('1');
      expect(await sysctl(bed, h, `${VMAC_NAME}/rp_filter`)).toBe('0');
      expect(await sysctl(bed, h, 'eth0/arp_ignore')).toBe('1');
      expect(await sysctl(bed, h, 'eth0/arp_filter')).toBe('1');
    }
    // Not on the parent.
    expect(await bed.holders(VIP, HOSTS)).toEqual([]);
    // The backup hears the master through its own vmac (same MAC): it stays BACKUP.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(output(d2)).not.toMatch(/Entering MASTER STATE/);

    await bed.crash(d1);
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await waitFor(async () => ((await link(bed, 'd2', VMAC_NAME))?.addr_info ?? []).some((a) => a.local === VIP), {
      timeoutMs: WAIT_MS,
      intervalMs: 100,
      description: `d2 to hold ${VIP} on ${VMAC_NAME}`,
    });
    await new Promise((r) => setTimeout(r, 1_500)); // garp_master_delay 1: the second burst

    // SIGTERM: priority 0, VIP gone, the macvlan deleted and eth0's ARP settings restored.
    await bed.stop(d2);
    expect(await link(bed, 'd2', VMAC_NAME)).toBeUndefined();
    expect(await sysctl(bed, 'd2', 'eth0/arp_ignore')).toBe('0');
    expect(await sysctl(bed, 'd2', 'eth0/arp_filter')).toBe('0');
    expect(output(d2)).toMatch(/removed VMAC interface vrrp\.51/);

    const pcap = await capture.stop();
    capture = undefined;
    const seen = adverts(pcap);
    // Every advert on the wire came from the virtual MAC, never from a director's own.
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((a) => a.src === VMAC)).toBe(true);
    expect(seen.some((a) => a.priority === 0)).toBe(true);
    expect(garpsFrom(pcap, VMAC)).toBeGreaterThanOrEqual(10);
    expect(garpsFrom(pcap, MAC.d1 ?? '')).toBe(0);
    expect(garpsFrom(pcap, MAC.d2 ?? '')).toBe(0);
  });

  it('a restart replaces the vmac a killed run left behind', async () => {
    const first = vigil('d1', 150);
    await waitVmacHolder(bed, 'd1');
    const before = await bed.topology.exec('d1', ['cat', `/sys/class/net/${VMAC_NAME}/ifindex`]);
    await bed.crash(first);
    const again = vigil('d1', 150);
    await again.process.waitForOutput(/removing leftover VMAC interface vrrp\.51/, { timeoutMs: WAIT_MS });
    await again.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');
    const after = await bed.topology.exec('d1', ['cat', `/sys/class/net/${VMAC_NAME}/ifindex`]);
    expect(after.stdout.trim()).not.toBe(before.stdout.trim());
  });

  it('refuses to take over an interface of that name that is not a vmac', async () => {
    await bed.topology.exec('d1', ['ip', 'link', 'add', 'link', 'eth0', 'name', VMAC_NAME, 'address', '02:00:00:00:09:09', 'type', 'macvlan']);
    const d1 = vigil('d1', 150);
    await waitFor(() => d1.process.groupIsEmpty(), { timeoutMs: WAIT_MS, description: 'Vigil to exit' });
    expect(output(d1)).toMatch(/interface vrrp\.51 exists and is not a VMAC/);
    expect((await link(bed, 'd1', VMAC_NAME))?.address).toBe('02:00:00:00:09:09');
  });

  it('vmac_xmit_base: adverts leave from eth0 with its own MAC, the VIP still sits on the vmac', async () => {
    capture = await bed.capture('vmac-xmit-base', ['vrrp', 'or', 'arp']);
    const d1 = vigil('d1', 150, 'use_vmac\n    vmac_xmit_base');
    const d2 = vigil('d2', 100, 'use_vmac\n    vmac_xmit_base');
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await waitVmacHolder(bed, 'd1');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(output(d2)).not.toMatch(/Entering MASTER STATE/);
    const pcap = await capture.stop();
    capture = undefined;
    const seen = adverts(pcap);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((a) => a.src === MAC.d1)).toBe(true);
    expect(garpsFrom(pcap, VMAC)).toBeGreaterThanOrEqual(5);
  });

  it('on the wire: a VRRPv3 advert and a GARP from the vmac, byte for byte as keepalived sends them', async () => {
    capture = await bed.capture('vmac-bytes', ['vrrp', 'or', 'arp']);
    // The setting of the keepalived capture: VRID 61, priority 200, 1 s, 192.0.2.120, from 192.0.2.1.
    const config = configText(instanceText({ priority: 200, vrid: 61, version: 3, vip: '192.0.2.120/24', extra: 'use_vmac' }));
    const d1 = bed.startVigil('d1', config);
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await waitFor(async () => ((await link(bed, 'd1', 'vrrp.61'))?.addr_info ?? []).some((a) => a.local === '192.0.2.120'), {
      timeoutMs: WAIT_MS,
      intervalMs: 100,
      description: 'the VIP on vrrp.61',
    });
    await new Promise((r) => setTimeout(r, 2_500));
    const pcap = await capture.stop();
    capture = undefined;
    const frames = pcap.frames.map((f) => Buffer.from(f.data).toString('hex'));
    const advert = frames.find((f) => decodeAdvertFrame(Buffer.from(f, 'hex')).ok);
    const garp = frames.find((f) => decodeArpFrame(Buffer.from(f, 'hex')).ok);
    for (const expected of [OWN_FRAMES, ...(SHARED_FRAMES !== undefined ? [SHARED_FRAMES] : [])]) {
      // IPv4 identification and header checksum (bytes 18-19, 24-25 of the frame) count packets: mask them.
      expect(advert !== undefined && maskIpId(advert)).toBe(maskIpId(expected.advert));
      expect(garp).toBe(expected.garp);
    }
  });

  describe.skipIf(!HAVE_KEEPALIVED && !mustRun)('with keepalived 2.2.7 using use_vmac', () => {
    const keepalived = (host: string, priority: number): DaemonHandle => {
      return bed.startKeepalived(host, configText(instanceText({ priority, vrid: VRID, extra: 'use_vmac' })));
    };

    it('keepalived master, Vigil backup, then Vigil takes over on a crash; keepalived preempts back', async () => {
      capture = await bed.capture('vmac-ka', ['vrrp', 'or', 'arp']);
      const ka = keepalived('d1', 150);
      await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      const vi = vigil('d2', 100);
      await vi.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      await new Promise((r) => setTimeout(r, 3_500));
      expect(output(vi)).not.toMatch(/Entering MASTER STATE/);

      await bed.crash(ka);
      await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await waitFor(async () => ((await link(bed, 'd2', VMAC_NAME))?.addr_info ?? []).some((a) => a.local === VIP), {
        timeoutMs: WAIT_MS,
        intervalMs: 100,
        description: `d2 to hold ${VIP} on ${VMAC_NAME}`,
      });
      // keepalived's leftover vmac (and VIP) on d1 go before it comes back.
      await bed.topology.exec('d1', ['ip', 'link', 'del', VMAC_NAME]);
      const back = keepalived('d1', 150);
      await back.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await vi.process.waitForOutput(/\(VI_1\) Master received advert from 192\.0\.2\.1 with higher priority 150, ours 100/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      const pcap = await capture.stop();
      capture = undefined;
      const seen = adverts(pcap);
      expect(seen.length).toBeGreaterThan(3);
      expect(seen.every((a) => a.src === VMAC)).toBe(true);
      expect(garpsFrom(pcap, VMAC)).toBeGreaterThanOrEqual(5);
    });

    it('Vigil master, keepalived backup: keepalived stays BACKUP without complaint, takes over on SIGTERM; Vigil\'s vmac is gone', async () => {
      const vi = vigil('d1', 150);
      await vi.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      const ka = keepalived('d2', 100);
      await ka.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd1');
      await new Promise((r) => setTimeout(r, 3_500));
      expect(output(ka)).not.toMatch(/Entering MASTER STATE/);
      expect(output(ka)).not.toMatch(/invalid|bogus|mismatch|checksum/i);

      await bed.stop(vi);
      await ka.process.waitForOutput(/\(VI_1\) Backup received priority 0 advertisement/, { timeoutMs: WAIT_MS });
      await ka.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
      await waitVmacHolder(bed, 'd2');
      expect(await link(bed, 'd1', VMAC_NAME)).toBeUndefined();
    });
  });
});
