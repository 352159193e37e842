import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../../src/config/Diagnostic.js';
import { loadConfig, loadConfigText } from '../../../../src/config/loadConfig.js';
import { buildFromText, instance } from './buildFromText.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('parses, builds and validates a file with includes', () => {
    writeFileSync(path.join(dir, 'instances.conf'), instance(''));
    writeFileSync(path.join(dir, 'main.conf'), 'global_defs {\n  router_id A\n}\ninclude instances.conf\n');
    const loaded = loadConfig(path.join(dir, 'main.conf'));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.model?.global.routerId).toBe('A');
    expect(loaded.model?.vrrpInstances[0]?.pos.file).toBe(path.join(dir, 'instances.conf'));
    expect(loaded.files).toEqual([path.join(dir, 'main.conf'), path.join(dir, 'instances.conf')]);
  });

  it('has no model when there is an error, and keeps the diagnostics in file order', () => {
    const loaded = loadConfigText(`${instance('  priority 300')}virtual_server 192.0.2.1 80 {\n  lb_algo rr\n  protocol TCP\n  real_server 192.0.2.2 80 {\n  }\n}\n`, 'x.conf');
    expect(loaded.model).toBeNull();
    expect(loaded.diagnostics.map((d) => [d.code, d.pos?.line])).toEqual([
      ['out-of-range', 7],
      ['deprecated-keyword', 10],
    ]);
  });

  it('reports a missing file through the parser', () => {
    const loaded = loadConfig(path.join(dir, 'nope.conf'));
    expect(loaded.model).toBeNull();
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['config-missing']);
  });

  it('warnings alone still give a model', () => {
    const loaded = loadConfigText('virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n  }\n}\n', 'x.conf');
    expect(loaded.model?.virtualServers[0]?.protocol).toBe('UDP');
  });

  it('diagnostics render with the source line and a caret', () => {
    const loaded = loadConfigText(instance('  priorty 50'), 'x.conf');
    const first = loaded.diagnostics[0];
    expect(first).toBeDefined();
    if (!first) return;
    expect(formatDiagnostic(first, loaded.sources)).toBe(
      [
        "x.conf:7:3: error: unknown keyword 'priorty' in vrrp_instance (keepalived would ignore this line) [unknown-keyword]",
        '    7 |   priorty 50',
        '      |   ^~~~~~~',
        "      = hint: did you mean 'priority'?",
      ].join('\n'),
    );
  });

  it('the model is plain JSON data', () => {
    const { model } = buildFromText(`vrrp_script chk {\n  script /bin/true\n}\n${instance('  track_script {\n    chk\n  }')}virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.2 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n    }\n  }\n}\n`);
    expect(model).not.toBeNull();
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('builds 10,000 virtual servers with 4 real servers each', () => {
    const parts: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const vip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      parts.push(`virtual_server ${vip} 80 {\n  protocol TCP\n`);
      for (let r = 1; r <= 4; r++) parts.push(`  real_server 192.0.2.${r} 80 {\n    TCP_CHECK {\n      connect_timeout 3\n    }\n  }\n`);
      parts.push('}\n');
    }
    const loaded = loadConfigText(parts.join(''), 'big.conf');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.model?.virtualServers).toHaveLength(10_000);
    expect(loaded.model?.virtualServers[9_999]?.realServers).toHaveLength(4);
  });
});
