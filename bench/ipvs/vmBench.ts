/**
 * Runs INSIDE the kernel VM (compiled to dist/bench/ipvs/vmBench.js; bench/ipvs/bench.ts
 * boots the VM): programs N services × 10 dests from empty with Vigil and the same rules
 * with `ipvsadm -R`, for each N, then a no-op reconcile of the largest table. Prints
 * figures; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { IpvsClient } from '../../src/ipvs/IpvsClient.js';
import { reconcileIpvs } from '../../src/ipvs/IpvsReconciler.js';
import { benchTable } from './BenchTable.js';

const SIZES = (process.env['BENCH_IPVS_SIZES'] ?? '1000,10000').split(',').map(Number);
const DESTS = Number(process.env['BENCH_IPVS_DESTS'] ?? 10);

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function ipvsadmCount(): number {
  return execFileSync('ipvsadm', ['-Sn'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter((l) => l.length > 0).length;
}

async function main(): Promise<void> {
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  console.log(`bench/ipvs: Linux ${kernel} in the project VM, ${execFileSync('ipvsadm', ['--version'], { encoding: 'utf8' }).trim()}`);
  const client = await IpvsClient.open();
  const rows: string[] = [];
  let last: ReturnType<typeof benchTable> | null = null;
  for (const size of SIZES) {
    execFileSync('ipvsadm', ['-C']);
    const bench = benchTable(size, DESTS);
    last = bench;
    const entries = size * (DESTS + 1);

    const t0 = performance.now();
    const current = await client.dumpTable({ counters: false });
    const plan = reconcileIpvs(bench.table, current);
    const t1 = performance.now();
    const report = await client.apply(plan);
    const t2 = performance.now();
    const vigilMs = t2 - t0;
    const programmed = ipvsadmCount();

    execFileSync('ipvsadm', ['-C']);
    writeFileSync('rules.txt', bench.rules);
    const t3 = performance.now();
    const restore = spawnSync('sh', ['-c', 'ipvsadm -R < rules.txt'], { encoding: 'utf8' });
    const ipvsadmMs = performance.now() - t3;
    const restored = ipvsadmCount();

    rows.push(
      `${`${size} x ${DESTS}`.padEnd(12)} ${String(entries).padStart(7)} entries  vigil ${seconds(vigilMs).padStart(9)} (plan ${seconds(t1 - t0)}, apply ${seconds(t2 - t1)}, ${report.failures.length} failed, ${programmed} rules)` +
        `  ipvsadm -R ${seconds(ipvsadmMs).padStart(9)} (exit ${String(restore.status)}, ${restored} rules)  ratio ${(ipvsadmMs / vigilMs).toFixed(2)}x`,
    );
    console.log(rows[rows.length - 1]);
  }
  if (last !== null) {
    // Leave the largest table programmed by Vigil, then reconcile it again: nothing to write.
    execFileSync('ipvsadm', ['-C']);
    await client.apply(reconcileIpvs(last.table, []));
    const writes = client.counters.writes;
    const t0 = performance.now();
    const current = await client.dumpTable({ counters: false });
    const t1 = performance.now();
    const plan = reconcileIpvs(last.table, current);
    await client.apply(plan);
    const t2 = performance.now();
    const t3 = performance.now();
    execFileSync('ipvsadm', ['-Sn'], { maxBuffer: 1 << 28 });
    const saveMs = performance.now() - t3;
    console.log(
      `no-op reconcile of ${last.table.length} x ${DESTS}: ${seconds(t2 - t0)} (dump ${seconds(t1 - t0)}, plan ${seconds(t2 - t1)}), ${plan.length} operations, kernel writes ${client.counters.writes - writes}` +
        `  (ipvsadm -Sn of the same table: ${seconds(saveMs)})`,
    );
  }
  execFileSync('ipvsadm', ['-C']);
  client.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
