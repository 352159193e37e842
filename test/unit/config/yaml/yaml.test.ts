import { describe, expect, it } from 'vitest';
import type { Statement } from '../../../../src/config/ConfigAst.js';
import { parseYamlConfigText } from '../../../../src/config/yaml/yamlToStatements.js';
import { writeYamlConfig } from '../../../../src/config/yaml/writeYamlConfig.js';
import { writeKeepalivedConfig } from '../../../../src/config/format/writeKeepalivedConfig.js';

/** Statement tree without positions, for comparing meaning. */
type Shape = { kw: string; args: string[]; block?: Shape[] };
function shape(statements: readonly Statement[]): Shape[] {
  return statements.map((s) => ({
    kw: s.keyword.text,
    args: s.args.map((a) => a.text),
    ...(s.block ? { block: shape(s.block.statements) } : {}),
  }));
}

const SAMPLE = `# a director
global_defs:
  router_id: LVS_DEVEL
  vrrp_garp_master_delay: 5
vrrp_script:
  chk_haproxy:
    script: "/usr/local/bin/check haproxy"
    interval: 2
    weight: -20
vrrp_instance:
  VI_1:
    state: BACKUP
    interface: eth0
    virtual_router_id: 51
    priority: 100
    nopreempt: true
    preempt_delay: false
    authentication:
      auth_type: PASS
      auth_pass: secret
    virtual_ipaddress:
      - 192.0.2.10/24 dev eth0 label eth0:1
      - 2001:db8::10/64
    track_script:
      - chk_haproxy weight 10
    notify_master: [["/etc/vigil/notify.sh", "master now"]]
virtual_server:
  192.0.2.10 80:
    lb_algo: rr
    sorry_server: 198.51.100.9 80
    real_server:
      198.51.100.1 80:
        weight: 2
        HTTP_GET:
          url:
            - path: /health
              status_code: 200-299
            - path: /ready
          connect_timeout: 3
`;

