import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, listNamedNamespaces, sweepStaleNamespaces, waitFor } from '../../support/netns/index.js';
import { isProcessRunning } from '../../support/netns/ProcessTable.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The harness compiled to plain ESM in a scratch directory, so that a separate node
 * process (one that can be made to exit, or be killed, mid-test) can use it.
 */
function compileHarness(into: string): void {
  const sources = [
    'src/core/VigilError.ts',
    ...['src/lab/netns', 'test/support/netns'].flatMap((dir) =>
      readdirSync(join(repoRoot, dir))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`),
    ),
  ];
  for (const rel of sources) {
    const out = ts.transpileModule(readFileSync(join(repoRoot, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = join(into, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  writeFileSync(join(into, 'package.json'), '{ "type": "module" }\n');
  // Builds a one-host topology, starts a sleeper in it, prints both, then waits to be
  // told (argv[2]) how to end: a plain exit, or by a signal from the test.
  writeFileSync(
    join(into, 'child.js'),
    `import { Topology } from './test/support/netns/index.js';
const topo = await Topology.create({ segments: ['lan'], hosts: [{ name: 'a', links: [{ segment: 'lan', ipv4: ['192.0.2.1/24'] }] }] });
const sleeper = topo.spawn('a', ['sleep', '1000']);
console.log(JSON.stringify({ namespaces: topo.namespaces, sleeper: sleeper.pid }));
if (process.argv[2] === 'exit') process.exit(0);
setInterval(() => undefined, 1000);
`,
  );
}

interface ChildReport {
  namespaces: string[];
  sleeper: number;
}

/** Starts the child, waits for its report, ends it the given way, waits for it to go. */
async function runChild(dir: string, end: 'exit' | 'SIGTERM' | 'SIGKILL'): Promise<ChildReport> {
  const child = spawn(process.execPath, [join(dir, 'child.js'), end === 'exit' ? 'exit' : 'wait'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const report = await waitFor(() => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]!) as ChildReport) : undefined), {
    timeoutMs: 30_000,
    description: 'the child to build its topology',
  });
  if (end !== 'exit') child.kill(end);
  await exited;
  return report;
}

describe.skipIf(!support.ok && !mustRun)('cleanup when a test process ends without destroy()', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vgl-exit-'));
    compileHarness(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['exit', 'SIGTERM'] as const)('removes namespaces and processes when the process ends by %s', async (end) => {
    const r = await runChild(dir, end);
    const names = listNamedNamespaces();
    for (const ns of r.namespaces) expect(names).not.toContain(ns);
    await waitFor(() => !isProcessRunning(r.sleeper), { timeoutMs: 5_000, description: 'the sleeper to be gone' });
  });

  it('leaves SIGKILL leftovers to the stale-namespace sweeper, which removes them', async () => {
    const r = await runChild(dir, 'SIGKILL');
    expect(listNamedNamespaces()).toEqual(expect.arrayContaining(r.namespaces));
    expect(isProcessRunning(r.sleeper)).toBe(true);
    const removed = await sweepStaleNamespaces();
    expect(removed).toEqual(expect.arrayContaining(r.namespaces));
    for (const ns of r.namespaces) expect(listNamedNamespaces()).not.toContain(ns);
    expect(isProcessRunning(r.sleeper)).toBe(false);
  });
});
