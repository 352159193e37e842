/**
 * Runs INSIDE the kernel VM (compiled to dist/bench/ipvs/vmBench.js; bench/ipvs/bench.ts
 * boots the VM): for each size, programs N services × 10 dests from empty with Vigil and
 * the same rules with `ipvsadm -R`, then a no-op reconcile of the largest table. Each
 * phase is a process in a fresh network namespace (see vmBenchPhase.ts). Prints figures;
 * asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIZES = (process.env['BENCH_IPVS_SIZES'] ?? '1000,10000').split(',').map(Number);
const DESTS = Number(process.env['BENCH_IPVS_DESTS'] ?? 10);
const PHASE = fileURLToPath(new URL('./vmBenchPhase.js', import.meta.url));

let namespaces = 0;

/** Runs one phase in a namespace of its own and returns its JSON line. */
function phase(mode: 'vigil' | 'ipvsadm' | 'noop', services: number): Record<string, number> {
  const ns = `vgl-bench-${++namespaces}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    // ip_vs_new_dest checks the dest's address type through the routing tables: with the
    // namespace's loopback down every address looks unusable and adds fail with EINVAL.
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, PHASE, mode, String(services), String(DESTS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

const s = (ms: number | undefined): string => `${((ms ?? 0) / 1000).toFixed(2)} s`;

console.log(`bench/ipvs: Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()} in the project VM, ${execFileSync('ipvsadm', ['--version'], { encoding: 'utf8' }).trim()}`);
/** Small tables are quick and noisy on a shared machine: measure them a few times, report the median. */
const runsFor = (size: number): number => Number(process.env['BENCH_IPVS_RUNS'] ?? (size <= 2000 ? 3 : 1));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

for (const size of SIZES) {
  const vigilRuns: Record<string, number>[] = [];
  const ipvsadmRuns: Record<string, number>[] = [];
  for (let run = 0; run < runsFor(size); run++) {
    // Alternate the order so neither side always runs on a warmer (or busier) machine.
    if (run % 2 === 0) {
      vigilRuns.push(phase('vigil', size));
      ipvsadmRuns.push(phase('ipvsadm', size));
    } else {
      ipvsadmRuns.push(phase('ipvsadm', size));
      vigilRuns.push(phase('vigil', size));
    }
  }
  const vigilMs = median(vigilRuns.map((r) => r['ms'] ?? 0));
  const ipvsadmMs = median(ipvsadmRuns.map((r) => r['ms'] ?? 0));
  const vigil = vigilRuns.find((r) => r['ms'] === vigilMs) ?? {};
  const ipvsadm = ipvsadmRuns.find((r) => r['ms'] === ipvsadmMs) ?? {};
  console.log(
    `${`${size} x ${DESTS}`.padEnd(12)} ${String(size * (DESTS + 1)).padStart(7)} entries  vigil ${s(vigilMs).padStart(9)} (plan ${s(vigil['planMs'])}, apply ${s(vigil['applyMs'])}, ${vigil['failures']} failed, ${vigil['rules']} rules)` +
      `  ipvsadm -R ${s(ipvsadmMs).padStart(9)} (exit ${ipvsadm['exit']}, ${ipvsadm['rules']} rules)  ratio ${(ipvsadmMs / (vigilMs || 1)).toFixed(2)}x` +
      (vigilRuns.length > 1 ? `  [median of ${vigilRuns.length}: vigil ${vigilRuns.map((r) => s(r['ms'])).join(' ')}; ipvsadm ${ipvsadmRuns.map((r) => s(r['ms'])).join(' ')}]` : ''),
  );
}
const largest = Math.max(...SIZES);
const noop = phase('noop', largest);
console.log(
  `no-op reconcile of ${largest} x ${DESTS}: ${s(noop['ms'])} (dump ${s(noop['dumpMs'])}, plan ${s(noop['planMs'])}), ${noop['operations']} operations, kernel writes ${noop['writes']}  (ipvsadm -Sn of the same table: ${s(noop['ipvsadmSaveMs'])})`,
);
