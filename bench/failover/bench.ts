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
 * Loads (issue 3): `idle`, then `busy` — a checker process on the host (10,000 TCP_CHECKs,
 * delay_loop 1, against loopback listeners in another process, bench/checkers/CheckerLoad)
 * runs through every busy cell, for both backups alike; its CPU use is printed with the
 * figures so "busy" has a number.
 *
 * Run as root after `npm run build`:  node dist/bench/failover/bench.js
 * Environment: BENCH_RUNS (default 7), BENCH_SCENARIOS (`v2,v3,vips1000`),
 * BENCH_LOADS (`idle,busy`), BENCH_LOAD_SERVERS (10000).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAdvertFrame } from '../../src/vrrp/codec/AdvertCodec.js';
import { masterDownIntervalUs, skewTimeUs } from '../../src/vrrp/fsm/VrrpTimerMath.js';
import { hasNetnsSupport, PacketCapture, Topology, waitFor, type NetnsProcess } from '../../test/support/netns/index.js';
import { failoverTimeline, vipsAddedNs, type Trigger } from './CaptureTimings.js';
import { startCheckerLoad, type CheckerLoadReport } from '../checkers/CheckerLoad.js';
import { formatSpread, formatSpreadCell, nsToMs, spread } from './FailoverStats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const VIGIL_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const MASTER_MAC = '02:00:00:00:00:01';
const BACKUP_MAC = '02:00:00:00:00:02';
const WAIT_MS = 30_000;
const LOAD_SERVERS = Number(process.env['BENCH_LOAD_SERVERS'] ?? 10_000);

type Load = 'idle' | 'busy';

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

interface Cell {
  readonly scenario: Scenario;
  readonly trigger: Trigger;
  readonly boundMs: number;
}

type Column = 'advertMs' | 'vipMs' | 'announceMs';

function pick(samples: readonly Sample[], column: Column): number[] {
  return samples.map((x) => x[column]).filter((x): x is number => x !== undefined);
}

