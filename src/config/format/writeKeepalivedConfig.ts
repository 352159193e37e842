import type { Statement, Word } from '../ConfigAst.js';

/** A word that keepalived would split, treat as a comment or a brace must be quoted. */
function renderWord(w: Word): string {
  const t = w.text;
  const needsQuotes = w.quoted || t.length === 0 || /[\s"'#!{}]/.test(t);
  if (!needsQuotes) return t;
  return t.includes('"') && !t.includes("'") ? `'${t}'` : `"${t}"`;
}

function renderStatements(statements: readonly Statement[], depth: number, out: string[]): void {
  const indent = '    '.repeat(depth);
  for (const s of statements) {
    const head = [s.keyword, ...s.args].map(renderWord).join(' ');
    if (!s.block) {
      out.push(indent + head);
      continue;
    }
    out.push(`${indent}${head} {`);
    renderStatements(s.block.statements, depth + 1, out);
    out.push(`${indent}}`);
  }
}

/**
 * Prints a statement tree as keepalived.conf text. Includes, macros and conditionals are
 * already resolved in the tree, so the output is one self-contained file.
 */
export function writeKeepalivedConfig(statements: readonly Statement[], header?: string): string {
  const out: string[] = [];
  if (header) for (const line of header.split('\n')) out.push(`! ${line}`);
  renderStatements(statements, 0, out);
  return out.join('\n') + '\n';
}
