import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { shape, word } from './astHelpers.js';

const parseAs = (configId: string, text: string) => parseConfigText(text, 'test.conf', { configId });

describe('@ID conditional lines', () => {
  const text = [
    'global_defs {',
    '  @main router_id main_router',
    '  @backup router_id backup_router',
    '}',
    'unicast_peer {',
    '  @^main 192.0.2.1',
    '  @^backup 192.0.2.2',
    '}',
    '',
  ].join('\n');

  it('keeps @ID lines for the matching id and @^ID lines for the others', () => {
    expect(shape(parseAs('main', text).statements)).toEqual([['global_defs', ['router_id main_router']], ['unicast_peer', ['192.0.2.2']]]);
    expect(shape(parseAs('backup', text).statements)).toEqual([['global_defs', ['router_id backup_router']], ['unicast_peer', ['192.0.2.1']]]);
    expect(shape(parseAs('other', text).statements)).toEqual([['global_defs', []], ['unicast_peer', ['192.0.2.1', '192.0.2.2']]]);
  });

  it('positions the kept words where they are written, after the @ID prefix', () => {
    const r = parseAs('main', '  @main\t priority 240\n');
    expect(r.statements).toEqual([{ keyword: word('priority', 1, 10), args: [word('240', 1, 19)] }]);
  });

  it('drops a conditional with nothing after the id', () => {
    expect(parseAs('main', '@main\n@^other\nx\n').statements.map((s) => s.keyword.text)).toEqual(['x']);
  });

  it('drops a whole line including its brace, as keepalived does', () => {
    const r = parseAs('main', '@backup vrrp_instance VI_B {\n  state BACKUP\n}\n');
    expect(shape(r.statements)).toEqual(['state BACKUP']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unbalanced-brace']);
  });

  it('applies conditionals produced by macro substitution', () => {
    const r = parseAs('main', '$IF_MAIN=@main\n$IF_MAIN priority 240\n$IF_BACKUP=@backup\n$IF_BACKUP priority 200\n');
    expect(shape(r.statements)).toEqual(['priority 240']);
  });

  it('defaults the config id to the first label of the host name', () => {
    const id = hostname().split('.')[0]!;
    const r = parseConfigText(`@${id} mine\n@^${id} not_mine\n`, 'test.conf');
    expect(shape(r.statements)).toEqual(['mine']);
  });
});
