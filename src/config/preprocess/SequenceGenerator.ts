import type { PositionedText } from '../lexer/PositionedText.js';

/**
 * A parsed `~SEQ(...)`, `~SEQx(...)` or `~LST(...)` line: the rest of the line is read once per
 * value, with the variable(s) defined to that value first (keepalived.conf(5) "Sequence
 * blocks" / "List blocks").
 */
export interface SequenceGenerator {
  /** How many times `text` is produced. */
  readonly count: number;
  /** The text after the closing `)`, leading blanks removed. */
  readonly text: PositionedText;
  /** Variable assignments for iteration `index` (0-based). */
  assignments(index: number): ReadonlyArray<readonly [string, string]>;
}

export type GeneratorParse = { readonly ok: true; readonly generator: SequenceGenerator } | { readonly ok: false; readonly message: string };

/** sizeof(seq_buf) in lib/parser.c add_seq(): 3 * 20 + 3 + 1. */
const SEQ_PARAMS_MAX = 64;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** C strtol(text + i, &end, 0): blanks, sign, then 0x.. hex, 0.. octal or decimal. */
export function parseCLong(text: string, start: number): { value: number; end: number } {
  let i = start;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  let sign = 1;
  if (text.charAt(i) === '+' || text.charAt(i) === '-') {
    if (text.charAt(i) === '-') sign = -1;
    i++;
  }
  let base = 10;
  let digitsFrom = i;
  if (text.charAt(i) === '0' && (text.charAt(i + 1) === 'x' || text.charAt(i + 1) === 'X') && /[0-9a-fA-F]/.test(text.charAt(i + 2))) {
    base = 16;
    digitsFrom = i + 2;
  } else if (text.charAt(i) === '0') {
    base = 8;
  }
  let j = digitsFrom;
  let value = 0;
  for (; j < text.length; j++) {
    const d = Number.parseInt(text.charAt(j), base);
    if (Number.isNaN(d)) break;
    // strtol saturates at LONG_MAX; Number stays exact far beyond any useful sequence.
    value = Math.min(value * base + d, Number.MAX_SAFE_INTEGER);
  }
  if (j === digitsFrom) return { value: 0, end: start };
  return { value: sign * value, end: j };
}

/**
 * Parse `~SEQ(var, [start,] [step,] end) text` (also `~SEQx`, values in hex). `params` is the
 * text between the variable's comma and the `)` after macro substitution, which keepalived
 * applies to the numbers (lib/parser.c add_seq()).
 */
export function parseSeq(
  line: PositionedText,
  expandParams: (params: string) => string | null,
): GeneratorParse {
  const text = line.text;
  let p = 4; // after "~SEQ"
  const hex = text.charAt(p) === 'x';
  if (hex) p++;
  p = skipBlanks(text, p);
  if (text.charAt(p) !== '(') return { ok: false, message: "expected '(' after ~SEQ" };
  p = skipBlanks(text, p + 1);
  const varStart = p;
  while (p < text.length && !' \t,)'.includes(text.charAt(p))) p++;
  const variable = text.slice(varStart, p);
  p = skipBlanks(text, p);
  if (p >= text.length || text.charAt(p) === ')' || variable.length === 0) return { ok: false, message: 'missing variable or values' };
  if (text.charAt(p) !== ',') return { ok: false, message: `expected ',' after variable ${variable}` };
  p = skipBlanks(text, p + 1);
  const close = text.indexOf(')', p);
  if (close < 0) return { ok: false, message: "missing ')'" };
  // keepalived copies the numbers into a 64-byte buffer (3 longs with separators).
  if (close + 2 - p > SEQ_PARAMS_MAX) return { ok: false, message: `values longer than keepalived's ${SEQ_PARAMS_MAX - 2} characters` };
  const params = expandParams(text.slice(p, close + 1));
  if (params === null) return { ok: false, message: 'a parameter is a multi-line definition' };

  const nums: number[] = [];
  let q = 0;
  for (;;) {
    const { value, end } = parseCLong(params, q);
    nums.push(value);
    q = skipBlanks(params, end);
    const c = params.charAt(q);
    if (c === ')') break;
    if (c !== ',' || nums.length === 3) return { ok: false, message: `unexpected '${c || 'end of line'}' in ~SEQ values` };
    q++;
  }
  let start: number;
  let step: number;
  let end: number;
  if (nums.length === 1) {
    end = nums[0]!;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (nums.length === 2) {
    start = nums[0]!;
    end = nums[1]!;
    step = start <= end ? 1 : -1;
  } else {
    start = nums[0]!;
    step = nums[1]!;
    end = nums[2]!;
    if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
      return { ok: false, message: `step ${step} never gets from ${start} to ${end}` };
    }
  }
  if (hex && (start < 0 || end < 0)) return { ok: false, message: '~SEQx only takes non-negative numbers' };
  const count = Math.floor((end - start) / step) + 1;
  const rest = line.slice(skipBlanks(text, close + 1));
  return {
    ok: true,
    generator: {
      count,
      text: rest,
      assignments: (index) => {
        const v = start + index * step;
        return [[variable, hex ? v.toString(16) : String(v)]];
      },
    },
  };
}

