import { describe, expect, it } from 'vitest';
import { editDistance, suggestKeyword } from '../../../../src/config/model/KeywordSuggestion.js';

describe('KeywordSuggestion', () => {
  it('computes Levenshtein distance', () => {
    expect(editDistance('priorty', 'priority')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('stops early past the limit', () => {
    expect(editDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
  });

  it('suggests the closest keyword of the block', () => {
    expect(suggestKeyword('priorty', ['interface', 'priority', 'state'])).toBe('priority');
    expect(suggestKeyword('virtual_router', ['virtual_router_id', 'virtual_routes'])).toBe('virtual_routes');
    expect(suggestKeyword('INTERFACE', ['interface'])).toBe('interface');
  });

  it('does not suggest far-fetched keywords', () => {
    expect(suggestKeyword('zzz', ['priority', 'state'])).toBeNull();
    expect(suggestKeyword('frobnicate', ['interface'])).toBeNull();
  });
});
