import type { Word } from '../ConfigAst.js';
import type { SourcePos } from '../SourcePos.js';

/**
 * One logical line after preprocessing and brace splitting: a structural brace on its own, or
 * one statement (its first word and the rest). This is what the statement tree builder consumes.
 */
export type LexedLine =
  | { readonly kind: 'open'; readonly pos: SourcePos }
  | { readonly kind: 'close'; readonly pos: SourcePos }
  | { readonly kind: 'statement'; readonly keyword: Word; readonly args: readonly Word[] };
