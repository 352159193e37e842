import { PositionedText } from './PositionedText.js';

const HASH = 0x23; // #
const BANG = 0x21; // !
const DQUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const SPACE = 0x20;
const TAB = 0x09;

/** Characters that make decomment() do more than trim. */
const SPECIAL = /[#!"\\]/;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * keepalived's comment rule (lib/parser.c decomment()): `#` or `!` starts a comment anywhere
 * on the line, even in the middle of a word (`auth_pass ab!c` is `ab`), unless it is inside
 * double quotes or escaped as `\#` / `\!` (the backslash is removed). Single quotes do not
 * protect. Leading and trailing blanks go too; a final `\` (a multi-line `$NAME=` definition
 * continues) is kept, directly after the trimmed text, even when it ended a comment.
 */
export function stripComment(line: PositionedText): PositionedText {
  const text = line.text;
  const len = text.length;
  let start = 0;
  while (start < len && isBlank(text.charCodeAt(start))) start++;
  if (!SPECIAL.test(text)) {
    // The common line: nothing to remove but surrounding blanks.
    let end = len;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    return line.slice(start, end);
  }

  const droppedBackslashes: number[] = [];
  let inQuote = false;
  let commentAt = -1;
  let continued = false;
  for (let i = start; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE) {
      if (commentAt < 0) inQuote = !inQuote;
    } else if (c === BACKSLASH) {
      if (i + 1 === len) {
        continued = true;
        break;
      }
      const next = text.charCodeAt(i + 1);
      if (!inQuote && commentAt < 0 && (next === HASH || next === BANG)) droppedBackslashes.push(i);
      i++; // an escaped character never starts a comment or a quote
    } else if ((c === HASH || c === BANG) && !inQuote && commentAt < 0) {
      commentAt = i;
    }
  }

  let end = commentAt >= 0 ? commentAt : continued ? len - 1 : len;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;

  let body: PositionedText;
  if (droppedBackslashes.length === 0) {
    body = line.slice(start, end);
  } else {
    const pieces: PositionedText[] = [line.slice(start, start)];
    let from = start;
    for (const cut of droppedBackslashes) {
      if (cut >= end) break;
      pieces.push(line.slice(from, cut));
      from = cut + 1;
    }
    pieces.push(line.slice(from, end));
    body = PositionedText.join(pieces);
  }
  if (!continued) return body;
  const slash = line.posAt(len - 1);
  return body.concat(PositionedText.fromSource('\\', slash.file, slash.line, slash.col));
}
