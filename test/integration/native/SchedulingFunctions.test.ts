import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ADDON = join(REPO_ROOT, 'native', 'build', 'Release', 'vigil_net.node');
const MEMORY_MAPS = join(REPO_ROOT, 'src', 'supervisor', 'process', 'ProcessTuningMemoryMaps.ts');
const isRoot = process.getuid?.() === 0;
if (!existsSync(ADDON)) console.warn(`skipping scheduling function tests: ${ADDON} is not built`);

/**
 * Runs `body` in a fresh node process (the calls change the calling process) with `addon`
 * loaded; what it prints as JSON is returned. `wrapper` runs it as another user.
 */
function inChild(body: string, wrapper: readonly string[] = []): Record<string, unknown> {
  const script = `const addon = require(${JSON.stringify(ADDON)}); const fs = require('node:fs');\n${body}`;
  const r = spawnSync(wrapper[0] ?? process.execPath, [...wrapper.slice(1), ...(wrapper.length > 0 ? [process.execPath] : []), '--expose-gc', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child exited ${String(r.status)} (${String(r.signal)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.skipIf(!existsSync(ADDON))('vigil_net scheduling functions (0 or an errno, never a throw)', () => {
  it('answers EINVAL (22) for arguments out of range or of the wrong type', () => {
    const r = inChild(`
      console.log(JSON.stringify({
        prio: [addon.setRealtimePriority(-1), addon.setRealtimePriority('10'), addon.setRealtimePriority()],
        rlimit: [addon.setRealtimeTimeLimit(-1, 10), addon.setRealtimeTimeLimit(1, 2 ** 33), addon.setRealtimeTimeLimit(1.5, 3)],
        affinity: [addon.setCpuAffinity([]), addon.setCpuAffinity([1024]), addon.setCpuAffinity('0'), addon.setCpuAffinity([0.5])],
        lock: [addon.lockMemoryRange(1, 2), addon.lockMemoryRange(4096n, 0n), addon.lockMemoryRange(-1n, 4096n)],
      }));`);
    expect(r).toEqual({ prio: [22, 22, 22], rlimit: [22, 22, 22], affinity: [22, 22, 22, 22], lock: [22, 22, 22] });
  });

  it.skipIf(!isRoot)('as nobody: EPERM (1) for a realtime priority, and the process is unchanged', () => {
    const r = inChild(
      `const stat = () => { const t = fs.readFileSync('/proc/self/stat', 'utf8'); return t.slice(t.lastIndexOf(')') + 2).split(' '); };
       console.log(JSON.stringify({ prio: addon.setRealtimePriority(10), policy: Number(stat()[38]) }));`,
      ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    );
    expect(r).toEqual({ prio: 1, policy: 0 });
  });

  it.skipIf(!isRoot)('as root: SCHED_RR, RLIMIT_RTTIME, CPU affinity and locked program code, read back from /proc', () => {
    const r = inChild(`
      const stat = () => { const t = fs.readFileSync('/proc/self/stat', 'utf8'); return t.slice(t.lastIndexOf(')') + 2).split(' '); };
      const status = (k) => fs.readFileSync('/proc/self/status', 'utf8').split('\\n').find((l) => l.startsWith(k + ':')).slice(k.length + 1).trim();
      const results = { prio: addon.setRealtimePriority(7), rlimit: addon.setRealtimeTimeLimit(400000, 800000), affinity: addon.setCpuAffinity([0]) };
      const line = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.endsWith(process.execPath));
      const [from, to] = line.split(' ')[0].split('-').map((h) => BigInt('0x' + h));
      results.lock = addon.lockMemoryRange(from, to - from);
      const limits = fs.readFileSync('/proc/self/limits', 'utf8').split('\\n').find((l) => l.startsWith('Max realtime timeout')).split(/\\s{2,}/).slice(1, 3);
      console.log(JSON.stringify({ results, policy: Number(stat()[38]), rtPriority: Number(stat()[37]), limits, cpus: status('Cpus_allowed_list'), locked: parseInt(status('VmLck'), 10) > 0 }));`);
    expect(r).toEqual({
      results: { prio: 0, rlimit: 0, affinity: 0, lock: 0 },
      policy: 2,
      rtPriority: 7,
      limits: ['400000', '800000'],
      cpus: '0',
      locked: true,
    });
  });

  it.skipIf(!isRoot || !existsSync(MEMORY_MAPS))('with the program code locked, V8 can still free code pages (it aborts under mlockall)', () => {
    // Compiling and dropping thousands of functions makes V8 release code-space pages, which it
    // madvise()s away: refused on locked memory, fatal for Node. Only file mappings and the stack
    // are locked here, as ProcessTuningMemoryMaps chooses.
    const r = inChild(`
      let locked = 0;
      for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')) {
        const m = /^([0-9a-f]+)-([0-9a-f]+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s*(.*)$/.exec(line);
        if (!m || !((m[3].startsWith('/') && !m[3].startsWith('/dev/')) || m[3] === '[stack]')) continue;
        if (addon.lockMemoryRange(BigInt('0x' + m[1]), BigInt('0x' + m[2]) - BigInt('0x' + m[1])) === 0) locked++;
      }
      for (let round = 0; round < 8; round++) {
        let fns = [];
        for (let i = 0; i < 2000; i++) { const f = new Function('x', 'let s = ' + (round * 10000 + i) + '; for (let k = 0; k < x; k++) s += k; return s;'); for (let j = 0; j < 20; j++) f(10); fns.push(f); }
        fns = null; gc(); gc();
      }
      console.log(JSON.stringify({ locked: locked > 0, survived: true }));`);
    expect(r).toEqual({ locked: true, survived: true });
  });
});
