import { posix } from 'node:path';
import type { Severity } from '../Diagnostic.js';
import type { ConfigReadResult } from './ConfigFileAccess.js';
import { expandBraces, hasBrace } from './BraceExpansion.js';
import { globPath, hasWildcard } from './GlobPattern.js';

/**
 * keepalived's include checks (lib/parser.c include_t, keepalived.conf(5) include_check):
 * which missing or unreadable includes are errors rather than just logged.
 */
export const IncludeCheck = {
  /** A match that is a directory or cannot be read. */
  readable: 0x01,
  /** No file matches a pattern without wildcards. */
  match: 0x02,
  /** No file matches even though the pattern has wildcards. */
  wildcardMatch: 0x04,
  /** Some alternative of a `{a,b}` pattern matches nothing. */
  braceMatch: 0x08,
} as const;

export const ALL_INCLUDE_CHECKS = IncludeCheck.readable | IncludeCheck.match | IncludeCheck.wildcardMatch | IncludeCheck.braceMatch;

/** One `include` line. */
export interface IncludeDirective {
  /** The rest of the line, unsplit and unquoted, exactly as keepalived passes it to glob(). */
  readonly pattern: string;
  /** Offset of the pattern in the line. */
  readonly offset: number;
  /** Checks added by the `includer`/`includem`/`includew`/`includeb`/`includea` variants. */
  readonly checks: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** keepalived's is_include()/check_include(): `include` or `include[rmwba]`, then white space. */
export function parseIncludeLine(text: string): IncludeDirective | null {
  if (!text.startsWith('include') || text.length <= 7) return null;
  let after: number;
  let checks = 0;
  if (isSpace(text.charCodeAt(7))) {
    after = 8;
  } else if (text.length > 8 && isSpace(text.charCodeAt(8)) && 'rmwba'.includes(text.charAt(7))) {
    after = 9;
    const { readable, match, wildcardMatch, braceMatch } = IncludeCheck;
    checks = { r: readable, m: readable | match, w: readable | match | wildcardMatch, b: readable | braceMatch, a: ALL_INCLUDE_CHECKS }[
      text.charAt(7) as 'r' | 'm' | 'w' | 'b' | 'a'
    ];
  } else {
    return null;
  }
  while (after < text.length && (text.charCodeAt(after) === 0x20 || text.charCodeAt(after) === 0x09)) after++;
  return { pattern: text.slice(after), offset: after, checks };
}

/**
 * Apply an `include_check [+|-]name ...` statement (lib/parser.c include_check_set()) to the
 * current checks. No arguments means all checks. Returns the new checks and any words that
 * were not understood.
 */
export function applyIncludeCheckStatement(args: readonly string[], current: number): { checks: number; ignored: string[] } {
  if (args.length === 0) return { checks: ALL_INCLUDE_CHECKS, ignored: [] };
  let checks = current;
  const ignored: string[] = [];
  args.forEach((word, i) => {
    const mode = word.startsWith('-') ? -1 : word.startsWith('+') ? 1 : 0;
    const name = mode === 0 ? word : word.slice(1);
    if (mode === 0 && i > 0) {
      ignored.push(word);
      return;
    }
    const flag =
      name === 'read' || name === 'readable'
        ? IncludeCheck.readable
        : name === 'match'
          ? IncludeCheck.match
          : name === 'wildcard_match'
            ? IncludeCheck.wildcardMatch
            : name === 'brace_match'
              ? IncludeCheck.braceMatch
              : 0;
    if (flag === 0) {
      ignored.push(word);
      if (mode === 0) checks = 0;
      return;
    }
    if (mode === 0) checks = IncludeCheck.readable | flag;
    else if (mode > 0) checks |= flag;
    else checks &= ~flag;
  });
  return { checks, ignored };
}

/** Files an include pattern names, before any is read. */
export interface IncludeResolution {
  /** Paths to read in order; directories matched by a wildcard end in `/`. */
  readonly candidates: readonly string[];
  /** Alternatives with wildcards that matched nothing. */
  readonly unmatchedWildcards: readonly string[];
  readonly hadBraces: boolean;
  /** The pattern expanded to more than the limit; nothing is included. */
  readonly tooMany: boolean;
}

/**
 * Expand an include pattern relative to the including file's directory (keepalived chdir()s
 * there), braces first, then wildcards, as glob(GLOB_BRACE | GLOB_MARK) does.
 */
export function resolveInclude(
  pattern: string,
  includingFile: string,
  listDir: (dir: string) => string[] | null,
  maxMatches: number,
): IncludeResolution {
  const full = pattern.startsWith('/') ? pattern : posix.join(posix.dirname(includingFile), pattern);
  const hadBraces = hasBrace(full);
  const alternatives = expandBraces(full, maxMatches);
  if (!alternatives) return { candidates: [], unmatchedWildcards: [], hadBraces, tooMany: true };
  const candidates: string[] = [];
  const unmatchedWildcards: string[] = [];
  for (const alt of alternatives) {
    const wild = hasWildcard(alt);
    const matches = globPath(alt, listDir, maxMatches + 1 - candidates.length);
    if (wild && matches.length === 0) unmatchedWildcards.push(alt);
    for (const m of matches) candidates.push(m);
    if (candidates.length > maxMatches) return { candidates: [], unmatchedWildcards, hadBraces, tooMany: true };
  }
  return { candidates, unmatchedWildcards, hadBraces, tooMany: false };
}

/** How to report an included file that could not be read, given the checks in force. */
export function includeReadProblem(
  path: string,
  result: Exclude<ConfigReadResult, { kind: 'ok' }>,
  checks: number,
  hadBraces: boolean,
  maxFileBytes: number,
): { severity: Severity; code: string; message: string } {
  const readable: Severity = checks & IncludeCheck.readable ? 'error' : 'warning';
  switch (result.kind) {
    case 'missing': {
      // Wildcard matches exist by construction, so a missing file came from a literal name.
      const mustMatch = (checks & IncludeCheck.match) !== 0 || (hadBraces && (checks & IncludeCheck.braceMatch) !== 0);
      return { severity: mustMatch ? 'error' : 'warning', code: 'include-missing', message: `included file '${path}' does not exist` };
    }
    case 'directory':
      return { severity: readable, code: 'include-unreadable', message: `'${path}' is a directory; skipped` };
    case 'unreadable':
      return { severity: readable, code: 'include-unreadable', message: `'${path}' cannot be read (${result.reason}); skipped` };
    case 'too-large':
      return { severity: 'error', code: 'file-too-large', message: `'${path}' is ${result.size} bytes; the limit is ${maxFileBytes}` };
  }
}
