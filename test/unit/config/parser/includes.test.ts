import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigFile, parseConfigText } from '../../../../src/config/parseConfig.js';
import { codes, shape } from './astHelpers.js';
import { memoryFiles, parserFixtures } from './fixturePaths.js';

const inc = (p: string) => resolve(parserFixtures, 'includes', p);

describe('include on disk', () => {
  it('resolves globs and braces from the including file and splices the files in place', () => {
    const r = parseConfigFile(inc('main.conf'), { configId: 'node1' });
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([
      ['global_defs', ['router_id MAIN']],
      // conf.d/*.conf: sorted, one directory level (conf.d/sub is not matched).
      ['vrrp_instance VI_A', ['state BACKUP', 'priority 90']],
      ['vrrp_script chk_b', ['script /usr/bin/true']],
      // vs/{web,db}.conf: in the order the braces list them.
      ['virtual_server 192.0.2.80 80', ['lb_algo rr']],
      ['virtual_server 192.0.2.33 3306', ['lb_algo wlc']],
      ['virtual_server_group VSG', ['192.0.2.80 80', '192.0.2.33 3306']],
    ]);
    expect(r.files).toEqual([
      inc('main.conf'),
      inc('conf.d/a.conf'),
      inc('vs/instance-body.inc'),
      inc('conf.d/b.conf'),
      inc('vs/web.conf'),
      inc('vs/db.conf'),
      inc('vs/members.inc'),
    ]);
    expect(r.sources.get(inc('vs/web.conf'))?.[0]).toBe('virtual_server 192.0.2.80 80 {');
  });

  it('positions statements in the included file', () => {
    const r = parseConfigFile(inc('main.conf'), { configId: 'node1' });
    const state = r.statements[1]?.block?.statements[0];
    expect(state?.keyword.pos).toEqual({ file: inc('vs/instance-body.inc'), line: 1, col: 3 });
  });

  it('detects an include loop at the include that closes it, without hanging', () => {
    const r = parseConfigFile(inc('loop/a.conf'), { configId: 'node1' });
    expect(shape(r.statements)).toEqual(['from_a', 'from_b']);
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'include-loop', pos: { file: inc('loop/b.conf'), line: 2, col: 9 } }]);
  });

  it('reports a missing main file', () => {
    const r = parseConfigFile(inc('nope.conf'));
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'config-missing', pos: { file: inc('nope.conf'), line: 1, col: 1 } }]);
  });
});

describe('include with injected files', () => {
  const tree = memoryFiles({
    '/etc/ka/main.conf': 'include missing.conf\ninclude conf.d/*.conf\ninclude none/*.conf\nincluder also-missing.conf\nlast\n',
    '/etc/ka/conf.d/10-a.conf': 'a\n',
    '/etc/ka/conf.d/02-b.conf': 'b\n',
    '/etc/ka/conf.d/skip.txt': 'not included\n',
  });

  it('takes the rest of the line as one pattern and warns about a missing file', () => {
    const r = parseConfigFile('/etc/ka/main.conf', { ...tree, configId: 'n' });
    expect(shape(r.statements)).toEqual(['b', 'a', 'last']);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.pos?.line, d.pos?.col])).toEqual([
      ['warning', 'include-missing', 1, 9],
      ['note', 'include-missing', 3, 9],
      ['warning', 'include-missing', 4, 10],
    ]);
  });

  it('makes every missing include an error with includeCheck', () => {
    const r = parseConfigFile('/etc/ka/main.conf', { ...tree, configId: 'n', includeCheck: true });
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['error', 'error', 'error']);
  });

  it('honours include_check and the includea variant', () => {
    const files = memoryFiles({ '/c/m.conf': 'global_defs {\n include_check\n}\ninclude x.conf\n', '/c/n.conf': 'includea y.conf\n' });
    expect(parseConfigFile('/c/m.conf', { ...files, configId: 'n' }).diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'include-missing']]);
    expect(parseConfigFile('/c/n.conf', { ...files, configId: 'n' }).diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'include-missing']]);
  });

  it('does not treat a quoted path, or a conditional/macro-built line, differently from keepalived', () => {
    const files = memoryFiles({ '/c/m.conf': 'include "x.conf"\n@n include x.conf\n$F=x.conf\ninclude $F\n', '/c/x.conf': 'from_x\n' });
    const r = parseConfigFile('/c/m.conf', { ...files, configId: 'n' });
    // Quotes are not removed from include patterns (keepalived passes the text to glob()).
    expect(codes(r.diagnostics)).toEqual(['include-missing']);
    expect(shape(r.statements)).toEqual(['from_x', 'from_x']);
  });

  it('includes inside a block and lets a brace close in another file', () => {
    const files = memoryFiles({ '/c/m.conf': 'vrrp_instance V {\n include body.inc\n', '/c/body.inc': ' state MASTER\n}\n' });
    const r = parseConfigFile('/c/m.conf', { ...files, configId: 'n' });
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([['vrrp_instance V', ['state MASTER']]]);
    expect(r.statements[0]?.block?.close).toEqual({ file: '/c/body.inc', line: 2, col: 1 });
  });

  it('bounds nesting depth for a file that includes itself through ever-new paths', () => {
    const files = memoryFiles({ '/d/x.conf': 'include ./d/x.conf\n', '/d/d/x.conf': 'include ./d/x.conf\n' });
    // Each level names a deeper directory, so only the depth limit stops it.
    const deep = {
      readFile: (p: string) => (p.endsWith('/x.conf') ? Buffer.from('lvl\ninclude d/x.conf\n') : files.readFile(p)),
      listDir: files.listDir,
    };
    const r = parseConfigFile('/d/x.conf', { ...deep, configId: 'n', limits: { maxIncludeDepth: 8 } });
    expect(r.statements).toHaveLength(8);
    expect(codes(r.diagnostics)).toEqual(['include-depth']);
  });

  it('skips directories: a literal one with a warning, a wildcard match with a note', () => {
    const files = memoryFiles({ '/c/m.conf': 'include d\ninclude d/*\n', '/c/d/sub/x.conf': 'x\n', '/c/d/a.conf': 'a\n' });
    const r = parseConfigFile('/c/m.conf', { ...files, configId: 'n' });
    expect(shape(r.statements)).toEqual(['a']);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.pos?.line])).toEqual([
      ['warning', 'include-unreadable', 1],
      ['note', 'include-unreadable', 2],
    ]);
  });

  it('makes a missing brace alternative an error with includeb', () => {
    const files = memoryFiles({ '/c/m.conf': 'include {a,b}.conf\nincludeb {a,b}.conf\n', '/c/a.conf': 'a\n' });
    const r = parseConfigFile('/c/m.conf', { ...files, configId: 'n' });
    expect(shape(r.statements)).toEqual(['a', 'a']);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.pos?.line])).toEqual([
      ['warning', 'include-missing', 1],
      ['error', 'include-missing', 2],
    ]);
  });

  it('resolves includes of parseConfigText relative to the given file name', () => {
    const files = memoryFiles({ '/srv/ka/extra.conf': 'extra\n' });
    const r = parseConfigText('include extra.conf\n', '/srv/ka/keepalived.conf', { ...files, configId: 'n' });
    expect(shape(r.statements)).toEqual(['extra']);
  });
});
