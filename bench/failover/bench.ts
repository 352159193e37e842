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
 * Environment: BENCH_RUNS (default 7), BENCH_SCENARIOS (`v2,v3`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAdvertFrame } from '../../src/vrrp/codec/AdvertCodec.js';
import { masterDownIntervalUs, skewTimeUs } from '../../src/vrrp/fsm/VrrpTimerMath.js';
import { hasNetnsSupport, PacketCapture, Topology, waitFor, type NetnsProcess } from '../../test/support/netns/index.js';
import { failoverTimeline, vipAddedNs, type Trigger } from './CaptureTimings.js';
import { formatSpread, nsToMs, spread } from './FailoverStats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const VIGIL_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const MASTER_MAC = '02:00:00:00:00:01';
const BACKUP_MAC = '02:00:00:00:00:02';
const VIP = '192.0.2.100';
const WAIT_MS = 30_000;

interface Scenario {
  readonly key: string;
  readonly label: string;
  readonly version: 2 | 3;
  readonly advertInt: string;
  readonly advertCs: number;
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'v2', label: 'VRRPv2, advert_int 1 s', version: 2, advertInt: '1', advertCs: 100 },
  { key: 'v3', label: 'VRRPv3, advert_int 0.1 s', version: 3, advertInt: '0.1', advertCs: 10 },
];

type DaemonKind = 'vigil' | 'keepalived';

interface Sample {
  readonly advertMs: number | undefined;
  readonly vipMs: number | undefined;
  readonly announceMs: number | undefined;
}

function configText(s: Scenario, priority: number): string {
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
        ${VIP}/24
    }
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

  async holds(host: string): Promise<boolean> {
    const r = await this.topo.exec(host, ['ip', '-j', 'addr', 'show', 'dev', 'eth0']);
    return r.stdout.includes(`"local":"${VIP}"`);
  }

  async oneRun(s: Scenario, backup: DaemonKind, trigger: Trigger): Promise<Sample | undefined> {
    await this.topo.exec('m', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
    const master = this.start('m', 'keepalived', configText(s, 150));
    try {
      await waitFor(async () => (await this.holds('m')) && !(await this.holds('b')), { timeoutMs: WAIT_MS, intervalMs: 50, description: 'm to become master' });
      // A few adverts so the backup's Master_Down_Timer is running on the master's cadence.
      await new Promise((r) => setTimeout(r, s.advertCs * 30));
      const capture = await PacketCapture.start(this.topo, { segment: 'lan' }, { file: join(this.dir, `run-${++this.serial}.pcap`), filter: ['vrrp', 'or', 'arp'] });
      const monitor = this.topo.spawn('b', ['ip', '-ts', 'monitor', 'address', 'dev', 'eth0'], { env: { TZ: 'UTC' } });
      try {
        // Trigger right after one of the master's adverts is on record, so the capture shows it.
        await waitFor(
          async () => (await capture.snapshot()).frames.some((f) => {
            const a = decodeAdvertFrame(f.data);
            return a.ok && a.ethernet.src === MASTER_MAC && a.advert.priority > 0;
          }),
          { timeoutMs: WAIT_MS, intervalMs: 5, description: 'an advert of the master in the capture' },
        );
        if (trigger === 'crash') {
          master.signal('SIGKILL');
        } else {
          master.signal('SIGTERM');
        }
        await waitFor(() => this.holds('b'), { timeoutMs: WAIT_MS, intervalMs: 20, description: 'the backup to hold the VIP' });
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await monitor.stop({ graceMs: 500 });
      }
      const pcap = await capture.stop();
      const t = failoverTimeline(pcap.frames, trigger, MASTER_MAC, BACKUP_MAC, VIP);
      if (t === undefined) return undefined;
      const added = vipAddedNs(monitor.stdout, VIP, t.masterGoneNs - 5_000_000_000n);
      const since = (ns: bigint | undefined): number | undefined => (ns === undefined ? undefined : nsToMs(ns - t.masterGoneNs));
      return { advertMs: since(t.backupAdvertNs), vipMs: since(added), announceMs: since(t.backupAnnounceNs) };
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
  const wanted = new Set((process.env['BENCH_SCENARIOS'] ?? 'v2,v3').split(','));
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
      for (const trigger of ['crash', 'sigterm'] as const) {
        const boundUs = trigger === 'crash' ? masterDownIntervalUs(s.version, 100, s.advertCs) : skewTimeUs(s.version, 100, s.advertCs);
        console.log(`\n${s.label}, ${trigger === 'crash' ? 'kill -9 of the master' : 'SIGTERM of the master'} — RFC bound ${(boundUs / 1000).toFixed(1)} ms (${trigger === 'crash' ? 'Master_Down_Interval' : 'Skew_Time'})`);
        for (const backup of ['vigil', 'keepalived'] as const) {
          const proc = bench.start('b', backup, configText(s, 100));
          const samples: Sample[] = [];
          try {
            for (let i = 0; i < RUNS; i++) {
              const sample = await bench.oneRun(s, backup, trigger).catch((e: unknown) => {
                console.log(`  ${backup} run ${i + 1}: ${(e as Error).message}`);
                return undefined;
              });
              if (sample !== undefined) samples.push(sample);
            }
          } finally {
            await proc.stop({ graceMs: 5_000 });
            await topo.exec('b', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
          }
          const pick = (f: (x: Sample) => number | undefined): number[] => samples.map(f).filter((x): x is number => x !== undefined);
          console.log(`  ${backup.padEnd(10)} first advert  ${formatSpread(spread(pick((x) => x.advertMs)))}`);
          console.log(`  ${''.padEnd(10)} VIP added     ${formatSpread(spread(pick((x) => x.vipMs)))}`);
          console.log(`  ${''.padEnd(10)} first GARP    ${formatSpread(spread(pick((x) => x.announceMs)))}`);
        }
      }
    }
  } finally {
    await topo.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
