const cache = new Map<string, RegExp | null>();

/**
 * Compiles a url `regex` once. keepalived uses PCRE2; JavaScript's syntax covers the common
 * subset. A pattern JavaScript cannot compile returns `null` (checked without the regex, as
 * keepalived drops a regex it cannot compile) — `invalidUrlRegex` reports it at start-up.
 */
export function compileUrlRegex(source: string | null): RegExp | null {
  if (source === null) return null;
  let re = cache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    cache.set(source, re);
  }
  return re;
}

/** The compile error for `source`, or `null` when it compiles. */
export function invalidUrlRegex(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