/**
 * Parse `~LST(var, v1, v2, ...) text` or `~LST({a, b}, {1, 2}, {3, 4}) text` (lib/parser.c
 * add_lst()): values end at blank, `,`, `}` or `)`; a value set with fewer values than
 * variables leaves the rest empty; more values than variables is an error.
 */
export function parseLst(line: PositionedText): GeneratorParse {
  const text = line.text;
  let p = skipBlanks(text, 4);
  if (text.charAt(p) !== '(') return { ok: false, message: "expected '(' after ~LST" };
  p = skipBlanks(text, p + 1);

  const variables: string[] = [];
  let endChar = ',';
  if (text.charAt(p) === '{') {
    endChar = '}';
    p = skipBlanks(text, p + 1);
  }
  for (;;) {
    const from = p;
    while (p < text.length && !' \t,}'.includes(text.charAt(p))) p++;
    variables.push(text.slice(from, p));
    p = skipBlanks(text, p);
    if (text.charAt(p) === endChar) break;
    if (text.charAt(p) !== ',') return { ok: false, message: 'malformed variable list' };
    p = skipBlanks(text, p + 1);
  }
  if (text.charAt(p) === '}') p = skipBlanks(text, p + 1);
  if (text.charAt(p) !== ',') return { ok: false, message: 'expected values after the variables' };
  p = skipBlanks(text, p + 1);

  const valueSets: string[][] = [];
  for (;;) {
    let setEnd = ',';
    if (text.charAt(p) === '{') {
      setEnd = '}';
      p = skipBlanks(text, p + 1);
    }
    const values: string[] = [];
    for (;;) {
      const from = p;
      while (p < text.length && !' \t,})'.includes(text.charAt(p))) p++;
      values.push(text.slice(from, p));
      p = skipBlanks(text, p);
      const c = text.charAt(p);
      if (c === setEnd || (c === ')' && setEnd === ',')) break;
      if (c !== ',') return { ok: false, message: `unexpected '${c || 'end of line'}' in ~LST values` };
      p = skipBlanks(text, p + 1);
      if (values.length >= variables.length) return { ok: false, message: 'a value set has more values than there are variables' };
    }
    while (values.length < variables.length) values.push('');
    valueSets.push(values);
    if (text.charAt(p) === '}' && setEnd === '}') p = skipBlanks(text, p + 1);
    if (text.charAt(p) === ')') break;
    if (text.charAt(p) !== ',') return { ok: false, message: `unexpected '${text.charAt(p) || 'end of line'}' in ~LST values` };
    p = skipBlanks(text, p + 1);
  }
  const rest = line.slice(skipBlanks(text, p + 1));
  return {
    ok: true,
    generator: {
      count: valueSets.length,
      text: rest,
      assignments: (index) => variables.map((v, k) => [v, valueSets[index]?.[k] ?? ''] as const),
    },
  };
}
