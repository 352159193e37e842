/**
 * One measured phase of bench/ipvs, run by vmBench.ts as its own process inside a fresh
 * network namespace (`ip netns exec`): IPVS state is per namespace, so every phase starts
 * from an empty table and an empty dest trash. (A flushed table leaves its dests in the
 * kernel's dest trash for minutes, and ip_vs_add_dest scans that list on every add, which
 * would tax whichever phase ran second.) Prints one JSON line.
 *
 *   vmBenchPhase.js vigil|ipvsadm|noop SERVICES DESTS
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { IpvsClient } from '../../src/ipvs/IpvsClient.js';
import { reconcileIpvs } from '../../src/ipvs/IpvsReconciler.js';
import { benchTable } from './BenchTable.js';

function rules(): number {
  return execFileSync('ipvsadm', ['-Sn'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter((l) => l.length > 0).length;
}

async function main(): Promise<void> {
  const [mode, servicesText, destsText] = process.argv.slice(2);
  const bench = benchTable(Number(servicesText), Number(destsText));
  if (mode === 'ipvsadm') {
    writeFileSync('rules.txt', bench.rules);
    const t0 = performance.now();
    const r = spawnSync('sh', ['-c', 'ipvsadm -R < rules.txt'], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ mode, ms, exit: r.status, rules: rules() }));
    return;
  }
  const client = await IpvsClient.open();
  if (mode === 'vigil') {
    const t0 = performance.now();
    const plan = reconcileIpvs(bench.table, await client.dumpTable({ counters: false }));
    const t1 = performance.now();
    const report = await client.apply(plan);
    const t2 = performance.now();
    console.log(JSON.stringify({ mode, ms: t2 - t0, planMs: t1 - t0, applyMs: t2 - t1, failures: report.failures.length, rules: rules() }));
  } else {
    await client.apply(reconcileIpvs(bench.table, []));
    const writes = client.counters.writes;
    const t0 = performance.now();
    const current = await client.dumpTable({ counters: false });
    const t1 = performance.now();
    const plan = reconcileIpvs(bench.table, current);
    await client.apply(plan);
    const t2 = performance.now();
    execFileSync('ipvsadm', ['-Sn'], { maxBuffer: 1 << 28 });
    const saveMs = performance.now() - t2;
    console.log(JSON.stringify({ mode, ms: t2 - t0, dumpMs: t1 - t0, planMs: t2 - t1, operations: plan.length, writes: client.counters.writes - writes, ipvsadmSaveMs: saveMs }));
  }
  client.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
