import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfigFile, parseConfigText } from '../../../../src/config/parseConfig.js';
import { modelFromParsed } from '../../../../src/config/loadConfig.js';
import { parseYamlConfigText } from '../../../../src/config/yaml/yamlToStatements.js';
import { writeYamlConfig } from '../../../../src/config/yaml/writeYamlConfig.js';
import { writeKeepalivedConfig } from '../../../../src/config/format/writeKeepalivedConfig.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const SAMPLES = resolve(ROOT, '../shared/fixtures/keepalived-samples');
const OWN_DIRS = [join(ROOT, 'config'), join(ROOT, 'test/fixtures/config/model/valid'), join(ROOT, 'test/fixtures/config/cli')];

/** The model without positions: what the config means, not where it was written. */
function meaning(parsed: ReturnType<typeof parseConfigFile>): unknown {
  const loaded = modelFromParsed(parsed);
  return JSON.parse(JSON.stringify({ model: loaded.model, errors: loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) }), (k, v: unknown) =>
    k === 'pos' ? undefined : v,
  );
}

function checkRoundTrip(file: string): void {
  const original = parseConfigFile(file, { configId: 'high' });
  const yaml = writeYamlConfig(original.statements);
  const viaYaml = parseYamlConfigText(yaml, 'converted.yaml');
  expect(viaYaml.diagnostics.filter((d) => d.severity === 'error'), file).toEqual([]);
  expect(meaning(viaYaml), `${file} -> yaml`).toEqual(meaning(original));
  const back = parseConfigText(writeKeepalivedConfig(viaYaml.statements), 'back.conf', { configId: 'high' });
  expect(meaning(back), `${file} -> yaml -> keepalived`).toEqual(meaning(original));
}

const confFiles = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.conf$/.test(f)).map((f) => join(dir, f)) : []);

describe('converting keepalived <-> YAML preserves meaning', () => {
  it('for the project configs and fixtures', () => {
    const files = OWN_DIRS.flatMap(confFiles);
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) checkRoundTrip(f);
  });

  it.skipIf(!existsSync(SAMPLES))('for every keepalived sample', () => {
    for (const name of readdirSync(SAMPLES)) checkRoundTrip(join(SAMPLES, name));
  });
});
