import type { Block, Statement, Word } from '../../../../src/config/ConfigAst.js';
import type { Diagnostic } from '../../../../src/config/Diagnostic.js';

/** Build an expected Word in file `f`. */
export function word(text: string, line: number, col: number, quoted = false, file = 'test.conf'): Word {
  return { text, quoted, pos: { file, line, col } };
}

export function at(line: number, col: number, file = 'test.conf'): { file: string; line: number; col: number } {
  return { file, line, col };
}

/** Compact shape of a statement tree: `['kw arg1 arg2', [children]]`, for structure-only checks. */
export type Shape = string | [string, Shape[]];

export function shape(statements: readonly Statement[]): Shape[] {
  return statements.map((s) => {
    const head = [s.keyword, ...s.args].map((w) => w.text).join(' ');
    return s.block ? [head, shape(s.block.statements)] : head;
  });
}

export function codes(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

export function blockOf(s: Statement | undefined): Block {
  if (!s?.block) throw new Error('statement has no block');
  return s.block;
}
