import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { configJsonSchema } from '../../../../src/config/yaml/configJsonSchema.js';
import { parseConfigFile } from '../../../../src/config/parseConfig.js';
import { writeYamlConfig } from '../../../../src/config/yaml/writeYamlConfig.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const SAMPLES = resolve(ROOT, '../shared/fixtures/keepalived-samples');
const OWN = [join(ROOT, 'config/lab.conf'), join(ROOT, 'test/fixtures/config/cli/director.conf')];

type Schema = Record<string, unknown>;

/** The subset of JSON Schema the generated schema uses, enough to check documents against it. */
function validate(value: unknown, schema: Schema, root: Schema, path: string, errors: string[]): void {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref'] as string).replace('#/$defs/', '');
    validate(value, (root['$defs'] as Record<string, Schema>)[name] as Schema, root, path, errors);
    return;
  }
  if (Array.isArray(schema['anyOf'])) {
    const ok = (schema['anyOf'] as Schema[]).some((s) => {
      const e: string[] = [];
      validate(value, s, root, path, e);
      return e.length === 0;
    });
    if (!ok) errors.push(`${path}: matches no alternative`);
    return;
  }
  const types = schema['type'] === undefined ? null : ([] as string[]).concat(schema['type'] as string | string[]);
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (types && !types.includes(actual) && !(actual === 'number' && types.includes('integer'))) {
    errors.push(`${path}: ${actual} is not ${types.join('|')}`);
    return;
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof schema['maxItems'] === 'number' && items.length > (schema['maxItems'] as number)) errors.push(`${path}: too many items`);
    if (schema['items']) items.forEach((v, i) => validate(v, schema['items'] as Schema, root, `${path}[${i}]`, errors));
  }
  if (actual === 'object') {
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (props[k]) validate(v, props[k], root, `${path}.${k}`, errors);
      else if (schema['additionalProperties'] === false) errors.push(`${path}: unexpected key '${k}'`);
      else if (typeof schema['additionalProperties'] === 'object') validate(v, schema['additionalProperties'] as Schema, root, `${path}.${k}`, errors);
    }
  }
}

function yamlOf(confFile: string): unknown {
  const parsed = parseConfigFile(confFile, { configId: 'high' });
  return load(writeYamlConfig(parsed.statements));
}

describe('config/vigil-config.schema.json', () => {
  const schema = configJsonSchema();

  it('is the schema generated from the keyword tables (run `npm run schema` after changing them)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'config/vigil-config.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(schema);
  });

  it('accepts the YAML form of the project configs', () => {
    for (const f of OWN) {
      const errors: string[] = [];
      validate(yamlOf(f), schema, schema, '$', errors);
      expect(errors, f).toEqual([]);
    }
  });

  it.skipIf(!existsSync(SAMPLES))('accepts the YAML form of every keepalived sample', () => {
    for (const name of readdirSync(SAMPLES)) {
      const errors: string[] = [];
      validate(yamlOf(join(SAMPLES, name)), schema, schema, '$', errors);
      expect(errors, name).toEqual([]);
    }
  });

  it('rejects a misspelt keyword and a block where a value belongs', () => {
    const errors: string[] = [];
    validate(load('vrrp_instance:\n  VI_1:\n    priorty: 100\n    priority: { a: 1 }\n'), schema, schema, '$', errors);
    expect(errors).toEqual(["$.vrrp_instance.VI_1: unexpected key 'priorty'", '$.vrrp_instance.VI_1.priority: matches no alternative']);
  });
});
