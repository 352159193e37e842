/**
 * bench/failover: how fast a backup takes over, Vigil and keepalived side by side in one
 * namespace topology (master `m` runs keepalived at priority 150; backup `b` runs Vigil,
 * then keepalived, at priority 100). For each protocol setting and trigger (kill -9 of the
 * master's process group, SIGTERM) it measures, from frames captured on the bridge and
 * `ip -ts monitor address` in the backup's namespace:
 *   old master gone (last advert / priority-0 advert) -> backup's first advert,
 *                                                      -> VIP on the backup's interface,
 *                                                      -> backup's first GARP / NA.
 * "VIP added" is when `ip monitor` (a user-space process) read the notification, so on a
 * busy machine it is an upper bound; the two capture-based figures are kernel timestamps.
 * Prints min / median / max next to the RFC bound (Master_Down_Interval for a crash,
 * Skew_Time for SIGTERM). Asserts nothing: speed is not a test.
 *
 * Run as root after `npm run build`:  node dist/bench/failover/bench.js
 * Environment: BENCH_RUNS (default 7), BENCH_SCENARIOS (`v2,v3,vips1000`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAdvertFrame } from '../../src/vrrp/codec/AdvertCodec.js';
import { masterDownIntervalUs, skewTimeUs } from '../../src/vrrp/fsm/VrrpTimerMath.js';
import { hasNetnsSupport, PacketCapture, Topology, waitFor, type NetnsProcess } from '../../test/support/netns/index.js';
import { failoverTimeline, vipsAddedNs, type Trigger } from './CaptureTimings.js';
import { formatSpread, nsToMs, spread } from './FailoverStats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const VIGIL_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const MASTER_MAC = '02:00:00:00:00:01';
const BACKUP_MAC = '02:00:00:00:00:02';
const WAIT_MS = 30_000;

interface Scenario {
  readonly key: string;
  readonly label: string;
  readonly version: 2 | 3;
  readonly advertInt: string;
  readonly advertCs: number;
  /** The first goes in `virtual_ipaddress` (and the adverts), the rest in `virtual_ipaddress_excluded`. */
  readonly vips: readonly string[];
  readonly prefixLength: number;
  readonly triggers: readonly Trigger[];
}

