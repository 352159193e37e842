import { KEYWORD_CATALOG, type BlockCatalogEntry, type KeywordShape } from './KeywordCatalog.js';
import { LIST_BLOCKS, NAMED_BLOCKS } from './BlockShapes.js';

type JsonSchema = Record<string, unknown>;

const SCALAR: JsonSchema = { type: ['string', 'number', 'boolean'] };
/** `keyword: [["a b", c]]`: one statement given word by word (see yamlToStatements). */
const WORDS: JsonSchema = { type: 'array', items: { type: ['string', 'number'] } };
const LIST: JsonSchema = { type: ['array', 'null'], items: { type: 'string' }, description: 'one line per item, as inside the keepalived block' };

const ref = (block: string): JsonSchema => ({ $ref: `#/$defs/${block}` });

function describe(keyword: string, rule: KeywordShape): string | undefined {
  const parts: string[] = [];
  if (rule.usage) parts.push(rule.usage.startsWith(keyword) ? rule.usage : `${keyword} ${rule.usage}`);
  if (rule.deprecatedFor) parts.push(`deprecated: write '${rule.deprecatedFor}'`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function keywordSchema(keyword: string, rule: KeywordShape, entry: BlockCatalogEntry): JsonSchema {
  const child = entry.children[keyword];
  const hasBlock = (rule.block ?? 'none') !== 'none';
  const description = describe(keyword, rule);
  const withDescription = (schema: JsonSchema): JsonSchema => (description ? { ...schema, description } : schema);

  if (NAMED_BLOCKS.has(keyword)) {
    const body = LIST_BLOCKS.has(keyword) || !child ? LIST : ref(child);
    return withDescription({ type: 'object', additionalProperties: body });
  }
  if (hasBlock && LIST_BLOCKS.has(keyword)) return withDescription(LIST);

  // One occurrence as a mapping value, and as an item when the keyword is repeated.
  let single: JsonSchema;
  let item: JsonSchema;
  if (hasBlock) {
    single = child ? ref(child) : { type: ['object', 'null'] };
    item = single;
  } else if ((rule.maxArgs ?? rule.minArgs ?? 0) === 0) {
    single = { type: 'boolean' };
    item = single;
  } else {
    single = { anyOf: [SCALAR, { type: 'array', items: WORDS, minItems: 1, maxItems: 1 }] };
    item = { anyOf: [SCALAR, WORDS] };
  }
  return withDescription(rule.repeatable ? { anyOf: [single, { type: 'array', items: item }] } : single);
}

function blockSchema(entry: BlockCatalogEntry): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const keyword of Object.keys(entry.rules).sort()) {
    properties[keyword] = keywordSchema(keyword, entry.rules[keyword] as KeywordShape, entry);
  }
  for (const keyword of [...entry.passThrough].sort()) {
    properties[keyword] ??= { description: 'accepted for keepalived compatibility; Vigil does not act on it' };
  }
  return { type: 'object', properties, additionalProperties: false };
}

/**
 * The JSON Schema (draft 2020-12) of Vigil's YAML configuration, generated from the same keyword
 * tables the validator uses. `config/vigil-config.schema.json` is this, written out.
 */
export function configJsonSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  let top: JsonSchema = {};
  for (const entry of KEYWORD_CATALOG) {
    if (entry.name === 'top') top = blockSchema(entry);
    else defs[entry.name] = blockSchema(entry);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://vigil.invalid/schema/vigil-config.schema.json',
    title: 'Vigil configuration (YAML spelling of keepalived.conf)',
    description: 'Generated from src/config/model keyword tables by `npm run schema`; do not edit by hand.',
    ...top,
    $defs: defs,
  };
}
