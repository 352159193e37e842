import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, codes, shape, word } from './astHelpers.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'node1' });

describe('blocks and statements', () => {
  it('parses keyword, arguments and a block opened on the same line, with exact positions', () => {
    const r = parse('vrrp_instance VI_1 {\n  state MASTER\n}\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toEqual([
      {
        keyword: word('vrrp_instance', 1, 1),
        args: [word('VI_1', 1, 15)],
        block: {
          open: at(1, 20),
          close: at(3, 1),
          statements: [{ keyword: word('state', 2, 3), args: [word('MASTER', 2, 9)] }],
        },
      },
    ]);
  });

  it('accepts a brace glued to the name and a brace on the next line', () => {
    const r = parse('global_defs{\n}\nvrrp_sync_group G\n{\n  group {\n    VI_1\n  }\n}\n');
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([
      ['global_defs', []],
      ['vrrp_sync_group G', [['group', ['VI_1']]]],
    ]);
    expect(r.statements[0]?.block?.open).toEqual(at(1, 12));
    expect(r.statements[1]?.block?.open).toEqual(at(4, 1));
  });

  it('splits one-line lists into one statement per item and keeps item arguments', () => {
    const r = parse('virtual_ipaddress { 192.0.2.1 }\nvirtual_ipaddress {\n  192.0.2.10/24 dev eth0 label eth0:1 }\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements[0]).toEqual({
      keyword: word('virtual_ipaddress', 1, 1),
      args: [],
      block: { open: at(1, 19), close: at(1, 31), statements: [{ keyword: word('192.0.2.1', 1, 21), args: [] }] },
    });
    expect(r.statements[1]?.block).toEqual({
      open: at(2, 19),
      close: at(3, 39),
      statements: [
        {
          keyword: word('192.0.2.10/24', 3, 3),
          args: [word('dev', 3, 17), word('eth0', 3, 21), word('label', 3, 26), word('eth0:1', 3, 32)],
        },
      ],
    });
  });

  it('starts a new statement after a closing brace on the same line', () => {
    const r = parse('a {\n} b 1\n');
    expect(shape(r.statements)).toEqual([['a', []], 'b 1']);
    expect(r.statements[1]?.keyword).toEqual(word('b', 2, 3));
  });

  it('reports an unclosed brace at the opening brace and keeps the block without close', () => {
    const r = parse('virtual_server 192.0.2.1 80 {\n  delay_loop 6\n');
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'unbalanced-brace', pos: at(1, 29) }]);
    expect(r.statements[0]?.block).toEqual({ open: at(1, 29), statements: [{ keyword: word('delay_loop', 2, 3), args: [word('6', 2, 14)] }] });
  });

  it('reports an extra closing brace at itself', () => {
    const r = parse('a {\n}\n  }\nb\n');
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'unbalanced-brace', pos: at(3, 3) }]);
    expect(shape(r.statements)).toEqual([['a', []], 'b']);
  });

  it('reports a brace that follows no keyword, keeping its statements in the enclosing block', () => {
    const r = parse('a {\n  x\n}\n{\n  y\n}\n');
    expect(codes(r.diagnostics)).toEqual(['unexpected-brace']);
    expect(r.diagnostics[0]?.pos).toEqual(at(4, 1));
    expect(shape(r.statements)).toEqual([['a', ['x']], 'y']);
  });

  it('does not treat a quoted brace as structure', () => {
    const r = parse('script "echo {"\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toEqual([{ keyword: word('script', 1, 1), args: [word('echo {', 1, 8, true)] }]);
  });
});
