import type { Statement, Word } from '../ConfigAst.js';
import type { IpAddress, ScriptCommand, ScriptUser } from './Common.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { parseIpAddress } from './IpAddressText.js';

/**
 * Readers for keyword arguments. Each reports its own diagnostic (always with the offending
 * word's position) and returns `null` when the value cannot be used.
 */

/** The word's text with a trailing `;` removed (warned: keepalived would read `100;` as invalid). */
export function wordText(word: Word, keyword: string, sink: DiagnosticSink): string {
  const t = word.text;
  if (!word.quoted && t.length > 1 && t.endsWith(';')) {
    sink.warning(
      'stray-semicolon',
      { pos: { ...word.pos, col: word.pos.col + t.length - 1 } },
      keyword,
      `stray ';' after '${t.slice(0, -1)}' (keepalived does not use ';' as a separator)`,
      'remove the semicolon',
    );
    return t.slice(0, -1);
  }
  return t;
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** What keepalived does with an out-of-range value, for the message, e.g. "uses 100 instead". */
  readonly keepalivedDoes?: string;
  /** Name for messages when the value is an option inside a line (`weight` in track_script). */
  readonly label?: string;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function rangeText(r: NumberRange): string {
  // Bounds like ULONG_MAX microseconds are "no limit" to a person.
  return r.max >= 1e12 ? `at least ${r.min}` : `${r.min}..${r.max}`;
}

function checkRange(value: number, word: Word, keyword: string, range: NumberRange, sink: DiagnosticSink): number | null {
  if (value < range.min || value > range.max) {
    sink.error(
      'out-of-range',
      word,
      keyword,
      `${range.label ?? keyword} ${word.text} is out of range ${rangeText(range)}${range.keepalivedDoes ? ` (keepalived ${range.keepalivedDoes})` : ''}`,
      `use a value in ${rangeText(range)}`,
    );
    return null;
  }
  return value;
}

/** A whole number (keepalived's read_unsigned/read_int: decimal digits only). */
export function readInteger(stmt: Statement, index: number, range: NumberRange, sink: DiagnosticSink): number | null {
  const word = stmt.args[index];
  if (!word) return null;
  const kw = stmt.keyword.text;
  const text = wordText(word, kw, sink);
  if (!INTEGER.test(text)) {
    sink.error('invalid-value', word, kw, `${range.label ?? kw} needs a whole number, got '${text}'`, `use a whole number in ${rangeText(range)}`);
    return null;
  }
  return checkRange(Number(text), word, kw, range, sink);
}

/** A time in seconds with up to microsecond resolution (keepalived's read_timer / read_decimal). */
export function readSeconds(
  stmt: Statement,
  index: number,
  range: NumberRange & { readonly integer?: boolean },
  sink: DiagnosticSink,
): number | null {
  const word = stmt.args[index];
  if (!word) return null;
  const kw = stmt.keyword.text;
  const text = wordText(word, kw, sink);
  const pattern = range.integer ? INTEGER : DECIMAL;
  if (!pattern.test(text)) {
    sink.error(
      'invalid-value',
      word,
      kw,
      `${kw} needs ${range.integer ? 'a whole number of seconds' : 'a time in seconds'}, got '${text}'`,
      range.integer ? `keepalived reads only whole seconds here; use a value in ${rangeText(range)}` : `for example '${kw} 1.5'`,
    );
    return null;
  }
  const value = Math.round(Number(text) * 1e6) / 1e6;
  return checkRange(value, word, kw, range, sink);
}

/** One of a fixed set of words (case-sensitive unless `caseInsensitive`). */
export function readChoice<T extends string>(
  stmt: Statement,
  index: number,
  choices: readonly T[],
  sink: DiagnosticSink,
  options: { readonly caseInsensitive?: boolean; readonly keepalivedDoes?: string } = {},
): T | null {
  const word = stmt.args[index];
  if (!word) return null;
  const kw = stmt.keyword.text;
  const text = wordText(word, kw, sink);
  const found = choices.find((c) => (options.caseInsensitive ? c.toLowerCase() === text.toLowerCase() : c === text));
  if (found === undefined) {
    sink.error(
      'invalid-value',
      word,
      kw,
      `${kw} '${text}' is not one of ${choices.join(', ')}${options.keepalivedDoes ? ` (keepalived ${options.keepalivedDoes})` : ''}`,
      `use one of: ${choices.join(', ')}`,
    );
    return null;
  }
  return found;
}

/** keepalived's check_true_false(): an optional on/off argument, absent meaning on. */
export function readOptionalBoolean(stmt: Statement, index: number, sink: DiagnosticSink): boolean | null {
  const word = stmt.args[index];
  if (!word) return true;
  const kw = stmt.keyword.text;
  const text = wordText(word, kw, sink).toLowerCase();
  if (text === 'true' || text === 'on' || text === 'yes') return true;
  if (text === 'false' || text === 'off' || text === 'no') return false;
  sink.error('invalid-value', word, kw, `${kw} takes true/false (or on/off, yes/no), got '${word.text}'`, `write '${kw}' alone to turn it on`);
  return null;
}

export function readAddress(stmt: Statement, index: number, sink: DiagnosticSink): IpAddress | null {
  const word = stmt.args[index];
  if (!word) return null;
  return addressFromWord(word, stmt.keyword.text, sink);
}

export function addressFromWord(word: Word, keyword: string, sink: DiagnosticSink): IpAddress | null {
  const text = wordText(word, keyword, sink);
  const addr = parseIpAddress(text);
  if (!addr) {
    sink.error('invalid-address', word, keyword, `'${text}' is not an IPv4 or IPv6 address`, 'write a literal address such as 192.0.2.1 or 2001:db8::1');
  }
  return addr;
}

/** A TCP/UDP port, 0..65535 (0 only where keepalived means "any port"). */
export function readPort(stmt: Statement, index: number, sink: DiagnosticSink, min = 0): number | null {
  return readInteger(stmt, index, { min, max: 65535 }, sink);
}

/** Splits a command line the way keepalived does: on blanks, with '…' and "…" grouping. */
export function splitCommandLine(line: string): string[] {
  const argv: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur);
  return argv;
}

