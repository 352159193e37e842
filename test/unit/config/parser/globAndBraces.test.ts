import { describe, expect, it } from 'vitest';
import { expandBraces, hasBrace } from '../../../../src/config/preprocess/BraceExpansion.js';
import { GlobSegment, globPath, hasWildcard } from '../../../../src/config/preprocess/GlobPattern.js';
import { memoryFiles } from './fixturePaths.js';

describe('brace expansion (GLOB_BRACE)', () => {
  it('expands nested alternatives in order', () => {
    expect(expandBraces('{foo/{,cat,dog},bar}', 100)).toEqual(['foo/', 'foo/cat', 'foo/dog', 'bar']);
    expect(expandBraces('a{b,c}d{e,f}', 100)).toEqual(['abde', 'abdf', 'acde', 'acdf']);
  });

  it('leaves unmatched or escaped braces literal', () => {
    expect(expandBraces('a{b,c', 100)).toEqual(['a{b,c']);
    expect(expandBraces('a\\{b,c}', 100)).toEqual(['a\\{b,c}']);
    expect(hasBrace('a\\{b')).toBe(false);
    expect(hasBrace('a{b}')).toBe(true);
  });

  it('gives up past the limit', () => {
    expect(expandBraces('{a,b}'.repeat(12), 1000)).toBeNull();
  });
});

describe('glob matching', () => {
  it('matches *, ?, classes and escapes; a leading dot only explicitly', () => {
    const m = (p: string, n: string) => new GlobSegment(p).matches(n);
    expect(m('*.conf', 'a.conf')).toBe(true);
    expect(m('*.conf', 'a.confx')).toBe(false);
    expect(m('?.conf', 'ab.conf')).toBe(false);
    expect(m('[0-9][!a]*', '1b')).toBe(true);
    expect(m('[0-9][!a]*', '1a')).toBe(false);
    expect(m('[]]x', ']x')).toBe(true);
    expect(m('a\\*', 'a*')).toBe(true);
    expect(m('a\\*', 'ab')).toBe(false);
    expect(m('*', '.hidden')).toBe(false);
    expect(m('.*', '.hidden')).toBe(true);
    expect(hasWildcard('a\\*b')).toBe(false);
  });

  it('walks directories, sorts per directory and marks directories', () => {
    const fs = memoryFiles({ '/k/d/b.conf': '', '/k/d/a.conf': '', '/k/d/sub/c.conf': '', '/k/e/a.conf': '' });
    expect(globPath('/k/d/*', fs.listDir, 100)).toEqual(['/k/d/a.conf', '/k/d/b.conf', '/k/d/sub/']);
    expect(globPath('/k/*/a.conf', fs.listDir, 100)).toEqual(['/k/d/a.conf', '/k/e/a.conf']);
    expect(globPath('/k/*/missing.conf', fs.listDir, 100)).toEqual([]);
    expect(globPath('/k/literal.conf', fs.listDir, 100)).toEqual(['/k/literal.conf']);
  });
});
