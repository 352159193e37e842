import { describe, expect, it } from 'vitest';
import type { ParsedConfig } from '../../../../src/config/ConfigAst.js';
import { parseConfigFile, parseConfigText } from '../../../../src/config/parseConfig.js';
import { codes } from './astHelpers.js';
import { memoryFiles } from './fixturePaths.js';

/** Deterministic bytes (xorshift32) so failures reproduce. */
function pseudoRandomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function depthOf(r: ParsedConfig): number {
  let depth = 0;
  let level = r.statements;
  while (level.length > 0) {
    const withBlock = level.find((s) => s.block);
    if (!withBlock) break;
    depth++;
    level = withBlock.block!.statements;
  }
  return depth;
}

function allPositioned(r: ParsedConfig): boolean {
  return r.diagnostics.every((d) => d.pos !== undefined && d.pos.line >= 1 && d.pos.col >= 1);
}

const opts = { configId: 'n' };

describe('hostile input stays bounded and is reported with positions', () => {
  it('binary garbage', () => {
    const r = parseConfigText(pseudoRandomBytes(1 << 20, 7), 'garbage.bin', opts);
    expect(codes(r.diagnostics)).toContain('binary-content');
    expect(allPositioned(r)).toBe(true);
    expect(r.diagnostics.length).toBeLessThanOrEqual(1001);
  });

  it('a 50 MB file is refused without being parsed', () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a b\n');
    const r = parseConfigFile('/big.conf', { ...opts, readFile: () => big });
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'file-too-large', pos: { file: '/big.conf', line: 1, col: 1 } }]);
    expect(r.statements).toEqual([]);
    const asText = parseConfigText(big, '/big.conf', opts);
    expect(codes(asText.diagnostics)).toEqual(['file-too-large']);
  });

  it('an include loop', () => {
    const files = memoryFiles({ '/l/a.conf': 'include b.conf\n', '/l/b.conf': 'include a.conf\n' });
    const r = parseConfigFile('/l/a.conf', { ...opts, ...files });
    expect(codes(r.diagnostics)).toEqual(['include-loop']);
    expect(r.diagnostics[0]?.pos).toEqual({ file: '/l/b.conf', line: 1, col: 9 });
  });

  it('macro recursion, inline and multi-line', () => {
    const r = parseConfigText('$A=${A}\nx $A\n$B=x${B}\ny $B\n$M= \\\nm \\\n$M\n$M\n', 't.conf', opts);
    expect(codes(r.diagnostics)).toEqual(['macro-recursion', 'macro-recursion', 'macro-recursion']);
    expect(allPositioned(r)).toBe(true);
  });

  it('10,000 nested braces, closed and unclosed', () => {
    const closed = parseConfigText('a {\n'.repeat(10_000) + '}\n'.repeat(10_000), 't.conf', opts);
    expect(codes(closed.diagnostics)).toEqual(['nesting-too-deep']);
    expect(closed.diagnostics[0]?.pos).toEqual({ file: 't.conf', line: 65, col: 3 });
    expect(depthOf(closed)).toBe(64);

    const open = parseConfigText('{'.repeat(10_000), 't.conf', opts);
    expect(codes(open.diagnostics)).toContain('nesting-too-deep');
    expect(codes(open.diagnostics)).toContain('unbalanced-brace');
    expect(allPositioned(open)).toBe(true);

    const closes = parseConfigText('}'.repeat(10_000), 't.conf', opts);
    expect(closes.diagnostics.length).toBe(1001); // capped, plus the truncation note
    expect(closes.diagnostics.at(-1)?.code).toBe('diagnostics-truncated');
  });

  it('a 1 MB single line', () => {
    const r = parseConfigText(`x ${'a '.repeat(512 * 1024)}\n`, 't.conf', opts);
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'line-too-long', pos: { line: 1, col: 65537 } }]);
    expect(r.statements[0]?.args.length).toBe(32 * 1024 - 1);
  });

  it('~SEQ asking for 10^9 items', () => {
    const r = parseConfigText('before\n~SEQ(i, 1, 1000000000) ip 10.0.0.$i\nafter\n', 't.conf', opts);
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'generator-too-large', pos: { line: 2, col: 1 } }]);
    expect(r.statements.map((s) => s.keyword.text)).toEqual(['before', 'after']);
  });

  it('nested generators whose product is too large stop at the line budget', () => {
    const r = parseConfigText('~SEQ(a, 1, 1000) ~SEQ(b, 1, 1000) x${a}.${b}\n', 't.conf', { ...opts, limits: { maxExpandedLines: 5000 } });
    expect(codes(r.diagnostics)).toEqual(['generator-too-large']);
    expect(r.statements.length).toBeLessThan(5000);
  });

  it('multi-line definitions nested too deeply', () => {
    const defs = Array.from({ length: 100 }, (_, i) => `$M${i}= \\\nl${i} \\\n$M${i + 1}\n`).join('');
    const r = parseConfigText(`${defs}$M100=end\n$M0\n`, 't.conf', opts);
    expect(codes(r.diagnostics)).toEqual(['expansion-too-deep']);
  });

  it('include patterns that explode', () => {
    const files = memoryFiles({ '/p/m.conf': `include ${'{a,b}'.repeat(20)}.conf\n` });
    const r = parseConfigFile('/p/m.conf', { ...opts, ...files });
    expect(codes(r.diagnostics)).toEqual(['include-too-many']);

    const many: Record<string, string> = { '/q/m.conf': 'include d/*.conf\n' };
    for (let i = 0; i < 5000; i++) many[`/q/d/${i}.conf`] = 'x\n';
    const r2 = parseConfigFile('/q/m.conf', { ...opts, ...memoryFiles(many) });
    expect(codes(r2.diagnostics)).toEqual(['include-too-many']);
  });

  it('a backtracking-prone glob against a long name', () => {
    const name = `${'a'.repeat(250)}.conf`;
    const files = memoryFiles({ '/g/m.conf': `include d/${'*a'.repeat(30)}*b\n`, [`/g/d/${name}`]: 'x\n' });
    const r = parseConfigFile('/g/m.conf', { ...opts, ...files });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['note', 'include-missing']]);
  });
});