describe('YAML configs', () => {
  it('read into the same statement tree keepalived syntax gives', () => {
    const r = parseYamlConfigText(SAMPLE, 'vigil.yaml');
    expect(r.diagnostics).toEqual([]);
    const tree = shape(r.statements);
    expect(tree[0]).toEqual({ kw: 'global_defs', args: [], block: [{ kw: 'router_id', args: ['LVS_DEVEL'] }, { kw: 'vrrp_garp_master_delay', args: ['5'] }] });
    expect(tree[1]).toEqual({ kw: 'vrrp_script', args: ['chk_haproxy'], block: [{ kw: 'script', args: ['/usr/local/bin/check haproxy'] }, { kw: 'interval', args: ['2'] }, { kw: 'weight', args: ['-20'] }] });
    const vi = tree[2] as Shape;
    expect(vi.kw).toBe('vrrp_instance');
    expect(vi.args).toEqual(['VI_1']);
    expect(vi.block).toContainEqual({ kw: 'nopreempt', args: [] });
    expect(vi.block?.some((s) => s.kw === 'preempt_delay')).toBe(false);
    expect(vi.block).toContainEqual({ kw: 'virtual_ipaddress', args: [], block: [
      { kw: '192.0.2.10/24', args: ['dev', 'eth0', 'label', 'eth0:1'] },
      { kw: '2001:db8::10/64', args: [] },
    ] });
    expect(vi.block).toContainEqual({ kw: 'notify_master', args: ['/etc/vigil/notify.sh', 'master now'] });
    const vs = tree[3] as Shape;
    expect(vs.args).toEqual(['192.0.2.10', '80']);
    expect(vs.block).toContainEqual({ kw: 'sorry_server', args: ['198.51.100.9', '80'] });
    const rs = vs.block?.find((s) => s.kw === 'real_server');
    const check = rs?.block?.find((s) => s.kw === 'HTTP_GET');
    expect(check?.block?.filter((s) => s.kw === 'url')).toHaveLength(2);
  });

  it('give every word its line and column', () => {
    const r = parseYamlConfigText(SAMPLE, 'vigil.yaml');
    const vi = r.statements[2] as Statement;
    const prio = vi.block?.statements.find((s) => s.keyword.text === 'priority');
    expect(prio?.keyword.pos).toEqual({ file: 'vigil.yaml', line: 15, col: 5 });
    expect(prio?.args[0]?.pos).toEqual({ file: 'vigil.yaml', line: 15, col: 15 });
    const vips = vi.block?.statements.find((s) => s.keyword.text === 'virtual_ipaddress');
    expect(vips?.block?.statements[0]?.args[1]?.pos).toEqual({ file: 'vigil.yaml', line: 22, col: 27 });
  });

  it('write back to YAML that reads to the same tree', () => {
    const first = parseYamlConfigText(SAMPLE, 'a.yaml');
    const text = writeYamlConfig(first.statements);
    const second = parseYamlConfigText(text, 'b.yaml');
    expect(second.diagnostics).toEqual([]);
    expect(shape(second.statements)).toEqual(shape(first.statements));
  });

  it('write keepalived syntax with quoting that keeps words together', () => {
    const r = parseYamlConfigText(SAMPLE, 'a.yaml');
    const text = writeKeepalivedConfig(r.statements);
    expect(text).toContain('vrrp_instance VI_1 {\n');
    expect(text).toContain('        192.0.2.10/24 dev eth0 label eth0:1\n');
    expect(text).toContain('    script "/usr/local/bin/check haproxy"\n');
    expect(text).toContain('    notify_master "/etc/vigil/notify.sh" "master now"\n');
  });

  it('round-trips awkward words: empty, quotes, colons, booleans, leading dashes', () => {
    const tricky = `global_defs:
  a: ""
  b: "it's \\"x\\""
  c: "fe80:: x"
  d: "true"
  e: -5
  f: "- x"
  g: "@home"
`;
    const first = parseYamlConfigText(tricky, 't.yaml');
    expect(first.diagnostics).toEqual([]);
    const again = parseYamlConfigText(writeYamlConfig(first.statements), 't2.yaml');
    expect(shape(again.statements)).toEqual(shape(first.statements));
    expect(shape(first.statements)[0]?.block?.map((s) => s.args)).toEqual([[''], ['it\'s "x"'], ['fe80:: x'], ['true'], ['-5'], ['- x'], ['@home']]);
  });

  it('report YAML syntax errors with a position', () => {
    const r = parseYamlConfigText('vrrp_instance:\n  VI_1: [1\n  x: 2\n', 'bad.yaml');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', pos: { file: 'bad.yaml' } });
    expect(r.diagnostics[0]?.pos?.line).toBeGreaterThan(1);
  });

  it('refuse shapes that have no keepalived meaning, with positions', () => {
    const r = parseYamlConfigText('vrrp_instance: [a, b]\nglobal_defs:\n  x: [[{a: 1}]]\ninclude: other.conf\n', 's.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.pos?.line])).toEqual([
      ['yaml-shape', 1],
      ['yaml-shape', 3],
      ['yaml-include', 4],
    ]);
    expect(parseYamlConfigText('- a\n- b\n', 'l.yaml').diagnostics[0]?.code).toBe('yaml-shape');
    expect(parseYamlConfigText('a: &x 1\nb: *x\n', 'al.yaml').diagnostics[0]?.code).toBe('yaml-alias');
    expect(parseYamlConfigText('a: 1\n---\nb: 2\n', 'two.yaml').diagnostics[0]?.code).toBe('yaml-shape');
  });

  it('survive binary garbage and deep nesting without throwing', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)).toString('latin1');
    expect(() => parseYamlConfigText(garbage, 'g.yaml')).not.toThrow();
    const deep = 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n';
    const r = parseYamlConfigText(deep, 'deep.yaml');
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax' });
  });
});
