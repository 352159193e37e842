import type { PositionedText } from '../lexer/PositionedText.js';

/**
 * keepalived's conditional lines (keepalived.conf(5) "Conditional configuration"): a line
 * `@ID rest` keeps `rest` only when ID is the config id; `@^ID rest` only when it is not.
 * A conditional with nothing after the id is dropped. Returns the line unchanged when it is
 * not conditional, the remainder when it applies, and null when it is dropped.
 */
export function applyConfigIdCondition(line: PositionedText, configId: string): PositionedText | null {
  const text = line.text;
  if (text.charCodeAt(0) !== 0x40 /* @ */) return line;
  const negated = text.charCodeAt(1) === 0x5e; /* ^ */
  const idStart = negated ? 2 : 1;
  let idEnd = idStart;
  while (idEnd < text.length && text.charCodeAt(idEnd) !== 0x20 && text.charCodeAt(idEnd) !== 0x09) idEnd++;
  if (idEnd >= text.length) return null;
  const matches = text.slice(idStart, idEnd) === configId;
  if (matches === negated) return null;
  let rest = idEnd;
  while (rest < text.length && (text.charCodeAt(rest) === 0x20 || text.charCodeAt(rest) === 0x09)) rest++;
  return line.slice(rest);
}
