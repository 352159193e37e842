import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressChange, AddressMonitor, LinkChange, LinkMonitor, RtnlClient, VipInstaller, VipSpec } from '../../../src/netlink/rtnl/index.js';
import { hasNetnsSupport, runCommand, waitFor } from '../../support/netns/index.js';
import { RtnlTestBed } from './RtnlTestBed.js';

const support = await hasNetnsSupport();
const HERE = dirname(fileURLToPath(import.meta.url));
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

/** ~3,000 changes: 2,000 IPv6 adds, 500 of them deleted again, 200 IPv4 adds, 20 MTU changes ending at 1400. */
function changeStorm(): string {
  const lines: string[] = [];
  for (let i = 1; i <= 2000; i++) lines.push(`addr add 2001:db8:5::${i.toString(16)}/128 dev eth0 nodad`);
  for (let i = 1; i <= 500; i++) lines.push(`addr del 2001:db8:5::${(i * 4).toString(16)}/128 dev eth0`);
  for (let i = 1; i <= 200; i++) lines.push(`addr add 203.0.113.${i}/32 dev eth0`);
  for (let i = 0; i < 20; i++) lines.push(`link set dev eth0 mtu ${1419 - i}`);
  return lines.map((l) => `${l}\n`).join('');
}

describe.skipIf(!support.ok)('surviving ENOBUFS (real kernel)', () => {
  let bed: RtnlTestBed;
  let links: LinkMonitor;
  let addresses: AddressMonitor;
  let client: RtnlClient;
  let installer: VipInstaller;
  const linkChanges: LinkChange[] = [];
  const addressChanges: AddressChange[] = [];

  beforeAll(async () => {
    bed = await RtnlTestBed.create();
    const open = bed.opener();
    // The smallest receive buffer the kernel allows (SOCK_MIN_RCVBUF): a couple of messages.
    links = await bed.rtnl.LinkMonitor.start({ open, log: bed.log, receiveBufferSize: 1 });
    addresses = await bed.rtnl.AddressMonitor.start({ open, log: bed.log, receiveBufferSize: 1 });
    links.onChange((c) => linkChanges.push(c));
    addresses.onChange((c) => addressChanges.push(c));
    client = bed.rtnl.RtnlClient.open({ open, log: bed.log });
    installer = new bed.rtnl.VipInstaller(client, links);
  });

  afterAll(async () => {
    links?.stop();
    addresses?.stop();
    client?.close();
    await bed?.destroy();
  });

  it('monitor sockets left unread during ~3,000 changes overrun; Vigil logs it, resyncs, and matches the kernel', async () => {
    // spawnSync blocks this process's event loop: nothing reads the monitor sockets.
    const r = spawnSync('ip', ['-n', bed.netns, '-batch', '-'], { input: changeStorm(), encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);

    await waitFor(() => addresses.stats.resyncs >= 1 && links.stats.resyncs >= 1, { ...WAIT, description: 'both monitors to resynchronise' });
    expect(addresses.stats.overruns).toBeGreaterThanOrEqual(1);
    expect(links.stats.overruns).toBeGreaterThanOrEqual(1);
    const warnings = bed.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContain('Netlink: receive buffer overrun on the address monitor socket (ENOBUFS) - resynchronising');
    expect(warnings).toContain('Netlink: receive buffer overrun on the link monitor socket (ENOBUFS) - resynchronising');

    const kernel = await bed.addressKeys();
    await waitFor(
      () => JSON.stringify(addresses.addresses().map((a) => `${a.ifindex}|${a.address}/${a.prefixLength}`).sort()) === JSON.stringify(kernel),
      { ...WAIT, description: 'the address mirror to equal ip -j addr' },
    );
    expect(kernel.filter((k) => k.includes('|2001:db8:5::'))).toHaveLength(1500);
    await waitFor(() => links.linkNamed('eth0')?.mtu === 1400, { ...WAIT, description: 'eth0 mtu 1400 in the link mirror' });

    // The resync reported what the lost notifications would have.
    const viaResync = addressChanges.filter((c) => c.cause === 'resync' && c.kind === 'added').map((c) => c.address.address);
    expect(viaResync.length).toBeGreaterThan(0);
    const eth0Change = linkChanges.filter((c) => c.kind === 'changed' && c.link.name === 'eth0').at(-1);
    expect(eth0Change?.link.mtu).toBe(1400);
  });

  it('afterwards the new subscriptions deliver notifications as usual', async () => {
    addressChanges.length = 0;
    const vip: VipSpec = { address: '198.51.100.33', prefixLength: 24, interface: 'eth0', label: 'eth0:33' };
    expect((await installer.add([vip]))[0]?.status).toBe('added');
    await waitFor(() => addressChanges.some((c) => c.cause === 'notification' && c.address.address === '198.51.100.33'), {
      ...WAIT,
      description: 'VIP notification',
    });
    await bed.ip(['addr', 'del', '198.51.100.33/24', 'dev', 'eth0']);
    await waitFor(() => addressChanges.some((c) => c.kind === 'removed' && c.address.address === '198.51.100.33'), { ...WAIT, description: 'removal' });
  });

  it('a request socket whose ACKs overrun it shrinks its window, resends, and installs every VIP', async () => {
    // A tiny receive buffer and a window far too large for it: ACKs are dropped.
    const tight = bed.rtnl.RtnlClient.open({ open: bed.opener(), log: bed.log, receiveBufferSize: 1, window: 256 });
    const tightInstaller = new bed.rtnl.VipInstaller(tight, links);
    const vips: VipSpec[] = Array.from({ length: 1000 }, (_, i) => ({ address: `2001:db8:6::${(i + 1).toString(16)}`, interface: 'eth0' }));
    try {
      const outcomes = await tightInstaller.add(vips);
      expect(outcomes.every((o) => o.status === 'added' || o.status === 'already-present')).toBe(true);
      expect(bed.logs.some((l) => l.message.startsWith('Netlink: acknowledgements were dropped'))).toBe(true);
      const present = (await bed.addresses('eth0')).filter((a) => a.local.startsWith('2001:db8:6::'));
      expect(present).toHaveLength(1000);
      expect((await tightInstaller.remove(vips)).every((o) => o.status === 'removed' || o.status === 'already-absent')).toBe(true);
    } finally {
      tight.close();
    }
  });

  describe('the netlink package itself, in a child process inside the namespace', () => {
    let dir: string;
    let batchFile: string;
    let prebuildOnly: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'vgl-rtnl-probe-'));
      batchFile = join(dir, 'storm.batch');
      writeFileSync(batchFile, changeStorm().replaceAll('2001:db8:5::', '2001:db8:7::').replaceAll('203.0.113.', '198.51.100.'));
      // NETLINK_PREBUILD points node-gyp-build at a directory with only the package's
      // shipped prebuilds: the addon exactly as npm installs it.
      prebuildOnly = join(dir, 'netlink-as-shipped');
      const packageDir = dirname(createRequire(import.meta.url).resolve('netlink/package.json'));
      spawnSync('mkdir', ['-p', prebuildOnly]);
      symlinkSync(join(packageDir, 'prebuilds'), join(prebuildOnly, 'prebuilds'));
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const probe = (env: NodeJS.ProcessEnv) =>
      runCommand(['ip', 'netns', 'exec', bed.netns, process.execPath, resolve(HERE, 'overrun-probe.cjs'), batchFile], {
        timeoutMs: 120_000,
        env: { ...process.env, ...env },
      });

    it('as shipped, the overrun aborts the process even with an error listener (EPOLLERR → NULL syscall → throw in a libuv callback)', async () => {
      const r = await probe({ NETLINK_PREBUILD: prebuildOnly });
      expect(r.signal).toBe('SIGABRT');
      expect(r.stderr).toContain('Error in native callback');
      expect(r.stdout).toBe('');
      await bed.ip(['-batch', '-'], 'addr flush dev eth0 to 2001:db8:7::/48\naddr flush dev eth0 to 198.51.100.0/24\n');
    });

    it('patched, the same overrun is an ENOBUFS error event and the socket keeps working', async () => {
      const r = await probe({});
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { batchStatus: number; errors: string[]; afterOverrun: number; afterProbe: number };
      expect(report.batchStatus).toBe(0);
      expect(report.errors.length).toBeGreaterThanOrEqual(1);
      expect(report.errors.every((e) => e === 'ENOBUFS:recvmsg')).toBe(true);
      expect(report.afterProbe).toBeGreaterThan(report.afterOverrun);
      await bed.ip(['-batch', '-'], 'addr flush dev eth0 to 2001:db8:7::/48\naddr flush dev eth0 to 198.51.100.0/24\n');
    });
  });
});
