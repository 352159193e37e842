import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { codes, shape, word } from './astHelpers.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'node1' });

describe('comments (keepalived decomment())', () => {
  it('drops # and ! comments at the start of a line and after a statement', () => {
    const r = parse('# full line\n! bang line\n   # indented\nrouter_id A # trailing\npriority 100 ! trailing bang\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toEqual([
      { keyword: word('router_id', 4, 1), args: [word('A', 4, 11)] },
      { keyword: word('priority', 5, 1), args: [word('100', 5, 10)] },
    ]);
  });

  it('starts a comment in the middle of a word, as keepalived does', () => {
    const r = parse('auth_pass ab!cd\nrouter_id x#y\n');
    expect(shape(r.statements)).toEqual(['auth_pass ab', 'router_id x']);
  });

  it('keeps # and ! inside double quotes', () => {
    const r = parse('notify "/bin/echo #1 !2" # real comment\n');
    expect(r.statements).toEqual([{ keyword: word('notify', 1, 1), args: [word('/bin/echo #1 !2', 1, 8, true)] }]);
  });

  it('does not let single quotes protect a comment character', () => {
    const r = parse("script 'a#b'\n");
    // keepalived cuts at '#', leaving an unterminated single quote.
    expect(codes(r.diagnostics)).toEqual(['unterminated-quote']);
    expect(r.statements[0]?.args.map((a) => a.text)).toEqual(['a']);
  });

  it('turns \\# and \\! into literal characters and keeps the columns of what follows', () => {
    const r = parse('auth_pass ab\\#cd\\!e f\n');
    expect(r.statements).toEqual([{ keyword: word('auth_pass', 1, 1), args: [word('ab#cd!e', 1, 11), word('f', 1, 21)] }]);
  });

  it('ignores a block brace inside a comment', () => {
    const r = parse('a { # not a brace }\n}\n');
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([['a', []]]);
  });
});
