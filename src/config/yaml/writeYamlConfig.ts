import type { Statement, Word } from '../ConfigAst.js';
import { LIST_BLOCKS, NAMED_BLOCKS } from './BlockShapes.js';

// Plain YAML scalars that `parseYamlConfigText` reads back as the same words. Anything else is
// double-quoted (JSON string syntax is valid YAML double-quoted syntax).
const SAFE_WORD = /^(?:[A-Za-z0-9_./+=]|-(?=\S))[A-Za-z0-9_./:+=,@%-]*$/;
const LOADER_SPECIAL = /^(true|false|null|~)$/i;

function plainSafe(w: Word): boolean {
  return !w.quoted && SAFE_WORD.test(w.text) && !w.text.endsWith(':') && !LOADER_SPECIAL.test(w.text);
}

function scalar(text: string, plain: boolean): string {
  return plain ? text : JSON.stringify(text);
}

/** The YAML value for a statement without a block. */
function argsValue(args: readonly Word[]): string {
  if (args.length === 0) return 'true';
  if (args.length === 1) {
    const w = args[0] as Word;
    return scalar(w.text, plainSafe(w));
  }
  if (args.every(plainSafe)) return args.map((a) => a.text).join(' ');
  // Several words, one of which holds spaces or quotes: one word per item.
  return `[${args.map((a) => JSON.stringify(a.text)).join(', ')}]`;
}

function listLine(s: Statement): string {
  const words = [s.keyword, ...s.args];
  if (words.every(plainSafe)) return words.map((w) => w.text).join(' ');
  // Keep keepalived quoting inside the string so the loader regroups the words.
  const text = words.map((w) => (plainSafe(w) ? w.text : `"${w.text}"`)).join(' ');
  return JSON.stringify(text);
}

function groupByKeyword(statements: readonly Statement[]): Map<string, Statement[]> {
  const groups = new Map<string, Statement[]>();
  for (const s of statements) {
    const g = groups.get(s.keyword.text);
    if (g) g.push(s);
    else groups.set(s.keyword.text, [s]);
  }
  return groups;
}

function keyText(text: string): string {
  return SAFE_WORD.test(text) && !text.endsWith(':') && !LOADER_SPECIAL.test(text) ? text : JSON.stringify(text);
}

function writeBody(keyword: string, s: Statement, depth: number, out: string[], prefix: string): void {
  const pad = '  '.repeat(depth);
  const stmts = s.block?.statements ?? [];
  if (LIST_BLOCKS.has(keyword)) {
    if (stmts.length === 0) {
      out.push(`${prefix} []`);
      return;
    }
    out.push(prefix);
    for (const item of stmts) out.push(`${pad}- ${listLine(item)}`);
    return;
  }
  if (stmts.length === 0) {
    out.push(`${prefix} {}`);
    return;
  }
  out.push(prefix);
  writeMapping(stmts, depth, out);
}

function writeMapping(statements: readonly Statement[], depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  for (const [keyword, group] of groupByKeyword(statements)) {
    const key = keyText(keyword);
    if (NAMED_BLOCKS.has(keyword)) {
      out.push(`${pad}${key}:`);
      for (const s of group) {
        const name = s.args.map((a) => a.text).join(' ');
        writeBody(keyword, s, depth + 2, out, `${pad}  ${keyText(name)}:`);
      }
      continue;
    }
    if (group.length === 1) {
      const s = group[0] as Statement;
      if (s.block) writeBody(keyword, s, depth + 1, out, `${pad}${key}:`);
      else {
        const v = argsValue(s.args);
        // A bare list would read back as repetition: nest it to mean "these words".
        out.push(`${pad}${key}: ${v.startsWith('[') ? `[${v}]` : v}`);
      }
      continue;
    }
    // A keyword repeated in one block becomes a list, one item per occurrence.
    out.push(`${pad}${key}:`);
    for (const s of group) {
      if (s.block) writeBody(keyword, s, depth + 2, out, `${pad}  -`);
      else out.push(`${pad}  - ${argsValue(s.args)}`);
    }
  }
}

/** Prints a statement tree as a Vigil YAML config that `parseYamlConfigText` reads back to the same tree. */
export function writeYamlConfig(statements: readonly Statement[], header?: string): string {
  const out: string[] = [];
  if (header) for (const line of header.split('\n')) out.push(`# ${line}`);
  writeMapping(statements, 0, out);
  return out.join('\n') + '\n';
}
