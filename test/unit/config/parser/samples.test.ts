import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../../../../src/config/Diagnostic.js';
import { parseConfigFile } from '../../../../src/config/parseConfig.js';
import { parserFixtures, sharedSamples } from './fixturePaths.js';

describe.skipIf(!existsSync(sharedSamples))('keepalived sample configs (../shared)', () => {
  const files = existsSync(sharedSamples) ? readdirSync(sharedSamples).sort() : [];
  it.each(files)('%s parses with no error diagnostics', (name) => {
    const r = parseConfigFile(resolve(sharedSamples, name), { configId: 'high' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(hasErrors(r.diagnostics)).toBe(false);
    expect(r.statements.length).toBeGreaterThan(0);
  });

  it('honours the conditional sample for both config ids', () => {
    const file = resolve(sharedSamples, 'keepalived.conf.conditional_conf');
    const prio = (id: string) => {
      const r = parseConfigFile(file, { configId: id });
      const vi = r.statements.find((s) => s.keyword.text === 'vrrp_instance');
      return vi?.block?.statements.find((s) => s.keyword.text === 'priority')?.args[0]?.text;
    };
    expect(prio('high')).toBe('170');
    expect(prio('low')).toBe('85');
  });
});

describe('own sample fixture', () => {
  it('parses lvs-sample.conf cleanly into the expected top-level blocks', () => {
    const r = parseConfigFile(resolve(parserFixtures, 'lvs-sample.conf'), { configId: 'n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.statements.map((s) => `${s.keyword.text} ${s.args.map((a) => a.text).join(' ')}`.trim())).toEqual([
      'global_defs',
      'vrrp_script chk_haproxy',
      'vrrp_instance VI_1',
      'virtual_server 192.0.2.100 80',
    ]);
    const script = r.statements[1]?.block?.statements[0];
    expect(script?.args[0]).toMatchObject({ text: "/usr/bin/pgrep -f 'haproxy -f'", quoted: true, pos: { line: 13, col: 12 } });
  });
});
