import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  LINKTYPE_ETHERNET,
  PacketCapture,
  Topology,
  hasNetnsSupport,
  listNamedNamespaces,
  parseEthernetHeader,
  sweepStaleNamespaces,
  waitFor,
  type TopologySpec,
} from '../../support/netns/index.js';
import { isProcessRunning, runningGroupMembers } from '../../support/netns/ProcessTable.js';

const support = await hasNetnsSupport();
// In CI the suite must run: there a missing capability is a failure, not a skip.
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping netns harness tests: ${support.reason}`);

/** `ip -o link` of the root namespace: what no test may ever change. */
function rootLinks(): string {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  return r.stdout ?? ''; // null when ip cannot be started (then the suite is skipped anyway)
}

async function pings(topo: Topology, host: string, address: string): Promise<boolean> {
  const r = await topo.exec(host, ['ping', '-n', '-c', '1', '-W', '1', address], { timeoutMs: 5_000 });
  return r.code === 0;
}

const LAN: TopologySpec = {
  segments: ['lan'],
  hosts: [1, 2, 3].map((n) => ({
    name: `h${n}`,
    links: [{ segment: 'lan', ipv4: [`192.0.2.${n}/24`], ipv6: [`2001:db8::${n}/64`], mac: `02:00:00:00:00:0${n}` }],
  })),
};

/** client -- r1 (two legs, forwarding) -- server */
const ROUTED: TopologySpec = {
  segments: ['client', 'server'],
  hosts: [
    {
      name: 'c1',
      links: [{ segment: 'client', ipv4: ['198.51.100.10/24'], ipv6: ['2001:db8:1::10/64'] }],
      routes: [
        { to: 'default', via: '198.51.100.1' },
        { to: 'default', via: '2001:db8:1::1' },
      ],
    },
    {
      name: 'r1',
      forwarding: true,
      links: [
        { segment: 'client', ipv4: ['198.51.100.1/24'], ipv6: ['2001:db8:1::1/64'] },
        { segment: 'server', ipv4: ['203.0.113.1/24'], ipv6: ['2001:db8:2::1/64'] },
      ],
    },
    {
      name: 's1',
      links: [{ segment: 'server', ipv4: ['203.0.113.10/24'], ipv6: ['2001:db8:2::10/64'] }],
      routes: [
        { to: '198.51.100.0/24', via: '203.0.113.1' },
        { to: '2001:db8:1::/64', via: '2001:db8:2::1' },
      ],
    },
  ],
};

describe.skipIf(!support.ok && !mustRun)('netns topology harness', () => {
  const rootBefore = rootLinks();
  const open: Topology[] = [];
  let scratch = '';

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vgl-harness-'));
  });

  afterEach(async () => {
    for (const t of open.splice(0)) await t.destroy();
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    // After every topology is gone, the root namespace looks exactly as before.
    expect(rootLinks()).toBe(rootBefore);
  });

  async function create(spec: TopologySpec): Promise<Topology> {
    const t = await Topology.create(spec);
    open.push(t);
    return t;
  }

  it('joins three hosts on one bridge; all reach each other over IPv4 and IPv6', async () => {
    const topo = await create(LAN);
    // The veths exist only inside the topology's namespaces.
    expect(rootLinks()).toBe(rootBefore);
    for (const from of [1, 2, 3]) {
      for (const to of [1, 2, 3]) {
        if (from === to) continue;
        expect(await pings(topo, `h${from}`, `192.0.2.${to}`), `h${from} -> 192.0.2.${to}`).toBe(true);
        expect(await pings(topo, `h${from}`, `2001:db8::${to}`), `h${from} -> 2001:db8::${to}`).toBe(true);
      }
    }
    const link = await topo.exec('h2', ['ip', '-j', 'addr', 'show', 'dev', 'eth0']);
    const parsed = JSON.parse(link.stdout) as { address: string; addr_info: { local: string; tentative?: boolean }[] }[];
    expect(parsed[0]?.address).toBe('02:00:00:00:00:02');
    expect(parsed[0]?.addr_info.map((a) => a.local)).toEqual(expect.arrayContaining(['192.0.2.2', '2001:db8::2']));
    expect(parsed[0]?.addr_info.some((a) => a.tentative)).toBe(false);
    // IPv6 DAD is off on the host's interface.
    const dad = await topo.exec('h2', ['sysctl', '-n', 'net.ipv6.conf.eth0.accept_dad']);
    expect(dad.stdout.trim()).toBe('0');
  });

  it('routes between two segments through a host with two legs', async () => {
    const topo = await create(ROUTED);
    expect(await pings(topo, 'c1', '203.0.113.10')).toBe(true);
    expect(await pings(topo, 'c1', '2001:db8:2::10')).toBe(true);
    // One router hop: the reply's TTL / hop limit is one below the initial 64.
    const v4 = await topo.exec('c1', ['ping', '-n', '-c', '1', '-W', '1', '203.0.113.10']);
    expect(v4.stdout).toMatch(/ttl=63/);
    const v6 = await topo.exec('c1', ['ping', '-n', '-c', '1', '-W', '1', '2001:db8:2::10']);
    expect(v6.stdout).toMatch(/ttl=63/);
    // Without forwarding on r1 the client segment and the server segment are cut apart.
    await topo.exec('r1', ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    expect(await pings(topo, 'c1', '203.0.113.10')).toBe(false);
  });

  it('linkDown makes a host unreachable and linkUp brings it back', async () => {
    const topo = await create(LAN);
    expect(await pings(topo, 'h1', '192.0.2.3')).toBe(true);
    await topo.linkDown('h3', 'eth0');
    // Carrier lost, interface still administratively up: what a pulled cable looks like.
    const flags = JSON.parse((await topo.exec('h3', ['ip', '-j', 'link', 'show', 'dev', 'eth0'])).stdout) as { flags: string[] }[];
    expect(flags[0]?.flags).toEqual(expect.arrayContaining(['NO-CARRIER', 'UP']));
    // DOWN on recent kernels, LOWERLAYERDOWN on 6.1 (the kernel VM's): never UP.
    expect(['DOWN', 'LOWERLAYERDOWN']).toContain(await topo.operState('h3', 'eth0'));
    expect(await pings(topo, 'h1', '192.0.2.3')).toBe(false);
    expect(await pings(topo, 'h1', '2001:db8::3')).toBe(false);
    await topo.linkUp('h3', 'eth0');
    expect(await topo.operState('h3', 'eth0')).toBe('UP');
    // The host kept its addresses through the outage (a cable pull, not `ip link set down`).
    await waitFor(() => pings(topo, 'h1', '192.0.2.3'), { timeoutMs: 10_000, description: 'h3 reachable over IPv4' });
    await waitFor(() => pings(topo, 'h1', '2001:db8::3'), { timeoutMs: 10_000, description: 'h3 reachable over IPv6' });
  });

  it('partition silences a host whose link stays up, heal ends it', async () => {
    const topo = await create(LAN);
    expect(await pings(topo, 'h1', '192.0.2.2')).toBe(true);
    await topo.partition('h2', 'eth0');
    expect(await topo.operState('h2', 'eth0')).toBe('UP');
    expect(await pings(topo, 'h1', '192.0.2.2')).toBe(false);
    expect(await pings(topo, 'h3', '192.0.2.1')).toBe(true);
    await topo.heal('h2', 'eth0');
    await waitFor(() => pings(topo, 'h1', '192.0.2.2'), { timeoutMs: 10_000, description: 'h2 reachable after heal' });
  });

  it('exec returns exit code and both streams, and bounds a command that hangs', async () => {
    const topo = await create(LAN);
    const r = await topo.exec('h1', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    const hung = await topo.exec('h1', ['sleep', '600'], { timeoutMs: 300 });
    expect(hung.timedOut).toBe(true);
    expect(hung.code).toBeNull();
    const named = await topo.exec('h1', ['sh', '-c', 'ip -o link show eth0 | grep -c 02:00:00:00:00:01']);
    expect(named.stdout.trim()).toBe('1');
  });

  it('captures frames on a segment with timestamps', async () => {
    const topo = await create(LAN);
    const file = join(scratch, 'lan.pcap');
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    const cap = await PacketCapture.start(topo, { segment: 'lan' }, { file, filter: ['icmp', 'or', 'icmp6'] });
    expect(await pings(topo, 'h1', '192.0.2.2')).toBe(true);
    expect(await pings(topo, 'h3', '2001:db8::1')).toBe(true);
    const pcap = await cap.stop();
    const stoppedNs = BigInt(Date.now()) * 1_000_000n;
    expect(pcap.linkType).toBe(LINKTYPE_ETHERNET);

    const eth = pcap.frames.map((f) => ({ f, h: parseEthernetHeader(f.data) }));
    // ICMP echo request (IPv4 protocol 1, type 8) from h1's MAC to h2's MAC.
    const request = eth.find(
      ({ h }) =>
        h?.etherType === ETHERTYPE_IPV4 &&
        h.source === '02:00:00:00:00:01' &&
        h.destination === '02:00:00:00:00:02' &&
        h.payload[9] === 1 &&
        h.payload[20] === 8,
    );
    expect(request).toBeDefined();
    // ICMPv6 echo request (next header 58, type 128) from h3 to h1.
    const request6 = eth.find(
      ({ h }) => h?.etherType === ETHERTYPE_IPV6 && h.source === '02:00:00:00:00:03' && h.payload[6] === 58 && h.payload[40] === 128,
    );
    expect(request6).toBeDefined();
    // Timestamps are real capture times, in order.
    const ts = pcap.frames.map((f) => f.timestampNs);
    for (let i = 1; i < ts.length; i++) expect(ts[i]! >= ts[i - 1]!).toBe(true);
    expect(ts[0]! >= startedNs - 1_000_000_000n && ts[ts.length - 1]! <= stoppedNs + 1_000_000_000n).toBe(true);
  });

  it('captures on one host leg only what that host sends or receives', async () => {
    const topo = await create(LAN);
    const file = join(scratch, 'h3.pcap');
    const cap = await PacketCapture.start(topo, { host: 'h3', ifname: 'eth0' }, { file, filter: ['icmp'] });
    expect(await pings(topo, 'h1', '192.0.2.2')).toBe(true);
    expect(await pings(topo, 'h1', '192.0.2.3')).toBe(true);
    const pcap = await cap.stop();
    const peers = new Set(pcap.frames.map((f) => parseEthernetHeader(f.data)).flatMap((h) => (h ? [h.source, h.destination] : [])));
    expect(peers.has('02:00:00:00:00:03')).toBe(true);
    expect(peers.has('02:00:00:00:00:02')).toBe(false);
  });

  it('destroy kills spawned process groups and escaped daemons, deletes the namespaces, and is idempotent', async () => {
    const topo = await Topology.create(LAN);
    const group = topo.spawn('h1', ['sh', '-c', 'sleep 1000 & sleep 1000 & echo started; wait']);
    await group.waitForOutput(/started/, { timeoutMs: 5_000 });
    const members = runningGroupMembers(group.pid);
    expect(members.length).toBe(3); // sh and both sleeps
    // A daemon that left the process group (new session) is still caught: it runs in h2's namespace.
    const escaper = topo.spawn('h2', ['sh', '-c', 'setsid sleep 1000 & echo $!']);
    const m = await escaper.waitForOutput(/^(\d+)$/m, { timeoutMs: 5_000 });
    const escapedPid = Number(m[1]);
    await waitFor(() => isProcessRunning(escapedPid), { timeoutMs: 5_000 });

    await topo.destroy();
    expect(runningGroupMembers(group.pid)).toEqual([]);
    for (const pid of members) expect(isProcessRunning(pid)).toBe(false);
    expect(isProcessRunning(escapedPid)).toBe(false);
    const names = listNamedNamespaces();
    for (const ns of topo.namespaces) expect(names).not.toContain(ns);

    await expect(topo.destroy()).resolves.toBeUndefined();
    expect(() => topo.spawn('h1', ['true'])).toThrow(/destroyed/);
  });

  it('the sweeper removes namespaces of dead runs and keeps those of live ones', async () => {
    const gone = spawnSync('true');
    const deadPid = gone.pid!;
    expect(existsSync(`/proc/${deadPid}`)).toBe(false);
    const stale = `vgl-${deadPid}-abc123-br`;
    const live = `vgl-${process.ppid}-abc123-br`;
    try {
      spawnSync('ip', ['netns', 'add', stale]);
      spawnSync('ip', ['netns', 'add', live]);
      const removed = await sweepStaleNamespaces();
      expect(removed).toContain(stale);
      expect(removed).not.toContain(live);
      expect(listNamedNamespaces()).not.toContain(stale);
      expect(listNamedNamespaces()).toContain(live);
    } finally {
      spawnSync('ip', ['netns', 'del', stale]);
      spawnSync('ip', ['netns', 'del', live]);
    }
  });
});
