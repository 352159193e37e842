import type { PositionedText } from './PositionedText.js';

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const DQUOTE = 0x22; // "

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** One line cut at its first structural brace. */
export interface BraceSplit {
  /** Text before the brace, or the brace alone when the line starts with one. */
  readonly head: PositionedText;
  /** What follows, to be processed as a line of its own (keepalived's "line residue"). */
  readonly residue: PositionedText | null;
}

/**
 * keepalived (lib/parser.c read_line()) splits a line at the first `{` or `}` that is not inside
 * double quotes, and feeds the rest back as if it were the next line: `vrrp_instance VI_1 {`
 * becomes `vrrp_instance VI_1` then `{`; `name{` needs no space; `virtual_ipaddress { a }`
 * becomes four lines. The residue goes through conditionals and macros again.
 */
export function splitAtBrace(line: PositionedText): BraceSplit {
  const text = line.text;
  const len = text.length;
  if (len === 0) return { head: line, residue: null };

  const first = text.charCodeAt(0);
  if (first === OPEN || first === CLOSE) {
    let rest = 1;
    while (rest < len && isBlank(text.charCodeAt(rest))) rest++;
    return { head: line.slice(0, 1), residue: rest < len ? trimEnd(line.slice(rest)) : null };
  }

  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE) {
      const close = text.indexOf('"', i + 1);
      if (close < 0) break; // unterminated quote: no structural brace after it
      i = close;
    } else if (c === OPEN || c === CLOSE) {
      let headEnd = i;
      while (headEnd > 0 && isBlank(text.charCodeAt(headEnd - 1))) headEnd--;
      return { head: line.slice(0, headEnd), residue: trimEnd(line.slice(i)) };
    }
  }
  return { head: trimEnd(line), residue: null };
}

function trimEnd(line: PositionedText): PositionedText {
  const text = line.text;
  let end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  return end === text.length ? line : line.slice(0, end);
}
