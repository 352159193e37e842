import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigText } from '../../../src/config/loadConfig.js';
import { parseYamlConfigText } from '../../../src/config/yaml/yamlToStatements.js';
import { modelFromParsed } from '../../../src/config/loadConfig.js';
import { parseConfigText } from '../../../src/config/parseConfig.js';
import { writeYamlConfig } from '../../../src/config/yaml/writeYamlConfig.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SAMPLES = resolve(ROOT, '../shared/fixtures/keepalived-samples');

/** mulberry32: deterministic, so a failure names a reproducible iteration. */
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

function corpus(): string[] {
  const dirs = [join(ROOT, 'config'), join(ROOT, 'test/fixtures/config/cli'), join(ROOT, 'test/fixtures/config/model/valid')];
  if (existsSync(SAMPLES)) dirs.push(SAMPLES);
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => !f.endsWith('.json')).map((f) => readFileSync(join(d, f), 'latin1')) : []));
}

// Values that sit on or past the edges the validator checks: ranges, families, prefixes, units.
const EDGE_VALUES = ['0', '-1', '1', '255', '256', '65535', '65536', '4294967296', '1e3', '0.5', '1.25', '', '""', 'abc', '192.0.2.1', '192.0.2.256', '2001:db8::1', '2001:db8::1/129', '192.0.2.1/33', 'fwmark', 'MASTER', 'master', 'TCP', 'XYZ', '{', '}', 'nopreempt', 'weight', 'reverse'];

/** Word-level mutations: keep the config mostly well-formed so the model builder is what gets fuzzed. */
function mutate(text: string, rand: () => number, keywords: string[]): string {
  const lines = text.split('\n');
  const n = 1 + Math.floor(rand() * 5);
  for (let k = 0; k < n && lines.length > 0; k++) {
    const i = Math.floor(rand() * lines.length);
    const words = (lines[i] as string).split(/(\s+)/);
    const op = Math.floor(rand() * 6);
    const wordIdx = (): number => 2 * Math.floor(rand() * Math.ceil(words.length / 2));
    if (op === 0) words[wordIdx()] = EDGE_VALUES[Math.floor(rand() * EDGE_VALUES.length)] as string;
    else if (op === 1) words[wordIdx()] = keywords[Math.floor(rand() * keywords.length)] as string;
    else if (op === 2) lines.splice(i, 1);
    else if (op === 3) lines.splice(Math.floor(rand() * lines.length), 0, lines[i] as string);
    else if (op === 4) words.push(' ', EDGE_VALUES[Math.floor(rand() * EDGE_VALUES.length)] as string);
    else lines.splice(Math.floor(rand() * lines.length), 0, `${keywords[Math.floor(rand() * keywords.length)]} ${EDGE_VALUES[Math.floor(rand() * EDGE_VALUES.length)]}`);
    if (op !== 2 && op !== 3 && op !== 5) lines[i] = words.join('');
  }
  return lines.join('\n');
}

const ITERATIONS = Number(process.env['VIGIL_FUZZ_ITERATIONS'] ?? 1500);

describe('fuzz: parse + build + validate on mutated configs', () => {
  it(`never throws; every diagnostic is positioned inside a file that was read; a model exists iff there is no error (${ITERATIONS} iterations)`, () => {
    const texts = corpus();
    expect(texts.length).toBeGreaterThan(3);
    const keywords = [...new Set(texts.flatMap((t) => t.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '')).filter((w) => /^[a-z_A-Z]+$/.test(w)))];
    const rand = prng(0xc0ff1e);
    const problems: string[] = [];
    let refused = 0;
    for (let iter = 0; iter < ITERATIONS; iter++) {
      const input = mutate(texts[iter % texts.length] as string, rand, keywords);
      const file = `/fuzz/${iter}.conf`;
      try {
        const r = loadConfigText(input, file, { configId: 'high', readFile: () => null, listDir: () => null });
        const hasError = r.diagnostics.some((d) => d.severity === 'error');
        if (hasError) refused++;
        if (hasError === (r.model !== null)) problems.push(`${iter}: model ${r.model ? 'present' : 'absent'} with hasError=${hasError}`);
        for (const d of r.diagnostics) {
          const lines = d.pos ? r.sources.get(d.pos.file) : undefined;
          if (!d.pos) problems.push(`${iter}: ${d.code} has no position`);
          else if (!lines) problems.push(`${iter}: ${d.code} points at unread file ${d.pos.file}`);
          else if (d.pos.line < 1 || d.pos.line > lines.length || d.pos.col < 1 || d.pos.col > (lines[d.pos.line - 1]?.length ?? 0) + 1) {
            problems.push(`${iter}: ${d.code} at ${d.pos.line}:${d.pos.col} is outside the file`);
          }
        }
        // The YAML spelling of whatever parsed must mean the same (or be refused the same way).
        const parsed = parseConfigText(input, file, { configId: 'high', readFile: () => null, listDir: () => null });
        if (!parsed.diagnostics.some((d) => d.severity === 'error') && r.model) {
          const viaYaml = modelFromParsed(parseYamlConfigText(writeYamlConfig(parsed.statements), 'y.yaml'));
          const strip = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'pos' ? undefined : x));
          if (strip(viaYaml.model) !== strip(r.model)) { const a = strip(viaYaml.model), b = strip(r.model); let i = 0; while (a[i] === b[i]) i++; problems.push(`${iter}: YAML round trip changed the model: yaml=${a.slice(i - 80, i + 80)} conf=${b.slice(i - 80, i + 80)}`); }
        }
      } catch (e) {
        problems.push(`${iter}: threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      if (problems.length > 10) break;
    }
    expect(problems).toEqual([]);
    // The mutations must actually exercise the error paths, not just the happy one.
    expect(refused).toBeGreaterThan(ITERATIONS / 4);
  });
});
