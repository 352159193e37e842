import type { Block, ParsedConfig, Statement, Word } from '../ConfigAst.js';
import type { Diagnostic } from '../Diagnostic.js';
import type { SourcePos } from '../SourcePos.js';
import { LIST_BLOCKS, NAMED_BLOCKS } from './BlockShapes.js';
import { readYamlTree, type YamlNode } from './YamlTree.js';

/**
 * YAML is another spelling of the same statement tree the keepalived parser produces, so
 * one builder and one validator serve both and every YAML diagnostic has a line and column.
 *
 *   keyword: value           one statement; a plain value splits into words as keepalived
 *                            splits a line, a quoted value is one word
 *   flag: true               a statement without arguments (`false` leaves it out)
 *   keyword: { … }           a block
 *   named_block: { NAME: { … } }   `vrrp_instance VI_1 { … }` (see NAMED_BLOCKS)
 *   list_block: [ "line", … ]      `virtual_ipaddress { line … }` (see LIST_BLOCKS)
 *   keyword: [ v1, { … } ]   the keyword repeated once per item
 *   keyword: [[ "a b", c ]]  one statement, one word per inner item
 */
export function parseYamlConfigText(text: string, file: string): ParsedConfig {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map([[file, text.split(/\r?\n/)]]);
  const tree = readYamlTree(text, file);
  if (!tree.ok) return { statements: [], diagnostics: [tree.diagnostic], sources, files: [file] };
  if (tree.root === null) return { statements: [], diagnostics, sources, files: [file] };
  if (tree.root.kind !== 'mapping') {
    diagnostics.push(shapeError(tree.root.pos, 'the top of a Vigil YAML config must be a mapping of keywords (global_defs, vrrp_instance, …)'));
    return { statements: [], diagnostics, sources, files: [file] };
  }
  const statements = mappingToStatements(tree.root, diagnostics);
  return { statements, diagnostics, sources, files: [file] };
}

function shapeError(pos: SourcePos, message: string, hint?: string): Diagnostic {
  return { severity: 'error', code: 'yaml-shape', message, pos, ...(hint ? { hint } : {}) };
}

/** Splits a plain scalar into words the way keepalived splits a line: whitespace, with quotes grouping. */
export function splitWords(value: string, pos: SourcePos): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i] as string)) i++;
    if (i >= value.length) break;
    const start = i;
    const q = value[i];
    if (q === '"' || q === "'") {
      const end = value.indexOf(q, i + 1);
      const stop = end < 0 ? value.length : end;
      words.push({ text: value.slice(i + 1, stop), quoted: true, pos: { ...pos, col: pos.col + start } });
      i = stop + 1;
    } else {
      while (i < value.length && !/\s/.test(value[i] as string)) i++;
      words.push({ text: value.slice(start, i), quoted: false, pos: { ...pos, col: pos.col + start } });
    }
  }
  return words;
}

function keyWord(key: YamlNode): Word | null {
  if (key.kind !== 'scalar') return null;
  return { text: key.value, quoted: !key.plain, pos: key.pos };
}

function scalarArgs(node: Extract<YamlNode, { kind: 'scalar' }>): Word[] {
  return node.plain ? splitWords(node.value, node.pos) : [{ text: node.value, quoted: true, pos: node.pos }];
}

const isFalse = (n: Extract<YamlNode, { kind: 'scalar' }>): boolean => n.plain && /^(false|null|~|)$/i.test(n.value);
const isTrue = (n: Extract<YamlNode, { kind: 'scalar' }>): boolean => n.plain && /^true$/i.test(n.value);

function listBlock(node: YamlNode, diagnostics: Diagnostic[]): Block {
  if (node.kind === 'scalar' && isFalse(node)) return { open: node.pos, close: node.pos, statements: [] };
  const items = node.kind === 'sequence' ? node.items : [node];
  const statements: Statement[] = [];
  for (const item of items) {
    if (item.kind !== 'scalar') {
      diagnostics.push(shapeError(item.pos, 'each entry of this list must be one line of text, e.g. "192.0.2.1/24 dev eth0"'));
      continue;
    }
    // A list item is a line of the keepalived block: always split it into words, quoted or not.
    const [keyword, ...args] = splitWords(item.value, item.pos);
    if (keyword) statements.push({ keyword, args });
  }
  return { open: node.pos, close: node.pos, statements };
}

function blockOf(node: YamlNode, keyword: string, diagnostics: Diagnostic[]): Block {
  if (LIST_BLOCKS.has(keyword)) return listBlock(node, diagnostics);
  if (node.kind === 'mapping') return { open: node.pos, close: node.pos, statements: mappingToStatements(node, diagnostics) };
  if (node.kind === 'scalar' && isFalse(node)) return { open: node.pos, close: node.pos, statements: [] };
  diagnostics.push(shapeError(node.pos, `the body of '${keyword}' must be a mapping of keywords`));
  return { open: node.pos, close: node.pos, statements: [] };
}

function mappingToStatements(map: Extract<YamlNode, { kind: 'mapping' }>, diagnostics: Diagnostic[]): Statement[] {
  const out: Statement[] = [];
  for (const { key, value } of map.pairs) {
    const kw = keyWord(key);
    if (!kw) {
      diagnostics.push(shapeError(key.pos, 'keys must be keywords'));
      continue;
    }
    if (kw.text === 'include') {
      diagnostics.push({ severity: 'error', code: 'yaml-include', message: "'include' is not supported in YAML configs", pos: kw.pos, keyword: 'include', hint: 'convert the included files and merge them into one YAML file' });
      continue;
    }
    if (NAMED_BLOCKS.has(kw.text)) {
      if (value.kind !== 'mapping') {
        diagnostics.push(shapeError(value.pos, `'${kw.text}' takes a mapping from name to body`, `e.g. ${kw.text}: { NAME: { … } }`));
        continue;
      }
      for (const pair of value.pairs) {
        const name = keyWord(pair.key);
        if (!name) {
          diagnostics.push(shapeError(pair.key.pos, `names under '${kw.text}' must be text`));
          continue;
        }
        out.push({ keyword: kw, args: splitWords(name.text, name.pos), block: blockOf(pair.value, kw.text, diagnostics) });
      }
      continue;
    }
    if (LIST_BLOCKS.has(kw.text)) {
      out.push({ keyword: kw, args: [], block: listBlock(value, diagnostics) });
      continue;
    }
    const items = value.kind === 'sequence' ? value.items : [value];
    for (const item of items) {
      if (item.kind === 'mapping') out.push({ keyword: kw, args: [], block: blockOf(item, kw.text, diagnostics) });
      else if (item.kind === 'sequence') {
        // One statement whose words are given one per item (for words that hold spaces).
        const words: Word[] = [];
        for (const w of item.items) {
          if (w.kind === 'scalar') words.push({ text: w.value, quoted: !w.plain, pos: w.pos });
          else diagnostics.push(shapeError(w.pos, `each word of '${kw.text}' must be text`));
        }
        out.push({ keyword: kw, args: words });
      }
      else if (isTrue(item)) out.push({ keyword: kw, args: [] });
      else if (!isFalse(item)) out.push({ keyword: kw, args: scalarArgs(item) });
    }
  }
  return out;
}
