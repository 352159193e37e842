import type { Diagnostic, SourceLines } from './Diagnostic.js';
import type { SourcePos } from './SourcePos.js';

/** One word of a config line after macro expansion and quote removal. */
export interface Word {
  readonly text: string;
  /** True when the word came from a quoted string (so `{` in it is not a brace). */
  readonly quoted: boolean;
  readonly pos: SourcePos;
}

/**
 * One keyword line: `priority 100`, `virtual_ipaddress { ... }`, or a list item such as
 * `192.0.2.1/24 dev eth0` inside a block. keepalived's grammar is line-oriented: the first
 * word is the keyword, the rest are its arguments, and an optional `{ ... }` block follows
 * (on the same line or the next).
 */
export interface Statement {
  readonly keyword: Word;
  readonly args: readonly Word[];
  readonly block?: Block;
}

export interface Block {
  readonly open: SourcePos;
  /** Absent when the block was never closed (a diagnostic points at `open`). */
  readonly close?: SourcePos;
  readonly statements: readonly Statement[];
}

/** Result of lexing + preprocessing + parsing a config and everything it includes. */
export interface ParsedConfig {
  readonly statements: readonly Statement[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every file read (after include resolution), for caret rendering. */
  readonly sources: SourceLines;
  readonly files: readonly string[];
}
