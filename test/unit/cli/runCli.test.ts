import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/cli/main.js';

const FIX = resolve(import.meta.dirname, '../../fixtures/config/cli');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

describe('vigil -t', () => {
  it('accepts a clean config with exit 0 and says what it would run', async () => {
    const r = await run(['-t', '-f', join(FIX, 'director.conf')]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('configuration OK (0 error(s), 0 warning(s), 0 note(s))');
    expect(r.out).toContain('VRRP instance VI_1: VRID 51 on eth0, v2 IPv4, priority 150');
    expect(r.out).toContain('virtual server 192.0.2.10:80 TCP wrr DR: 1 real server(s)');
  });

  it('refuses a broken config with exit 5, each error positioned with a caret and a hint', async () => {
    const r = await run(['-t', '-f', join(FIX, 'broken.conf')]);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/broken\.conf:6:5: error: unknown keyword 'priorty'.*\[unknown-keyword\]/);
    expect(r.err).toContain("did you mean 'priority'?");
    expect(r.err).toMatch(/\n\s+6 \|     priorty 100\n\s+\|     \^~~~~~~\n/);
    expect(r.err).toMatch(/broken\.conf:10:9: error: .*\[mixed-family\]/);
    expect(r.err).toMatch(/broken\.conf:17:14: error: .*\[out-of-range\]/);
    expect(r.err).toContain('configuration REFUSED');
  });

  it('accepts a config with only warnings (legacy spellings) with exit 0, printing them', async () => {
    const r = await run(['-t', '-f', join(FIX, 'legacy.conf')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/legacy\.conf:3:5: warning: 'lb_algo' is deprecated/);
    expect(r.err).toMatch(/legacy\.conf:8:13: warning: 'nb_get_retry' is deprecated/);
    expect(r.out).toMatch(/configuration OK \(0 error\(s\), [1-9]\d* warning\(s\)/);
  });

  it('prints machine-readable diagnostics with --json', async () => {
    const r = await run(['-t', '--json', '-f', join(FIX, 'broken.conf')]);
    expect(r.code).toBe(5);
    const report = JSON.parse(r.out) as { valid: boolean; errors: number; diagnostics: Array<{ code: string; line: number; col: number; keyword?: string }> };
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['unknown-keyword', 'mixed-family', 'out-of-range']));
    expect(report.diagnostics.find((d) => d.code === 'unknown-keyword')).toMatchObject({ line: 6, col: 5, keyword: 'priorty' });
  });

  it('writes the report to the file given to --config-test=FILE', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'vigil-t-')), 't.log');
    const r = await run([`--config-test=${log}`, '-f', join(FIX, 'broken.conf')]);
    expect(r.code).toBe(5);
    expect(readFileSync(log, 'utf8')).toContain("unknown keyword 'priorty'");
  });

  it('reports a missing file as an error, not a crash', async () => {
    const r = await run(['-t', '-f', '/nonexistent/keepalived.conf']);
    expect(r.code).toBe(5);
    expect(r.err).toContain('/nonexistent/keepalived.conf');
  });
});

describe('vigil -d', () => {
  it('dumps the resolved model as JSON with defaults applied and the password redacted', async () => {
    const r = await run(['-d', '-f', join(FIX, 'director.conf')]);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.out) as { vrrpInstances: Array<{ name: string; priority: number; authentication: { password: string } }>; virtualServers: Array<{ lvsScheduler: string }> };
    expect(model.vrrpInstances[0]).toMatchObject({ name: 'VI_1', priority: 150 });
    expect(model.vrrpInstances[0]?.authentication.password).toBe('<redacted>');
    expect(r.out).not.toContain('s3cret');
    expect(model.virtualServers[0]?.lvsScheduler).toBe('wrr');
  });

  it('refuses to dump an invalid config', async () => {
    const r = await run(['-d', '-f', join(FIX, 'broken.conf')]);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
  });
});

describe('vigil config convert', () => {
  it('converts keepalived to YAML and back without changing the meaning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-conv-'));
    const toYaml = await run(['config', 'convert', join(FIX, 'director.conf'), '--to', 'yaml']);
    expect(toYaml.code).toBe(0);
    const yamlFile = join(dir, 'director.yaml');
    writeFileSync(yamlFile, toYaml.out);
    const back = await run(['config', 'convert', yamlFile, '--to', 'keepalived']);
    expect(back.code).toBe(0);
    const confFile = join(dir, 'director.conf');
    writeFileSync(confFile, back.out);

    const original = await run(['-d', '-f', join(FIX, 'director.conf')]);
    const viaYaml = await run(['-d', '-f', yamlFile]);
    const roundTrip = await run(['-d', '-f', confFile]);
    const strip = (json: string): unknown => JSON.parse(json, (k, v: unknown) => (k === 'pos' ? undefined : v));
    expect(strip(viaYaml.out)).toEqual(strip(original.out));
    expect(strip(roundTrip.out)).toEqual(strip(original.out));
  });

  it('reports YAML errors with line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-yaml-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'vrrp_instance:\n  VI_1:\n    interface: eth0\n    virtual_router_id: 51\n    priorty: 100\n');
    const r = await run(['-t', '-f', f]);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/bad\.yaml:5:5: error: unknown keyword 'priorty'/);
  });
});

describe('vigil flags', () => {
  it('prints help, version, and usage errors with exit 2', async () => {
    expect((await run(['-h'])).out).toContain('--config-test');
    expect((await run(['-v'])).out).toMatch(/^Vigil v\d+\.\d+\.\d+/);
    const bad = await run(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown option '--bogus'");
  });
});
