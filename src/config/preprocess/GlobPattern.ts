import { posix } from 'node:path';

type GlobToken =
  | { readonly kind: 'char'; readonly ch: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [string, string]> };

/** Whether a path (segment) has unescaped glob(7) wildcards `*`, `?` or `[`. */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** glob(7) matching of one path segment (`*`, `?`, `[a-z]`, `[!x]`, `\x`). */
export class GlobSegment {
  private readonly tokens: readonly GlobToken[];

  constructor(pattern: string) {
    this.tokens = tokenize(pattern);
  }

  /**
   * Iterative wildcard match with single-star backtracking: O(pattern × name), so patterns like
   * `*a*a*a*b` cannot blow up the way a naive regular expression would.
   */
  matches(name: string): boolean {
    // A leading '.' must be matched explicitly (glob(7) "Pathnames").
    if (name.startsWith('.') && !(this.tokens[0]?.kind === 'char' && this.tokens[0].ch === '.')) return false;
    const t = this.tokens;
    let ti = 0;
    let ni = 0;
    let starTi = -1;
    let starNi = 0;
    while (ni < name.length) {
      const tok = t[ti];
      if (tok && tok.kind === 'star') {
        starTi = ti++;
        starNi = ni;
        continue;
      }
      if (tok && matchesOne(tok, name.charAt(ni))) {
        ti++;
        ni++;
        continue;
      }
      if (starTi < 0) return false;
      ti = starTi + 1;
      ni = ++starNi;
    }
    while (t[ti]?.kind === 'star') ti++;
    return ti === t.length;
  }
}

function matchesOne(tok: GlobToken, ch: string): boolean {
  switch (tok.kind) {
    case 'char':
      return tok.ch === ch;
    case 'any':
      return true;
    case 'class': {
      const inside = tok.ranges.some(([lo, hi]) => ch >= lo && ch <= hi);
      return inside !== tok.negated;
    }
    case 'star':
      return false;
  }
}

function tokenize(pattern: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && i + 1 < pattern.length) {
      out.push({ kind: 'char', ch: pattern.charAt(++i) });
    } else if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'any' });
    } else if (c === '[') {
      const cls = readClass(pattern, i);
      if (cls) {
        out.push(cls.token);
        i = cls.end;
      } else {
        out.push({ kind: 'char', ch: '[' });
      }
    } else {
      out.push({ kind: 'char', ch: c });
    }
  }
  return out;
}

/** `[...]` starting at `start`; a `]` right after `[` or `[!` is a member. Null if unclosed. */
function readClass(pattern: string, start: number): { token: GlobToken; end: number } | null {
  let i = start + 1;
  let negated = false;
  if (pattern.charAt(i) === '!' || pattern.charAt(i) === '^') {
    negated = true;
    i++;
  }
  const ranges: Array<readonly [string, string]> = [];
  let first = true;
  while (i < pattern.length) {
    let c = pattern.charAt(i);
    if (c === ']' && !first) return { token: { kind: 'class', negated, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) c = pattern.charAt(++i);
    if (pattern.charAt(i + 1) === '-' && i + 2 < pattern.length && pattern.charAt(i + 2) !== ']') {
      let hi = pattern.charAt(i + 2);
      i += 2;
      if (hi === '\\' && i + 1 < pattern.length) hi = pattern.charAt(++i);
      ranges.push([c, hi]);
    } else {
      ranges.push([c, c]);
    }
    i++;
  }
  return null;
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

/**
 * Expand one (brace-free) path pattern against a directory lister, as glob(3) with GLOB_MARK
 * does: matches are sorted per directory and directories come back with a trailing `/`.
 * A pattern with no wildcards is returned as is (existence is checked when it is read).
 * Stops once `max` matches are found.
 */
export function globPath(pattern: string, listDir: (dir: string) => string[] | null, max: number): string[] {
  if (!hasWildcard(pattern)) return [unescape(pattern)];
  const segments = pattern.split('/').filter((s) => s.length > 0);
  let prefixes: string[] = [pattern.startsWith('/') ? '/' : ''];
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    const last = k === segments.length - 1;
    const wildcard = hasWildcard(seg);
    const matcher = wildcard ? new GlobSegment(seg) : null;
    const literal = wildcard ? '' : unescape(seg);
    const next: string[] = [];
    for (const p of prefixes) {
      const entries = listDir(p === '' ? '.' : p);
      if (!entries) continue;
      const names = entries.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const entry of names) {
        const isDir = entry.endsWith('/');
        const name = isDir ? entry.slice(0, -1) : entry;
        if (!last && !isDir) continue;
        if (matcher ? !matcher.matches(name) : name !== literal) continue;
        next.push(joinPath(p, name) + (last && isDir ? '/' : ''));
        if (next.length >= max) break;
      }
      if (next.length >= max) break;
    }
    prefixes = next;
    if (prefixes.length === 0) break;
  }
  return prefixes;
}

function joinPath(prefix: string, name: string): string {
  if (prefix === '') return name;
  return posix.join(prefix, name);
}
