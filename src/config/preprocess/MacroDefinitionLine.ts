import type { PositionedText } from '../lexer/PositionedText.js';

/** A `$NAME=value` line (keepalived.conf(5) "Parameter substitution"). */
export interface DefinitionLine {
  readonly name: string;
  /** The value; for a multi-line definition, its first line (possibly empty). */
  readonly value: PositionedText;
  /** The line ended in `\`: following lines belong to the value. */
  readonly multiline: boolean;
}

export function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

const BACKSLASH = 0x5c;

/**
 * Recognise a definition as keepalived's check_definition() does: `$`, a name of
 * `[A-Za-z_][A-Za-z0-9_]*`, then `=` with no space before it. Blanks after `=` are skipped.
 * A value ending in `\` starts a multi-line definition (blanks before the `\` are dropped).
 */
export function parseDefinitionLine(line: PositionedText): DefinitionLine | null {
  const text = line.text;
  if (text.charCodeAt(0) !== 0x24 /* $ */ || !isNameStart(text.charCodeAt(1))) return null;
  let i = 2;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x3d /* = */) return null;
  const name = text.slice(1, i);
  let v = i + 1;
  while (v < text.length && isBlank(text.charCodeAt(v))) v++;
  const value = line.slice(v);
  if (value.text.charCodeAt(value.length - 1) !== BACKSLASH) return { name, value, multiline: false };
  return { name, value: continuationPiece(value), multiline: true };
}

/** A value line ending in `\`: the text before it, trailing blanks dropped. */
export function continuationPiece(line: PositionedText): PositionedText {
  let end = line.length - 1;
  while (end > 0 && isBlank(line.text.charCodeAt(end - 1))) end--;
  return line.slice(0, end);
}