function describeLoad(r: CheckerLoadReport): string {
  const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(0)} %`);
  const s = r.windowMs / 1000;
  return (
    `checker load: ${r.servers} TCP_CHECKs, delay_loop 1, for ${s.toFixed(0)} s: ${(r.checker.probesStarted / s).toFixed(0)} probes/s ` +
    `(ok ${r.checker.ok}, failed ${r.checker.failed}); checker process ${pct(r.checkerCpuPercent)} of one core, ` +
    `backend listeners ${pct(r.farmCpuPercent)}; probe start lateness p50 ${r.checker.latenessP50Ms.toFixed(1)} ms, ` +
    `p99 ${r.checker.latenessP99Ms.toFixed(1)} ms, max ${r.checker.latenessMaxMs.toFixed(1)} ms`
  );
}

async function runCell(bench: Bench, cell: Cell, backup: DaemonKind): Promise<Sample[]> {
  const s = cell.scenario;
  const proc = bench.start('b', backup, configText(s, 100));
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const sample = await bench.oneRun(s, cell.trigger).catch((e: unknown) => {
        console.log(`  ${backup} run ${i + 1}: ${(e as Error).message}`);
        return undefined;
      });
      if (sample !== undefined) samples.push(sample);
    }
  } finally {
    await proc.stop({ graceMs: 5_000 });
    await bench.clear('b', s);
  }
  const many = s.vips.length > 1;
  console.log(`  ${backup.padEnd(10)} ${'first advert'.padEnd(17)} ${formatSpread(spread(pick(samples, 'advertMs')))}`);
  console.log(`  ${''.padEnd(10)} ${(many ? 'all VIPs added' : 'VIP added').padEnd(17)} ${formatSpread(spread(pick(samples, 'vipMs')))}`);
  console.log(`  ${''.padEnd(10)} ${(many ? 'all VIPs GARP/NA' : 'first GARP/NA').padEnd(17)} ${formatSpread(spread(pick(samples, 'announceMs')))}`);
  return samples;
}

function cellLabel(c: Cell): string {
  return `${c.scenario.key} ${c.trigger === 'crash' ? 'kill -9' : 'SIGTERM'}`;
}

/** One markdown table per measured column: idle and busy side by side for both backups. */
function printSummary(cells: readonly Cell[], loads: readonly Load[], results: ReadonlyMap<string, Sample[]>): void {
  const columns: readonly [Column, string][] = [
    ['advertMs', 'first advert'],
    ['vipMs', 'VIP added (all VIPs)'],
    ['announceMs', 'first GARP/NA (all VIPs)'],
  ];
  const heads = (['vigil', 'keepalived'] as const).flatMap((b) => loads.map((l) => [b, l] as const));
  for (const [column, title] of columns) {
    console.log(`\n${title}, ms after the old master went (min / median / max, ${RUNS} runs):\n`);
    console.log(`| setting / trigger | RFC bound | ${heads.map(([b, l]) => `${b === 'vigil' ? 'Vigil' : 'keepalived'} ${l}`).join(' | ')} |`);
    console.log(`| --- | --- | ${heads.map(() => '---').join(' | ')} |`);
    for (const c of cells) {
      const row = heads.map(([b, l]) => formatSpreadCell(spread(pick(results.get(resultKey(c, b, l)) ?? [], column)), RUNS));
      console.log(`| ${cellLabel(c)} | ${c.boundMs.toFixed(1)} | ${row.join(' | ')} |`);
    }
  }
}

function resultKey(c: Cell, backup: DaemonKind, load: Load): string {
  return `${c.scenario.key}/${c.trigger}/${backup}/${load}`;
}

async function main(): Promise<void> {
  const support = await hasNetnsSupport();
  if (!support.ok) {
    console.log(`bench/failover: cannot run here: ${support.reason}`);
    return;
  }
  const wanted = new Set((process.env['BENCH_SCENARIOS'] ?? 'v2,v3,vips1000').split(','));
  const loads = (process.env['BENCH_LOADS'] ?? 'idle,busy').split(',').filter((x): x is Load => x === 'idle' || x === 'busy');
  const cells: Cell[] = SCENARIOS.filter((x) => wanted.has(x.key)).flatMap((scenario) =>
    scenario.triggers.map((trigger) => ({
      scenario,
      trigger,
      boundMs: (trigger === 'crash' ? masterDownIntervalUs(scenario.version, 100, scenario.advertCs) : skewTimeUs(scenario.version, 100, scenario.advertCs)) / 1000,
    })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-failover-'));
  const topo = await Topology.create({
    segments: ['lan'],
    hosts: [
      { name: 'm', links: [{ segment: 'lan', ipv4: ['192.0.2.1/24'], mac: MASTER_MAC }] },
      { name: 'b', links: [{ segment: 'lan', ipv4: ['192.0.2.2/24'], mac: BACKUP_MAC }] },
    ],
  });
  const bench = new Bench(topo, dir);
  const results = new Map<string, Sample[]>();
  const loadReports: CheckerLoadReport[] = [];
  try {
    console.log(`bench/failover: ${RUNS} runs per cell; master keepalived (priority 150), backup priority 100; min / median / max from captures`);
    for (const load of loads) {
      console.log(`\n=== ${load === 'idle' ? 'idle: nothing else started' : `busy: a checker process with ${LOAD_SERVERS} TCP_CHECKs next to the backup`} ===`);
      const checker = load === 'busy' ? await startCheckerLoad({ servers: LOAD_SERVERS }) : undefined;
      try {
        for (const c of cells) {
          console.log(`\n${c.scenario.label}, ${c.trigger === 'crash' ? 'kill -9 of the master' : 'SIGTERM of the master'} — RFC bound ${c.boundMs.toFixed(1)} ms (${c.trigger === 'crash' ? 'Master_Down_Interval' : 'Skew_Time'}) — ${load}`);
          for (const backup of ['vigil', 'keepalived'] as const) results.set(resultKey(c, backup, load), await runCell(bench, c, backup));
        }
      } finally {
        if (checker !== undefined) {
          const report = await checker.stop();
          loadReports.push(report);
          console.log(`\n${describeLoad(report)}`);
        }
      }
    }
    printSummary(cells, loads, results);
    for (const r of loadReports) console.log(`\nbusy = ${describeLoad(r)}`);
  } finally {
    await topo.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
