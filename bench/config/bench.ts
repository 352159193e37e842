/**
 * bench/config: parse + validate a generated keepalived.conf of 10,000 virtual servers × 4 real
 * servers, the size of a large director. Prints figures; asserts nothing (speed is not a test).
 * Run: npm run bench:config  (needs `npm run build` first; the script does it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfigFile } from '../../src/config/parseConfig.js';
import { modelFromParsed } from '../../src/config/loadConfig.js';
import { generateLargeConfig } from './generateLargeConfig.js';

const VIRTUAL_SERVERS = Number(process.env['BENCH_VS'] ?? 10_000);
const REAL_SERVERS = Number(process.env['BENCH_RS'] ?? 4);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-config-'));
try {
  const file = join(dir, 'keepalived.conf');
  const text = generateLargeConfig(VIRTUAL_SERVERS, REAL_SERVERS);
  writeFileSync(file, text);
  const lines = text.split('\n').length;
  console.log(`bench/config: ${VIRTUAL_SERVERS} virtual servers x ${REAL_SERVERS} real servers, ${lines} lines, ${(text.length / 1e6).toFixed(1)} MB`);

  const parse: number[] = [];
  const model: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const parsed = parseConfigFile(file, { configId: 'bench' });
    const t1 = performance.now();
    const loaded = modelFromParsed(parsed);
    const t2 = performance.now();
    if (!loaded.model) throw new Error(`generated config invalid: ${loaded.diagnostics.find((d) => d.severity === "error")?.message}`);
    if (loaded.model.virtualServers.length !== VIRTUAL_SERVERS) throw new Error('wrong virtual server count');
    parse.push(t1 - t0);
    model.push(t2 - t1);
    total.push(t2 - t0);
  }
  const fmt = (xs: number[]): string => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  console.log(`  parse (lex, preprocess, statement tree): ${fmt(parse)}`);
  console.log(`  build + validate model:                  ${fmt(model)}`);
  console.log(`  vigil total:                             ${fmt(total)}  (goal < 1000 ms)`);

  if (existsSync('/usr/sbin/keepalived')) {
    // Same file through the reference implementation's own config test, for scale.
    const t0 = performance.now();
    try {
      execFileSync('/usr/sbin/keepalived', ['-t', '-f', file, '-n', '-l'], { stdio: 'ignore', timeout: 120_000 });
    } catch {
      // keepalived exits 5 on warnings (e.g. unknown interfaces); only the time matters here.
    }
    const k = performance.now() - t0;
    console.log(`  keepalived -t (2.2.7, same file):        ${k.toFixed(0)} ms  (ratio vigil/keepalived ${(median(total) / k).toFixed(2)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
