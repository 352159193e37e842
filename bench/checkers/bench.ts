/**
 * bench/checkers: the issue's three runs, each printing figures (nothing is asserted):
 *   1. 10,000 real servers with TCP_CHECK, delay_loop 1, on loopback;
 *   2. the same with HTTP_GET;
 *   3. 1,000 virtual servers sharing 100 backends (dedup: probes actually sent).
 * For each: CPU of the checker process (backends run in a child process), p50 / p99 / max
 * lateness of probe starts against their schedule, probes per second, failures, open fds and
 * RSS. Run: npm run build && node dist/bench/checkers/bench.js [seconds] [tcp|http|dedup|all]
 * (BENCH_SERVERS=10000 to change the size).
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadConfigText } from '../../src/config/loadConfig.js';
import { CheckerEngine } from '../../src/checker/engine/CheckerEngine.js';
import { networkProbeRunner, type ProbeRunner } from '../../src/checker/probe/ProbeRunner.js';
import { startBackendFarm, stopBackendFarm } from './BackendFarmProcess.js';
import { checkerLoadConfigText } from './CheckerLoadConfig.js';

const SECONDS = Number(process.argv[2] ?? 60);
const WHICH = process.argv[3] ?? 'all';
const SERVERS = Number(process.env['BENCH_SERVERS'] ?? 10_000);
const SETTLE_MS = 3000;

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

async function run(name: string, kind: 'tcp' | 'http', vsCount: number, rsPerVs: number, backends: number, pick: (i: number, j: number) => number): Promise<void> {
  const farm = await startBackendFarm(kind, backends);
  const text = checkerLoadConfigText(kind, farm.ports, vsCount, rsPerVs, pick);
  const loaded = loadConfigText(text, 'bench.conf');
  if (!loaded.model) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
  let ok = 0;
  let failed = 0;
  const reasons = new Map<string, number>();
  const counting: ProbeRunner = {
    run: (spec) =>
      networkProbeRunner.run(spec).then((o) => {
        if (o.ok) ok++;
        else {
          failed++;
          reasons.set(o.reason, (reasons.get(o.reason) ?? 0) + 1);
        }
        return o;
      }),
  };
  const engine = new CheckerEngine(loaded.model, { runner: counting });
  const fdsBefore = openFds();
  engine.start();
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  engine.lateness.reset();
  ok = 0;
  failed = 0;
  reasons.clear();
  const started0 = engine.statistics().started;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let maxFds = 0;
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxFds = Math.max(maxFds, openFds());
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }, 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(sampler);
  const elapsedUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = engine.statistics();
  const probes = stats.started - started0;
  await engine.stop();
  await stopBackendFarm(farm);

  const l = engine.lateness;
  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
  console.log(`\n== ${name} ==`);
  console.log(`  virtual servers ${vsCount}, real servers ${vsCount * rsPerVs}, backends ${farm.ports.length}, distinct probes ${stats.distinct}`);
  console.log(`  window ${(elapsedUs / 1e6).toFixed(1)} s: probes sent ${probes} (${(probes / (elapsedUs / 1e6)).toFixed(0)}/s), ok ${ok}, failed ${failed}${failed ? ` ${JSON.stringify(Object.fromEntries(reasons))}` : ''}`);
  console.log(
    `  checker CPU ${(((cpu.user + cpu.system) / elapsedUs) * 100).toFixed(1)} % of one core (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s), ` +
      `${probes ? ((cpu.user + cpu.system) / probes).toFixed(1) : '-'} us per probe`,
  );
  console.log(`  host load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} CPUs; other work on the host inflates lateness)`);
  console.log(`  lateness p50 ${fmt(l.percentileMs(50))}, p99 ${fmt(l.percentileMs(99))}, max ${fmt(l.maxMs)} (${l.count} starts)`);
  console.log(`  open fds max ${maxFds} (${fdsBefore} before start), RSS max ${(maxRss / 1024 / 1024).toFixed(0)} MiB`);
}

console.log(`bench/checkers: ${SECONDS} s per run, node ${process.version}`);
if (WHICH === 'all' || WHICH === 'tcp') await run('TCP_CHECK, delay_loop 1', 'tcp', SERVERS / 100, 100, SERVERS, (i, j) => i * 100 + j);
if (WHICH === 'all' || WHICH === 'http') await run('HTTP_GET, delay_loop 1', 'http', SERVERS / 100, 100, SERVERS, (i, j) => i * 100 + j);
if (WHICH === 'all' || WHICH === 'dedup') await run('dedup: 1,000 virtual servers x 10 real servers over 100 shared backends, TCP_CHECK', 'tcp', 1000, 10, 100, (i, j) => (i * 10 + j) % 100);
