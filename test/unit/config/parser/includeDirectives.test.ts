import { describe, expect, it } from 'vitest';
import { ALL_INCLUDE_CHECKS, applyIncludeCheckStatement, IncludeCheck, parseIncludeLine } from '../../../../src/config/preprocess/IncludeResolver.js';
import { parseCLong } from '../../../../src/config/preprocess/SequenceGenerator.js';

describe('include line recognition (keepalived is_include())', () => {
  it('recognises include and its checking variants, keeping the rest of the line', () => {
    expect(parseIncludeLine('include conf.d/*.conf')).toEqual({ pattern: 'conf.d/*.conf', offset: 8, checks: 0 });
    expect(parseIncludeLine('include\t  a b.conf')).toEqual({ pattern: 'a b.conf', offset: 10, checks: 0 });
    expect(parseIncludeLine('includer x')?.checks).toBe(IncludeCheck.readable);
    expect(parseIncludeLine('includem x')?.checks).toBe(IncludeCheck.readable | IncludeCheck.match);
    expect(parseIncludeLine('includew x')?.checks).toBe(IncludeCheck.readable | IncludeCheck.match | IncludeCheck.wildcardMatch);
    expect(parseIncludeLine('includeb x')?.checks).toBe(IncludeCheck.readable | IncludeCheck.braceMatch);
    expect(parseIncludeLine('includea x')?.checks).toBe(ALL_INCLUDE_CHECKS);
  });

  it('does not take other keywords for includes', () => {
    expect(parseIncludeLine('include')).toBeNull();
    expect(parseIncludeLine('includex y')).toBeNull();
    expect(parseIncludeLine('include_check')).toBeNull();
    expect(parseIncludeLine('includes x')).toBeNull();
  });
});

describe('include_check statement', () => {
  it('sets, adds and removes checks', () => {
    expect(applyIncludeCheckStatement([], 0).checks).toBe(ALL_INCLUDE_CHECKS);
    expect(applyIncludeCheckStatement(['match'], 0).checks).toBe(IncludeCheck.readable | IncludeCheck.match);
    expect(applyIncludeCheckStatement(['+wildcard_match', '-readable'], IncludeCheck.readable).checks).toBe(IncludeCheck.wildcardMatch);
    expect(applyIncludeCheckStatement(['match', 'brace_match', 'bogus'], 0)).toEqual({
      checks: IncludeCheck.readable | IncludeCheck.match,
      ignored: ['brace_match', 'bogus'],
    });
  });
});

describe('strtol(..., 0) for ~SEQ numbers', () => {
  it('reads decimal, hex, octal and signs, stopping at the first non-digit', () => {
    expect(parseCLong(' 42,', 0)).toEqual({ value: 42, end: 3 });
    expect(parseCLong('0x1F)', 0)).toEqual({ value: 31, end: 4 });
    expect(parseCLong('-010', 0)).toEqual({ value: -8, end: 4 });
    expect(parseCLong('09', 0)).toEqual({ value: 0, end: 1 });
    expect(parseCLong(')', 0)).toEqual({ value: 0, end: 0 });
  });
});