describe('generator budget', () => {
  it('refuses only the oversized top-level generator and keeps later ones', () => {
    const r = parseConfigText('~SEQ(i, 1, 1000000000) a$i\n~SEQ(j, 1, 2) b$j\n', 't.conf', { configId: 'n' });
    expect(codes(r.diagnostics)).toEqual(['generator-too-large']);
    expect(r.statements.map((s) => s.keyword.text)).toEqual(['b1', 'b2']);
  });
});

describe('statement budget', () => {
  it('stops parsing past the statement limit, keeping memory bounded', () => {
    const r = parseConfigText('a {\n' + 'x\n'.repeat(200) + '}\n', 't.conf', { configId: 'n', limits: { maxStatements: 50 } });
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'config-too-large', pos: { line: 51, col: 1 } }]);
    expect(r.statements[0]?.block?.statements).toHaveLength(49);
  });
});

describe('long lines full of references', () => {
  it('stays linear for a line of thousands of undefined ${NAME} references', () => {
    const r = parseConfigText(`x ${'"${A}" ${B}'.repeat(4000)}\n`, 't.conf', { configId: 'n' });
    expect(codes(r.diagnostics)).toContain('macro-undefined');
    expect(r.diagnostics.every((d) => d.pos !== undefined)).toBe(true);
  });
});

describe('no quadratic corners', () => {
  it('a long line of escaped comment characters', () => {
    const r = parseConfigText(`x ${'a\\#'.repeat(20_000)}\n`, 't.conf', { configId: 'n' });
    expect(r.statements[0]?.args[0]?.text).toBe('a#'.repeat(20_000));
    expect(r.statements[0]?.args[0]?.pos).toEqual({ file: 't.conf', line: 1, col: 3 });
  });

  it('a multi-line definition of 200,000 lines', () => {
    const text = `$BIG= \\\n${'item \\\n'.repeat(200_000)}last\n$BIG\n`;
    const r = parseConfigText(text, 't.conf', { configId: 'n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toHaveLength(200_001);
  });
});

describe('repeated includes', () => {
  it('reads a file included many times once, and still bounds the total', () => {
    let reads = 0;
    const readFile = (p: string) => {
      reads++;
      return p === '/r/m.conf' ? Buffer.from('include item.conf\n'.repeat(100_000)) : Buffer.from('item\n');
    };
    const r = parseConfigFile('/r/m.conf', { configId: 'n', readFile, limits: { maxTotalBytes: 2_000_000, maxIncludedFiles: 1_000_000 } });
    expect(reads).toBe(2);
    // 1.8 MB of includes plus 5 bytes per included copy reaches the 2 MB total first.
    expect(codes(r.diagnostics)).toContain('file-too-large');
    expect(r.statements.length).toBeGreaterThan(1000);
    expect(r.statements.length).toBeLessThan(100_000);

    // Each include line and each file it opens count against the per-parse include budget.
    const capped = parseConfigFile('/r/m.conf', { configId: 'n', readFile, limits: { maxIncludedFiles: 500 } });
    expect(codes(capped.diagnostics)).toEqual(['include-too-many']);
    expect(capped.statements).toHaveLength(250);
  });
});