/** 2001:db8:1::1 ... : RFC 3849 documentation addresses, as many as asked. */
function manyIpv6(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}`);
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'v2', label: 'VRRPv2, advert_int 1 s', version: 2, advertInt: '1', advertCs: 100, vips: ['192.0.2.100'], prefixLength: 24, triggers: ['crash', 'sigterm'] },
  { key: 'v3', label: 'VRRPv3, advert_int 0.1 s', version: 3, advertInt: '0.1', advertCs: 10, vips: ['192.0.2.100'], prefixLength: 24, triggers: ['crash', 'sigterm'] },
  {
    key: 'vips1000',
    label: 'VRRPv3 over IPv6, advert_int 0.1 s, 1,000 VIPs (1 advertised + 999 excluded)',
    version: 3,
    advertInt: '0.1',
    advertCs: 10,
    vips: ['2001:db8::100', ...manyIpv6(999)],
    prefixLength: 64,
    triggers: ['crash'],
  },
];

type DaemonKind = 'vigil' | 'keepalived';

interface Sample {
  readonly advertMs: number | undefined;
  /** The last VIP to appear on the backup's interface. */
  readonly vipMs: number | undefined;
  /** The last VIP to get its first GARP / NA. */
  readonly announceMs: number | undefined;
}

function configText(s: Scenario, priority: number): string {
  const [first, ...rest] = s.vips;
  const excluded = rest.length === 0 ? '' : `virtual_ipaddress_excluded {\n${rest.map((v) => `        ${v}/${s.prefixLength}`).join('\n')}\n    }`;
  return `global_defs {
    router_id bench
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int ${s.advertInt}
    ${s.version === 3 ? 'version 3' : ''}
    virtual_ipaddress {
        ${first ?? ''}/${s.prefixLength}
    }
    ${excluded}
}
`;
}

class Bench {
  private serial = 0;
  constructor(
    readonly topo: Topology,
    readonly dir: string,
  ) {}

  start(host: string, kind: DaemonKind, config: string): NetnsProcess {
    const base = join(this.dir, `${host}-${kind}-${++this.serial}`);
    writeFileSync(`${base}.conf`, config);
    const pids = ['-p', `${base}.pid`, '-r', `${base}-vrrp.pid`];
    return kind === 'vigil'
      ? this.topo.spawn(host, [process.execPath, VIGIL_MAIN, '-n', '-l', '-P', '-f', `${base}.conf`, ...pids])
      : this.topo.spawn(host, ['keepalived', '-n', '-l', '-P', '-f', `${base}.conf`, ...pids, '-c', `${base}-checkers.pid`]);
  }

  async holds(host: string, vip: string): Promise<boolean> {
    const r = await this.topo.exec(host, ['ip', '-j', 'addr', 'show', 'dev', 'eth0']);
    return r.stdout.includes(`"local":"${vip}"`);
  }

  /** Removes every VIP of the scenario from `host` (what a restart after a crash does first). */
  async clear(host: string, s: Scenario): Promise<void> {
    if (s.prefixLength === 64) await this.topo.exec(host, ['ip', '-6', 'addr', 'flush', 'dev', 'eth0', 'scope', 'global']);
    else for (const vip of s.vips) await this.topo.exec(host, ['ip', 'addr', 'del', `${vip}/${s.prefixLength}`, 'dev', 'eth0']);
  }

  async oneRun(s: Scenario, trigger: Trigger): Promise<Sample | undefined> {
    const main = s.vips[0] ?? '';
    const last = s.vips[s.vips.length - 1] ?? main;
    await this.clear('m', s);
    const master = this.start('m', 'keepalived', configText(s, 150));
    try {
      await waitFor(async () => (await this.holds('m', main)) && !(await this.holds('b', main)), { timeoutMs: WAIT_MS, intervalMs: 50, description: 'm to become master' });
      await waitFor(() => this.holds('m', last), { timeoutMs: WAIT_MS, intervalMs: 50, description: 'm to hold every VIP' });
      // A few adverts so the backup's Master_Down_Timer is running on the master's cadence.
      await new Promise((r) => setTimeout(r, s.advertCs * 30));
      const filter = s.prefixLength === 64 ? ['ip6'] : ['vrrp', 'or', 'arp'];
      const capture = await PacketCapture.start(this.topo, { segment: 'lan' }, { file: join(this.dir, `run-${++this.serial}.pcap`), filter });
      const monitor = this.topo.spawn('b', ['ip', '-ts', 'monitor', 'address', 'dev', 'eth0'], { env: { TZ: 'UTC' } });
      try {
        // Trigger right after one of the master's adverts is on record, so the capture shows it.
        await waitFor(
          async () =>
            (await capture.snapshot()).frames.some((f) => {
              const a = decodeAdvertFrame(f.data);
              return a.ok && a.ethernet.src === MASTER_MAC && a.advert.priority > 0;
            }),
          { timeoutMs: WAIT_MS, intervalMs: 5, description: 'an advert of the master in the capture' },
        );
        master.signal(trigger === 'crash' ? 'SIGKILL' : 'SIGTERM');
        await waitFor(() => this.holds('b', last), { timeoutMs: WAIT_MS, intervalMs: 20, description: 'the backup to hold every VIP' });
        // Let the announcements finish (5 per VIP, garp_master_repeat) before the capture stops.
        await new Promise((r) => setTimeout(r, s.vips.length > 1 ? 3_000 : 500));
      } finally {
        await monitor.stop({ graceMs: 500 });
      }
      const pcap = await capture.stop();
      const t = failoverTimeline(pcap.frames, trigger, MASTER_MAC, BACKUP_MAC, s.vips);
      if (t === undefined) return undefined;
      const added = vipsAddedNs(monitor.stdout, s.vips, t.masterGoneNs - 5_000_000_000n);
      const since = (ns: bigint | undefined): number | undefined => (ns === undefined ? undefined : nsToMs(ns - t.masterGoneNs));
      return { advertMs: since(t.backupAdvertNs), vipMs: since(added), announceMs: since(t.backupAnnouncedNs) };
    } finally {
      await master.stop({ graceMs: 3_000 });
    }
  }
}

async function main(): Promise<void> {
  const support = await hasNetnsSupport();
  if (!support.ok) {
    console.log(`bench/failover: cannot run here: ${support.reason}`);
    return;
  }
  const wanted = new Set((process.env['BENCH_SCENARIOS'] ?? 'v2,v3,vips1000').split(','));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-failover-'));
  const topo = await Topology.create({
    segments: ['lan'],
    hosts: [
      { name: 'm', links: [{ segment: 'lan', ipv4: ['192.0.2.1/24'], mac: MASTER_MAC }] },
      { name: 'b', links: [{ segment: 'lan', ipv4: ['192.0.2.2/24'], mac: BACKUP_MAC }] },
    ],
  });
  const bench = new Bench(topo, dir);
  try {
    console.log(`bench/failover: ${RUNS} runs per cell; master keepalived (priority 150), backup priority 100; min / median / max from captures`);
    for (const s of SCENARIOS.filter((x) => wanted.has(x.key))) {
      for (const trigger of s.triggers) {
        const boundUs = trigger === 'crash' ? masterDownIntervalUs(s.version, 100, s.advertCs) : skewTimeUs(s.version, 100, s.advertCs);
        console.log(`\n${s.label}, ${trigger === 'crash' ? 'kill -9 of the master' : 'SIGTERM of the master'} — RFC bound ${(boundUs / 1000).toFixed(1)} ms (${trigger === 'crash' ? 'Master_Down_Interval' : 'Skew_Time'})`);
        for (const backup of ['vigil', 'keepalived'] as const) {
          const proc = bench.start('b', backup, configText(s, 100));
          const samples: Sample[] = [];
          try {
            for (let i = 0; i < RUNS; i++) {
              const sample = await bench.oneRun(s, trigger).catch((e: unknown) => {
                console.log(`  ${backup} run ${i + 1}: ${(e as Error).message}`);
                return undefined;
              });
              if (sample !== undefined) samples.push(sample);
            }
          } finally {
            await proc.stop({ graceMs: 5_000 });
            await bench.clear('b', s);
          }
          const pick = (f: (x: Sample) => number | undefined): number[] => samples.map(f).filter((x): x is number => x !== undefined);
          console.log(`  ${backup.padEnd(10)} ${'first advert'.padEnd(17)} ${formatSpread(spread(pick((x) => x.advertMs)))}`);
          const many = s.vips.length > 1;
          console.log(`  ${''.padEnd(10)} ${(many ? 'all VIPs added' : 'VIP added').padEnd(17)} ${formatSpread(spread(pick((x) => x.vipMs)))}`);
          console.log(`  ${''.padEnd(10)} ${(many ? 'all VIPs GARP/NA' : 'first GARP/NA').padEnd(17)} ${formatSpread(spread(pick((x) => x.announceMs)))}`);
        }
      }
    }
  } finally {
    await topo.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
