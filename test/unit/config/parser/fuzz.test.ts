import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedConfig, Statement, Word } from '../../../../src/config/ConfigAst.js';
import type { SourcePos } from '../../../../src/config/SourcePos.js';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { parserFixtures, sharedSamples } from './fixturePaths.js';

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREPROCESSOR_SEED = [
  '$PRIO=100',
  '$ML= \\',
  'vrrp_instance VI_${N} { \\',
  '  priority ${PRIO} \\',
  '  @node1 state MASTER \\',
  '}',
  '',
  '~SEQ(N, 1, 3) $ML',
  '~LST({a,b}, {1,2}, {3,4}) virtual_ipaddress { 192.0.2.${a}${b} }',
  '@^node1 include other.conf',
  'include conf.d/*.conf',
  'notify "/bin/echo \\"x\\" \'y z\'" # comment',
  'auth_pass ab\\#c!d',
  '',
].join('\n');

function seeds(): Buffer[] {
  const out = [
    readFileSync(resolve(parserFixtures, 'lvs-sample.conf')),
    readFileSync(resolve(parserFixtures, 'gbk-comment.conf')),
    readFileSync(resolve(parserFixtures, 'includes/main.conf')),
    Buffer.from(PREPROCESSOR_SEED, 'utf8'),
  ];
  if (existsSync(sharedSamples)) {
    for (const f of readdirSync(sharedSamples).sort()) out.push(readFileSync(resolve(sharedSamples, f)));
  }
  return out;
}

const INSERTIONS = ['{', '}', '{', '}', '"', "'", '\\', '\n', '#', '!', '$', '${', '$X=', '@node1 ', '@^', '~SEQ(', '~LST({', ')', ',', ';', '\0', '\xff', 'include '];

function mutate(input: Buffer, rand: () => number): Buffer {
  let buf = input;
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rand() * (buf.length + 1));
    const kind = Math.floor(rand() * 5);
    if (kind === 0 && buf.length > 0) {
      const copy = Buffer.from(buf);
      const i = Math.min(at, buf.length - 1);
      copy[i] = copy[i]! ^ (1 << Math.floor(rand() * 8));
      buf = copy;
    } else if (kind === 1) {
      const len = Math.floor(rand() * 40);
      buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + len))]);
    } else if (kind === 2) {
      const len = Math.floor(rand() * 200);
      const from = Math.floor(rand() * (buf.length + 1));
      buf = Buffer.concat([buf.subarray(0, at), buf.subarray(from, from + len), buf.subarray(at)]);
    } else {
      const token = INSERTIONS[Math.floor(rand() * INSERTIONS.length)]!;
      buf = Buffer.concat([buf.subarray(0, at), Buffer.from(token, 'latin1'), buf.subarray(at)]);
    }
  }
  return buf;
}

/** Positions must point into a file that was read, at a line that exists. */
function checkPos(r: ParsedConfig, pos: SourcePos | undefined, what: string): string | null {
  if (!pos) return `${what}: no position`;
  if (!(pos.line >= 1 && pos.col >= 1)) return `${what}: bad position ${pos.line}:${pos.col}`;
  const lines = r.sources.get(pos.file);
  if (!lines) return null; // e.g. a file refused before it was read
  if (pos.line > Math.max(1, lines.length)) return `${what}: line ${pos.line} beyond ${lines.length} in ${pos.file}`;
  const line = lines[pos.line - 1] ?? '';
  if (pos.col > line.length + 1) return `${what}: col ${pos.col} beyond line of ${line.length} in ${pos.file}:${pos.line}`;
  return null;
}

function* words(statements: readonly Statement[]): Generator<Word> {
  const stack: Statement[][] = [statements.slice()];
  while (stack.length > 0) {
    const list = stack.pop()!;
    for (const s of list) {
      yield s.keyword;
      yield* s.args;
      if (s.block) stack.push(s.block.statements.slice());
    }
  }
}

// Longer or different runs: VIGIL_FUZZ_ITERATIONS=100000 VIGIL_FUZZ_SEED=7 npx vitest run <this file>
const ITERATIONS = Number(process.env['VIGIL_FUZZ_ITERATIONS'] ?? 3000);
const SEED = Number(process.env['VIGIL_FUZZ_SEED'] ?? 0x5eed);

describe('fuzz: mutated real configs', () => {
  it(`never throws and always positions diagnostics and words (${ITERATIONS} deterministic mutations)`, () => {
    const corpus = seeds();
    const rand = prng(SEED);
    const problems: string[] = [];
    let diagnosticsSeen = 0;
    for (let iter = 0; iter < ITERATIONS; iter++) {
      const seed = corpus[iter % corpus.length]!;
      const input = mutate(seed, rand);
      // Includes resolve to other (mutated) corpus members, so they are fuzzed too.
      const readFile = (path: string): Buffer | null => {
        const h = [...path].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, iter);
        return h % 3 === 0 ? null : mutate(corpus[h % corpus.length]!, prng(h));
      };
      const listDir = (dir: string): string[] | null => (dir.length % 2 === 0 ? ['a.conf', 'b.conf', 'sub/'] : null);
      let r: ParsedConfig;
      try {
        r = parseConfigText(input, `/fuzz/${iter}.conf`, {
          configId: 'node1',
          readFile,
          listDir,
          random: () => 0.25,
          limits: { maxIncludeDepth: 4, maxExpandedLines: 20_000 },
        });
      } catch (e) {
        problems.push(`iteration ${iter}: threw ${String(e)}`);
        continue;
      }
      diagnosticsSeen += r.diagnostics.length;
      for (const d of r.diagnostics) {
        const p = checkPos(r, d.pos, `iteration ${iter} diagnostic ${d.code}`);
        if (p) problems.push(p);
      }
      for (const w of words(r.statements)) {
        const p = checkPos(r, w.pos, `iteration ${iter} word '${w.text.slice(0, 20)}'`);
        if (p) problems.push(p);
      }
      if (problems.length > 20) break;
    }
    expect(problems).toEqual([]);
    expect(diagnosticsSeen).toBeGreaterThan(1000);
  });
});
