import type { Word } from '../ConfigAst.js';
import type { DiagnosticSink } from './DiagnosticSink.js';
import type { PositionedText } from './PositionedText.js';

const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const SEMICOLON = 0x3b;

/** keepalived's WHITE_SPACE_STR (lib/parser.c): space, \t, \f, \n, \r, \v. */
function isWhite(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** A word before positions are attached: offsets are into the line's text. */
export interface RawWord {
  readonly text: string;
  readonly quoted: boolean;
  /** Offset of the word's first character (its opening quote, if any). */
  readonly start: number;
  /** Offset just past the word's last character. */
  readonly end: number;
  /** The last character was plain source text (not quoted or escaped). */
  readonly endsLiteral: boolean;
}

/** Problems found while splitting; offsets are into the split text. */
export interface WordSplitProblem {
  readonly kind: 'unterminated-quote' | 'stray-backslash';
  readonly offset: number;
  readonly quote?: string;
}

/** Simple escapes of keepalived's alloc_strvec_quoted_escaped(); others stand for themselves. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Split text into words the way keepalived splits script command lines, regex patterns and
 * other values it re-reads with alloc_strvec_quoted_escaped() (lib/parser.c): words end at
 * white space; `"..."` and `'...'` group white space and are removed, and may join with
 * adjacent text (`ab" c"` is one word `ab c`); a backslash escapes — `\a \b \E \f \n \r \t \v`,
 * `\xHH...`, up to three octal digits `\nnn`, `\cX` (control-X), and `\X` for any other X —
 * inside and outside quotes.
 */
export function splitQuotedEscaped(text: string): { words: RawWord[]; problems: WordSplitProblem[] } {
  const words: RawWord[] = [];
  const problems: WordSplitProblem[] = [];
  const len = text.length;
  let i = 0;
  while (i < len) {
    while (i < len && isWhite(text.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    const parts: string[] = [];
    let quote = 0;
    let quoted = false;
    let endsLiteral = false;
    let plainFrom = i;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) {
          if (plainFrom < i) parts.push(text.slice(plainFrom, i));
          quote = 0;
          i++;
          plainFrom = i;
          endsLiteral = false;
          continue;
        }
        if (c !== BACKSLASH) {
          i++;
          continue;
        }
      } else if (isWhite(c)) {
        break;
      } else if (c === DQUOTE || c === SQUOTE) {
        if (plainFrom < i) parts.push(text.slice(plainFrom, i));
        quote = c;
        quoted = true;
        i++;
        plainFrom = i;
        endsLiteral = false;
        continue;
      } else if (c !== BACKSLASH) {
        i++;
        endsLiteral = true;
        continue;
      }
      // A backslash escape.
      if (plainFrom < i) parts.push(text.slice(plainFrom, i));
      if (i + 1 >= len) {
        problems.push({ kind: 'stray-backslash', offset: i });
        parts.push('\\');
        i++;
        plainFrom = i;
        endsLiteral = false;
        break;
      }
      const [value, next] = readEscape(text, i + 1);
      parts.push(value);
      i = next;
      plainFrom = i;
      endsLiteral = false;
    }
    if (plainFrom < i) parts.push(text.slice(plainFrom, i));
    if (quote !== 0) problems.push({ kind: 'unterminated-quote', offset: start, quote: String.fromCharCode(quote) });
    words.push({ text: parts.length === 1 ? parts[0]! : parts.join(''), quoted, start, end: i, endsLiteral: quote === 0 && endsLiteral });
  }
  return { words, problems };
}

/** Decode the escape whose letter is at `at`; returns the character and the offset after it. */
function readEscape(text: string, at: number): [string, number] {
  const c = text.charCodeAt(at);
  if (c === 0x78 /* x */ && at + 1 < text.length && hexValue(text.charCodeAt(at + 1)) >= 0) {
    let v = 0;
    let j = at + 1;
    // keepalived shifts into a C char, so only the low 8 bits of a long \x sequence survive.
    for (; j < text.length && hexValue(text.charCodeAt(j)) >= 0; j++) v = ((v << 4) | hexValue(text.charCodeAt(j))) & 0xff;
    return [String.fromCharCode(v), j];
  }
  if (c === 0x63 /* c */ && at + 1 < text.length) {
    return [String.fromCharCode(text.charCodeAt(at + 1) & 0x1f), at + 2];
  }
  if (c >= 0x30 && c <= 0x37) {
    let v = c - 0x30;
    let j = at + 1;
    for (let n = 1; n < 3 && j < text.length; n++, j++) {
      const d = text.charCodeAt(j);
      if (d < 0x30 || d > 0x37) break;
      v = (v << 3) + (d - 0x30);
    }
    return [String.fromCharCode(v & 0xff), j];
  }
  const ch = text.charAt(at);
  return [SIMPLE_ESCAPES[ch] ?? ch, at + 1];
}

