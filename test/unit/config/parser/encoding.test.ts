import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigFile, parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, codes, shape, word } from './astHelpers.js';
import { parserFixtures } from './fixturePaths.js';

describe('source encoding and control characters', () => {
  it('parses a config whose comments are GBK-encoded, keeping keywords and columns intact', () => {
    const file = resolve(parserFixtures, 'gbk-comment.conf');
    const r = parseConfigFile(file, { configId: 'n' });
    expect(codes(r.diagnostics)).toEqual(['invalid-utf8']);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', pos: { file, line: 2, col: 3 } });
    expect(shape(r.statements)).toEqual([
      ['global_defs', ['router_id LVS_DEVEL']],
      ['vrrp_instance VI_1', ['state MASTER', 'interface eth0', 'virtual_router_id 51', 'priority 100', ['virtual_ipaddress', ['192.0.2.16/24']]]],
    ]);
    // A GBK comment after the value does not shift the value's column.
    expect(r.statements[0]?.block?.statements[0]?.args[0]).toEqual(word('LVS_DEVEL', 4, 14, false, file));
  });

  it('reads non-UTF-8 lines as Latin-1 so every byte survives', () => {
    const file = resolve(parserFixtures, 'latin1-value.conf');
    const r = parseConfigFile(file, { configId: 'n' });
    expect(r.statements[0]?.block?.statements[0]?.args[0]?.text).toBe('m\u00fcnchen_1');
    // Re-encoding as Latin-1 gives back exactly the file's bytes.
    const value = Buffer.from(r.statements[0]!.block!.statements[0]!.args[0]!.text, 'latin1');
    expect(value).toEqual(Buffer.from([0x6d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e, 0x5f, 0x31]));
    expect(readFileSync(file).includes(value)).toBe(true);
  });

  it('decodes valid UTF-8 and counts columns in characters', () => {
    const r = parseConfigText(Buffer.from('# ünïcode\nrouter_id höst x\n', 'utf8'), 'test.conf', { configId: 'n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.statements[0]?.args).toEqual([word('höst', 2, 11), word('x', 2, 16)]);
  });

  it('drops a UTF-8 byte order mark with a warning', () => {
    const r = parseConfigText(Buffer.from('\ufeffglobal_defs {\n}\n', 'utf8'), 'test.conf', { configId: 'n' });
    expect(r.diagnostics.map((d) => [d.code, d.pos])).toEqual([['byte-order-mark', at(1, 1)]]);
    expect(r.statements[0]?.keyword).toEqual(word('global_defs', 1, 1));
  });

  it('accepts CRLF line endings', () => {
    const r = parseConfigText('a {\r\n  b 1\r\n}\r\n', 'test.conf', { configId: 'n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.statements[0]?.block?.statements[0]).toEqual({ keyword: word('b', 2, 3), args: [word('1', 2, 5)] });
  });

  it('reports NUL and other control bytes once, ending the line at a NUL as keepalived does', () => {
    const r = parseConfigText(Buffer.from('a b\0c d\ne\x01f\n', 'latin1'), 'test.conf', { configId: 'n' });
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'binary-content', pos: at(1, 4) }]);
    expect(shape(r.statements)).toEqual(['a b', 'e\x01f']);
  });

  it("warns about lines longer than keepalived's 1023-byte buffer", () => {
    const long = `script "${'x'.repeat(1100)}"\n`;
    const r = parseConfigText(long, 'test.conf', { configId: 'n' });
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'line-too-long', pos: at(1, 1024) }]);
    expect(r.statements[0]?.args[0]?.text).toHaveLength(1100);
  });
});
