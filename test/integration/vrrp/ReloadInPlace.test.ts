import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, waitFor, type NetnsProcess, type PcapFile } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText, VIGIL_MAIN, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VRRP reload namespace tests: ${support.reason}`);

const WAIT_MS = 30_000;
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/vrrp/reload');
const DIST = resolve(VIGIL_MAIN, '../../..');

/**
 * Runs a `VrrpDaemon` inside the namespace (the test process itself cannot enter it) and
 * takes commands on stdin: `reload ID FILE` answers one JSON line with the result, `stop`
 * stops it. Daemon log lines are printed as JSON too.
 */
const DRIVER = `
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
const [dist, first] = process.argv.slice(2);
const { VrrpDaemon } = await import(pathToFileURL(dist + '/src/vrrp/runtime/VrrpDaemon.js').href);
const { loadConfigText } = await import(pathToFileURL(dist + '/src/config/loadConfig.js').href);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const line = (level) => (fields, msg) => print({ level, ...fields, msg });
const log = { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
const load = (file) => {
  const loaded = loadConfigText(readFileSync(file, 'utf8'), file, { configId: 'reload-it' });
  if (loaded.model === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
  return loaded.model;
};
const started = await VrrpDaemon.start({ config: load(first), log, releaseVipsOnStop: true });
if (!started.ok) {
  print({ event: 'start-failed', errors: started.errors.map((e) => e.message) });
  process.exit(1);
}
const daemon = started.daemon;
print({ event: 'started' });
createInterface({ input: process.stdin }).on('line', async (command) => {
  const [verb, id, file] = command.split(' ');
  if (verb === 'reload') {
    const r = await daemon.reload(load(file));
    print({ event: 'reload', id, ok: r.ok, summary: r.ok ? r.summary : null, errors: r.ok ? [] : r.errors.map((e) => e.code + ': ' + e.message) });
  } else if (verb === 'stop') {
    await daemon.stop();
    print({ event: 'stopped' });
    process.exit(0);
  }
});
`;

interface ReloadAnswer {
  readonly ok: boolean;
  readonly summary: Record<string, string[]> | null;
  readonly errors: string[];
}

/** Ethernet 14 + ARP 14: the sender protocol address of a gratuitous ARP. */
function garpSenders(pcap: PcapFile): string[] {
  return pcap.frames.filter((f) => f.data[12] === 0x08 && f.data[13] === 0x06).map((f) => f.data.subarray(28, 32).join('.'));
}

/** Ethernet 14 + IPv4 20: VRRP VRID at byte 35, priority at 36 (RFC 3768 §5.1). */
function priorityZeroVrids(pcap: PcapFile): number[] {
  return pcap.frames.filter((f) => f.data[23] === 112 && f.data[36] === 0).map((f) => f.data[35] ?? -1);
}

describe.skipIf(!support.ok && !mustRun)('VrrpDaemon.reload in a namespace', () => {
  let bed: DirectorBed;
  let daemon: NetnsProcess;
  let peer: DaemonHandle | undefined;
  let reloads = 0;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
    const driver = bed.path('reload-driver.mjs');
    writeFileSync(driver, DRIVER);
    const before = bed.path('before.conf');
    writeFileSync(before, readFileSync(join(FIXTURES, 'before.conf')));
    daemon = bed.topology.spawn('d1', [process.execPath, driver, DIST, before], { stdin: 'pipe' });
    await daemon.waitForOutput(/"event":"started"/, { timeoutMs: WAIT_MS });
    // Real keepalived 2.2.7 on d2 backs up VI_5 (priority 100 against Vigil's 150).
    if (HAVE_KEEPALIVED) peer = bed.startKeepalived('d2', configText(instanceText({ name: 'VI_5', vrid: 55, priority: 100, vip: '192.0.2.105/24', pass: null })));
  }, 120_000);

  afterAll(async () => {
    if (peer !== undefined) await bed.stop(peer);
    await daemon?.stop({ graceMs: 10_000 });
    await bed?.destroy();
  });

  async function reload(file: string): Promise<ReloadAnswer> {
    const id = `r${++reloads}`;
    daemon.child.stdin?.write(`reload ${id} ${file}\n`);
    const match = await daemon.waitForOutput(new RegExp(`\\{"event":"reload","id":"${id}".*\\}`), { timeoutMs: WAIT_MS, stream: 'stdout' });
    return JSON.parse(match[0]) as ReloadAnswer;
  }

  it('applies the difference: moved and added VIPs present and announced, the removed instance resigns, the rest untouched', async () => {
    const all = ['192.0.2.100', '192.0.2.150', '192.0.2.101', '192.0.2.103', '192.0.2.105'];
    await waitFor(async () => {
      const held = await bed.addresses('d1');
      return all.every((a) => held.includes(a));
    }, {
      timeoutMs: WAIT_MS,
      intervalMs: 200,
      description: 'd1 to become master of every instance',
    });
    const enteredMasterBefore = (daemon.stdout.match(/Entering MASTER STATE/g) ?? []).length;
    const capture = await bed.capture('reload', ['arp or vrrp']);
    let answer: ReloadAnswer;
    try {
      const after = bed.path('after.conf');
      writeFileSync(after, readFileSync(join(FIXTURES, 'after.conf')));
      answer = await reload(after);
      expect(answer.ok).toBe(true);
      expect(answer.summary).toEqual({ unchanged: ['VI_5'], updated: ['VI_1', 'VI_2'], restarted: [], added: ['VI_4'], removed: ['VI_3'] });
      await waitFor(async () => (await bed.addresses('d1')).includes('192.0.2.104'), { timeoutMs: WAIT_MS, intervalMs: 200, description: 'VI_4 to become master' });
      // garp_master_repeat 5 for each new VIP; let them all leave.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      const pcap = await capture.stop();
      const garps = garpSenders(pcap);
      expect(garps.filter((a) => a === '192.0.2.110').length).toBeGreaterThanOrEqual(5);
      expect(garps.filter((a) => a === '192.0.2.150').length).toBeGreaterThanOrEqual(5);
      expect(garps.filter((a) => a === '192.0.2.104').length).toBeGreaterThanOrEqual(5);
      // Kept VIPs are not announced again.
      expect(garps.filter((a) => a === '192.0.2.100' || a === '192.0.2.101' || a === '192.0.2.105')).toEqual([]);
      expect(priorityZeroVrids(pcap)).toEqual([53]);
    }
    const now = await bed.addresses('d1');
    for (const a of ['192.0.2.100', '192.0.2.110', '192.0.2.101', '192.0.2.150', '192.0.2.104', '192.0.2.105']) expect(now).toContain(a);
    expect(now).not.toContain('192.0.2.103');
    // Only VI_4 entered MASTER: the kept instances made no transition.
    expect((daemon.stdout.match(/Entering MASTER STATE/g) ?? []).length - enteredMasterBefore).toBe(1);
    // The moved VIP's deletion from VI_1 is not mistaken for someone removing VI_2's VIP.
    expect(daemon.stdout).not.toMatch(/vip-removed-externally/);
    expect(daemon.stdout).not.toMatch(/"level":"error"/);
    expect(daemon.stdout).toMatch(/"msg":"\(VI_5\) reload: unchanged"/);
    expect(daemon.stdout).toMatch(/"msg":"\(VI_1\) reload: virtual addresses changed \(\+1 -1\)"/);
  });

  it('refuses a reload naming a missing interface and changes nothing', async () => {
    const broken = bed.path('broken.conf');
    writeFileSync(broken, readFileSync(join(FIXTURES, 'after.conf'), 'utf8').replace('interface eth0\n  virtual_router_id 54', 'interface eth9\n  virtual_router_id 54'));
    expect(readFileSync(broken, 'utf8')).toMatch(/interface eth9\n  virtual_router_id 54/);
    const before = (await bed.addresses('d1')).sort();
    const answer = await reload(broken);
    expect(answer.ok).toBe(false);
    expect(answer.errors).toEqual(['VRRP_RUNTIME_INTERFACE_MISSING: (VI_4) interface eth9 does not exist']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await bed.addresses('d1')).sort()).toEqual(before);
  });

  it.skipIf(!HAVE_KEEPALIVED)('lowers a priority in place: keepalived on the peer preempts by the protocol, nothing else moves', async () => {
    await bed.waitSoleHolder('192.0.2.105', 'd1', ['d1', 'd2'], WAIT_MS);
    const lowered = bed.path('lowered.conf');
    const text = readFileSync(join(FIXTURES, 'after.conf'), 'utf8');
    writeFileSync(lowered, text.replace('virtual_router_id 55\n      priority 150', 'virtual_router_id 55\n      priority 50'));
    expect(readFileSync(lowered, 'utf8')).not.toBe(text);
    const answer = await reload(lowered);
    expect(answer.summary).toEqual({ unchanged: ['VI_1', 'VI_2', 'VI_4'], updated: ['VI_5'], restarted: [], added: [], removed: [] });
    await bed.waitSoleHolder('192.0.2.105', 'd2', ['d1', 'd2'], WAIT_MS);
    expect(daemon.stdout).toMatch(/\(VI_5\) Master received advert from 192\.0\.2\.2 with higher priority 100, ours 50/);
    const held = await bed.addresses('d1');
    for (const a of ['192.0.2.100', '192.0.2.110', '192.0.2.101', '192.0.2.150', '192.0.2.104']) expect(held).toContain(a);
  });
});