/** The words of one line: the keyword and its arguments. */
export interface LineWords {
  readonly keyword: Word | null;
  readonly args: readonly Word[];
}

/** Shared by every statement without arguments (never mutated). */
const NO_ARGS: readonly Word[] = Object.freeze([]);

/**
 * Split one preprocessed config line into its keyword and positioned arguments, reporting
 * unterminated quotes and a stray trailing `;` (stripped, since it is a C-style habit that
 * keepalived would keep as part of the value).
 */
export function splitLineWords(line: PositionedText, sink: DiagnosticSink): LineWords {
  const split = fastPathApplies(line.text) ? splitPlain(line) : splitEscaped(line, sink);
  let { keyword } = split;
  const args = split.args;
  if (split.semicolonAt >= 0) {
    sink.warning('stray-semicolon', "stray ';' at the end of a line was removed (keepalived does not use ';')", line.posAt(split.semicolonAt));
    const last = args.length > 0 ? args[args.length - 1]! : keyword!;
    const stripped = { text: last.text.replace(/;+$/, ''), quoted: last.quoted, pos: last.pos };
    const drop = stripped.text.length === 0 && !last.quoted;
    if (args.length > 0) {
      if (drop) args.pop();
      else args[args.length - 1] = stripped;
    } else {
      keyword = drop ? null : stripped;
    }
  }
  return { keyword, args: args.length > 0 ? args : NO_ARGS };
}

/** A split line; `semicolonAt` is the offset of a literal `;` ending the last word, or -1. */
interface SplitLine {
  readonly keyword: Word | null;
  readonly args: Word[];
  readonly semicolonAt: number;
}

function splitEscaped(line: PositionedText, sink: DiagnosticSink): SplitLine {
  const text = line.text;
  const { words, problems } = splitQuotedEscaped(text);
  for (const p of problems) {
    const pos = line.posAt(p.offset);
    if (p.kind === 'unterminated-quote') {
      sink.error('unterminated-quote', `missing closing ${p.quote ?? '"'} quote`, pos, {
        hint: 'the word runs to the end of the line',
      });
    } else {
      sink.warning('stray-backslash', "a '\\' at the end of a line does not continue it (only $NAME= definitions continue)", pos);
    }
  }
  const lastRaw = words[words.length - 1];
  const semicolonAt = lastRaw && lastRaw.endsLiteral && text.charCodeAt(lastRaw.end - 1) === SEMICOLON ? lastRaw.end - 1 : -1;
  const positioned = words.map((raw) => ({ text: raw.text, quoted: raw.quoted, pos: line.posAt(raw.start) }));
  return { keyword: positioned[0] ?? null, args: positioned.slice(1), semicolonAt };
}

const QUOTE_OR_ESCAPE = /["'\\]/;

function fastPathApplies(text: string): boolean {
  return !QUOTE_OR_ESCAPE.test(text);
}

/**
 * Words of the line being split, reused from line to line: arrays grown by push() keep spare
 * capacity, so each line's arguments are copied out at their exact size instead.
 */
const scratch: Word[] = [];

/** Whitespace split for the common line with no quotes or escapes. */
function splitPlain(line: PositionedText): SplitLine {
  const text = line.text;
  const len = text.length;
  scratch.length = 0;
  let i = 0;
  let lastEnd = -1;
  while (i < len) {
    while (i < len && isWhite(text.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    while (i < len && !isWhite(text.charCodeAt(i))) i++;
    scratch.push({ text: text.slice(start, i), quoted: false, pos: line.posAt(start) });
    lastEnd = i;
  }
  const keyword = scratch[0] ?? null;
  const args = scratch.length > 1 ? scratch.slice(1) : [];
  scratch.length = 0;
  return { keyword, args, semicolonAt: lastEnd > 0 && text.charCodeAt(lastEnd - 1) === SEMICOLON ? lastEnd - 1 : -1 };
}