/**
 * keepalived 2.2.7 runs only the FIRST word after `script` / `misc_path` / `notify*`, re-split on
 * blanks with quotes grouping (lib/notify.c `set_script_params_array` takes strvec slot 1):
 * `script /bin/check arg` runs `/bin/check` alone. A command with arguments must be quoted.
 */
function commandFromWord(stmt: Statement, sink: DiagnosticSink): Pick<ScriptCommand, 'command' | 'argv'> | null {
  const first = stmt.args[0];
  if (!first) return null;
  const command = wordText(first, stmt.keyword.text, sink);
  return { command, argv: splitCommandLine(command) };
}

function quoteHint(stmt: Statement, words: readonly Word[]): string {
  return `if they are arguments, quote the whole command: ${stmt.keyword.text} "${words.map((w) => w.text).join(' ')}"`;
}

/** `script` (vrrp_script) and `misc_path` (MISC_CHECK): one word, the command; no user here. */
export function readScriptCommand(stmt: Statement, sink: DiagnosticSink): ScriptCommand | null {
  const cmd = commandFromWord(stmt, sink);
  if (!cmd) return null;
  const extra = stmt.args[1];
  if (extra) {
    sink.error(
      'extra-argument',
      extra,
      stmt.keyword.text,
      `keepalived runs only '${cmd.command}' and silently drops '${stmt.args.slice(1).map((w) => w.text).join(' ')}'`,
      quoteHint(stmt, stmt.args),
    );
  }
  return { ...cmd, runAs: null, pos: stmt.keyword.pos };
}

// What could be a user or group name (shadow's NAME_REGEX, relaxed as glibc accepts).
const ACCOUNT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/**
 * `notify* COMMAND [USER [GROUP]]` (keepalived `notify_script_init`): the words after the command
 * are the user and group to run it as. A word that cannot be an account name is almost always a
 * forgotten quote, and keepalived would drop the whole script ("Invalid user/group").
 */
export function readNotifyCommand(stmt: Statement, sink: DiagnosticSink): ScriptCommand | null {
  const cmd = commandFromWord(stmt, sink);
  if (!cmd) return null;
  const kw = stmt.keyword.text;
  const [, userWord, groupWord, ...rest] = stmt.args;
  for (const w of [userWord, groupWord]) {
    if (w && !ACCOUNT_NAME.test(w.text)) {
      sink.error(
        'invalid-value',
        w,
        kw,
        `'${w.text}' is not a user or group name; keepalived reads the words after the script as USER [GROUP] and would ignore this ${kw}`,
        quoteHint(stmt, stmt.args),
      );
      return null;
    }
  }
  if (rest[0]) {
    sink.error('extra-argument', rest[0], kw, `${kw} takes a command, then at most a user and a group`, quoteHint(stmt, stmt.args));
  }
  const runAs = userWord ? { user: userWord.text, group: groupWord?.text ?? null, pos: userWord.pos } : null;
  return { ...cmd, runAs, pos: stmt.keyword.pos };
}

/** `user USERNAME [GROUPNAME]`. */
export function readScriptUser(stmt: Statement, sink: DiagnosticSink): ScriptUser | null {
  const user = stmt.args[0];
  if (!user) return null;
  const group = stmt.args[1];
  const kw = stmt.keyword.text;
  return { user: wordText(user, kw, sink), group: group ? wordText(group, kw, sink) : null, pos: stmt.keyword.pos };
}

/** Joined words for a free-text value (router_id, virtualhost, notification_email_from). */
export function readText(stmt: Statement, index: number, sink: DiagnosticSink): string | null {
  const word = stmt.args[index];
  return word ? wordText(word, stmt.keyword.text, sink) : null;
}
