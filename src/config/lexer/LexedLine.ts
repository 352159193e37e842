import type { Word } from '../ConfigAst.js';
import type { SourcePos } from '../SourcePos.js';

/**
 * One logical line after preprocessing and brace splitting: a structural brace on its own, or
 * the words of one statement. This is what the statement tree builder consumes.
 */
export type LexedLine =
  | { readonly kind: 'open'; readonly pos: SourcePos }
  | { readonly kind: 'close'; readonly pos: SourcePos }
  | { readonly kind: 'words'; readonly words: readonly Word[] };
