import type { DiagnosticSink } from '../lexer/DiagnosticSink.js';
import { PositionedText } from '../lexer/PositionedText.js';
import { isNameChar, isNameStart } from './MacroDefinitionLine.js';
import type { MacroDefinition, MacroTable } from './MacroTable.js';

/** A `$NAME` or `${NAME}` (or `${NAME 1 2}`) reference found in a line. */
interface MacroReference {
  readonly name: string;
  /** Offset just past the reference. */
  readonly end: number;
  readonly braced: boolean;
  readonly params: readonly number[];
  /** Nothing follows the reference: only then may a multi-line definition be used. */
  readonly atEnd: boolean;
}

/** Lines of a multi-line definition still to be read after the line that referenced it. */
export interface PendingExpansion {
  readonly macro: string;
  readonly lines: readonly PositionedText[];
}

export interface ExpansionResult {
  readonly line: PositionedText;
  readonly changed: boolean;
  /** Multi-line definitions used, outermost first. */
  readonly pending: readonly PendingExpansion[];
  /** Expansion was abandoned (runaway recursion); the line must be dropped. */
  readonly failed: boolean;
}

/** Substitution work allowed over a whole parse, so hostile input stays bounded in time. */
export interface SubstitutionAllowance {
  substitutions: number;
  characters: number;
  exhausted: boolean;
}

/** Substitution work allowed for one line, shared across keepalived's re-check passes. */
export interface ExpansionBudget {
  substitutions: number;
  readonly maxLineChars: number;
  readonly parse: SubstitutionAllowance;
}

const OPEN = 0x7b;
const CLOSE = 0x7d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * keepalived's parameter substitution (lib/parser.c replace_param()): `$NAME` when followed by
 * space, tab, `,`, `)` or the end of the line, or `${NAME}` anywhere. Substituted text is
 * scanned again at once, so values may refer to other definitions (resolved at use, not at
 * definition). Undefined names stay as written. A multi-line definition only matches at the end
 * of a line: its first line replaces the reference and the others follow as lines of their
 * own. Scanning stops after a value that starts with `~` (a generator).
 *
 * Inline values are positioned at the reference; lines of a multi-line value keep the
 * positions where the definition wrote them.
 */
export function expandMacros(
  line: PositionedText,
  table: MacroTable,
  budget: ExpansionBudget,
  sink: DiagnosticSink,
): ExpansionResult {
  let current = line;
  let scan = 0;
  let changed = false;
  const pending: PendingExpansion[] = [];
  let quotes = new QuoteTracker(current.text);
  for (;;) {
    const text = current.text;
    const at = text.indexOf('$', scan);
    if (at < 0 || at + 1 >= text.length) break;
    const ref = matchReference(text, at);
    if (!ref) {
      scan = at + 1;
      continue;
    }
    const def = table.get(ref.name);
    if (!def || (def.multiline && !ref.atEnd) || (ref.params.length > 0 && def.maxParams === 0)) {
      if (ref.braced && !quotes.insideAt(at)) reportUndefined(sink, current, at, ref, def);
      scan = at + 1;
      continue;
    }
    if (--budget.substitutions < 0) {
      sink.error('macro-recursion', `expanding $${ref.name} does not terminate (definitions refer to each other); line dropped`, current.posAt(at), {
        length: ref.end - at,
      });
      return { line: current, changed, pending, failed: true };
    }
    const allowance = budget.parse;
    if (allowance.exhausted) break;
    if (--allowance.substitutions < 0 || allowance.characters < 0) {
      allowance.exhausted = true;
      sink.error('substitution-limit', 'macro substitution work exceeds the limit for one parse; no further substitution is done', current.posAt(at), {
        length: ref.end - at,
      });
      break;
    }

    const valueText = table.valueText(def, ref.params);
    const { replacement, rest } = replacementFor(def, valueText, current, at);
    if (rest.length > 0) pending.push({ macro: def.name, lines: rest });
    current = current.splice(at, ref.end, replacement);
    allowance.characters -= current.length;
    quotes = new QuoteTracker(current.text);
    changed = true;
    if (current.length > budget.maxLineChars) {
      sink.error('macro-recursion', `expanding $${ref.name} makes the line longer than ${budget.maxLineChars} characters; line dropped`, current.posAt(at));
      return { line: current, changed, pending, failed: true };
    }
    if (/^[ \t]*~/.test(valueText)) break;
    scan = at;
  }
  return { line: current, changed, pending, failed: false };
}

function replacementFor(
  def: MacroDefinition,
  valueText: string,
  line: PositionedText,
  at: number,
): { replacement: PositionedText; rest: PositionedText[] } {
  if (!def.multiline) return { replacement: PositionedText.fromExpansion(valueText, line.posAt(at)), rest: [] };
  const [first, ...rest] = def.lines;
  return { replacement: first ?? line.slice(0, 0), rest };
}

/** keepalived's find_definition() for a use at `at` (the `$`). */
function matchReference(text: string, at: number): MacroReference | null {
  let i = at + 1;
  const braced = text.charCodeAt(i) === OPEN;
  if (braced) i++;
  if (!isNameStart(text.charCodeAt(i))) return null;
  let j = i + 1;
  while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
  const name = text.slice(i, j);
  if (!braced) {
    const c = text.charCodeAt(j);
    if (j < text.length && c !== 0x20 && c !== 0x09 && c !== 0x2c /* , */ && c !== 0x29 /* ) */) return null;
    return { name, end: j, braced, params: [], atEnd: j === text.length };
  }
  // `${NAME 1 2}`: numeric parameters, no blank before the closing brace.
  let k = j;
  let paramStart = -1;
  let paramEnd = -1;
  while (k < text.length && (text.charCodeAt(k) === 0x20 || isDigit(text.charCodeAt(k)))) {
    if (text.charCodeAt(k) !== 0x20) {
      if (paramStart < 0) paramStart = k;
      paramEnd = k;
    }
    k++;
  }
  if (paramStart >= 0 && paramEnd + 1 !== k) return null;
  if (text.charCodeAt(k) !== CLOSE) return null;
  const params =
    paramStart >= 0
      ? text
          .slice(paramStart, paramEnd + 1)
          .split(' ')
          .filter((p) => p.length > 0)
          .map((p) => Number.parseInt(p, 10))
      : [];
  return { name, end: k + 1, braced, params, atEnd: k + 1 === text.length };
}

/**
 * Whether an offset lies inside a quoted string (where `${...}` is usually shell syntax, so an
 * undefined name is not worth a warning). Offsets are asked in increasing order, so the scan
 * is linear over the line.
 */
class QuoteTracker {
  private scanned = 0;
  private quote = 0;

  constructor(private readonly text: string) {}

  insideAt(at: number): boolean {
    for (let i = this.scanned; i < at; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (this.quote === 0 && (c === 0x22 || c === 0x27)) this.quote = c;
      else if (c === this.quote) this.quote = 0;
    }
    this.scanned = Math.max(this.scanned, at);
    return this.quote !== 0;
  }
}

function reportUndefined(
  sink: DiagnosticSink,
  line: PositionedText,
  at: number,
  ref: MacroReference,
  def: MacroDefinition | undefined,
): void {
  const why = !def
    ? 'is not defined'
    : def.multiline
      ? 'is a multi-line definition, which can only be used at the end of a line'
      : 'takes no parameters';
  sink.warning('macro-undefined', `\${${ref.name}} ${why}; it is left as written`, line.posAt(at), {
    length: ref.end - at,
  });
}
