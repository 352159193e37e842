import { describe, expect, it } from 'vitest';
import { splitQuotedEscaped } from '../../../../src/config/lexer/WordSplitter.js';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, codes, word } from './astHelpers.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'node1' });

describe('quoted words', () => {
  it('groups double- and single-quoted text into one word marked quoted, positioned at the quote', () => {
    const r = parse(`notify_master "/etc/ka/notify.sh MASTER" 'a b'\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toEqual([
      {
        keyword: word('notify_master', 1, 1),
        args: [word('/etc/ka/notify.sh MASTER', 1, 15, true), word('a b', 1, 42, true)],
      },
    ]);
  });

  it('keeps a single quote literal inside double quotes (script arguments)', () => {
    const r = parse(`script "/usr/bin/pgrep -f 'haproxy -f'"\n`);
    expect(r.statements[0]?.args).toEqual([word("/usr/bin/pgrep -f 'haproxy -f'", 1, 8, true)]);
  });

  it('joins quoted and unquoted text that touch, as keepalived.conf(5) describes', () => {
    const r = parse('x abcd" efg h jkl "mnop\n');
    expect(r.statements[0]?.args).toEqual([word('abcd efg h jkl mnop', 1, 3, true)]);
  });

  it('decodes keepalived escapes inside and outside quotes', () => {
    const r = parse('x "a\\tb" "\\x41\\102\\cA\\E" c\\ d "q\\"q"\n');
    expect(r.statements[0]?.args.map((a) => a.text)).toEqual(['a\tb', 'AB\x01\x1b', 'c d', 'q"q']);
  });

  it('reports an unterminated quote at the opening quote and keeps the rest of the line as the word', () => {
    const r = parse('router_id "abc def\n');
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'unterminated-quote', pos: at(1, 11) }]);
    expect(r.statements[0]?.args).toEqual([word('abc def', 1, 11, true)]);
  });

  it('treats an empty quoted string as an empty word', () => {
    const r = parse('smtp_helo_name ""\n');
    expect(r.statements[0]?.args).toEqual([word('', 1, 16, true)]);
  });

  it('exposes the splitter for re-splitting a script command line', () => {
    const { words, problems } = splitQuotedEscaped(`/usr/bin/pgrep -f 'haproxy -f' "x y"z`);
    expect(problems).toEqual([]);
    expect(words.map((w) => [w.text, w.quoted])).toEqual([
      ['/usr/bin/pgrep', false],
      ['-f', false],
      ['haproxy -f', true],
      ['x yz', true],
    ]);
  });

  it('warns about a trailing backslash, which does not continue a line', () => {
    const r = parse('a b \\\nc\n');
    expect(codes(r.diagnostics)).toEqual(['stray-backslash']);
    expect(r.diagnostics[0]?.pos).toEqual(at(1, 5));
    expect(r.statements.map((s) => s.keyword.text)).toEqual(['a', 'c']);
  });
});
