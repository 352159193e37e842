/**
 * bench/ipvs: Vigil vs `ipvsadm -R` programming a table from empty (1,000 × 10 and
 * 10,000 × 10), then a no-op reconcile of the full table, all in one boot of the project's
 * kernel VM (IPVS needs a kernel that has it). Prints times and ratios; asserts nothing.
 * Run: npm run bench:ipvs (builds first). BENCH_IPVS_SIZES=1000,10000 BENCH_IPVS_DESTS=10.
 * Figures come from a software-emulated guest: compare ratios, not absolute times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelVmAvailable, runInKernel } from '../../test/support/kernel-vm/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const guest = resolve(here, 'vmBench.js');

const availability = await kernelVmAvailable();
if (!availability.ok) {
  console.error(`bench/ipvs: ${availability.reason}`);
  process.exitCode = 1;
} else {
  const cwd = mkdtempSync(join(tmpdir(), 'vigil-bench-ipvs-'));
  try {
    const run = await runInKernel(['node', guest], { cwd, timeoutMs: 40 * 60_000 });
    process.stdout.write(run.stdout);
    if (run.code !== 0) {
      process.stderr.write(run.stderr);
      process.exitCode = 1;
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
