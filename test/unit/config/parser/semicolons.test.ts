import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, word } from './astHelpers.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'node1' });

describe('stray semicolons', () => {
  it('strips a trailing ; from the last word and warns at the ;', () => {
    const r = parse('priority 100;\n');
    expect(r.statements).toEqual([{ keyword: word('priority', 1, 1), args: [word('100', 1, 10)] }]);
    expect(r.diagnostics).toEqual([
      { severity: 'warning', code: 'stray-semicolon', message: expect.any(String), pos: at(1, 13) },
    ]);
  });

  it('drops a lone ; word and a ; after a closing brace', () => {
    const r = parse('a {\n  nopreempt ;\n};\n');
    expect(r.statements[0]?.block?.statements).toEqual([{ keyword: word('nopreempt', 2, 3), args: [] }]);
    expect(r.diagnostics.map((d) => [d.code, d.pos])).toEqual([
      ['stray-semicolon', at(2, 13)],
      ['stray-semicolon', at(3, 2)],
    ]);
  });

  it('leaves a quoted or escaped semicolon alone', () => {
    const r = parse('notify "/bin/true;"\nx a\\;\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements.map((s) => s.args[0]?.text)).toEqual(['/bin/true;', 'a;']);
  });
});
