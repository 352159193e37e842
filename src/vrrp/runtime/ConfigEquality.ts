/**
 * Structural equality of two config-model values, ignoring every `pos` (where a keyword
 * was written): a reload that only moves lines around, or re-indents a file, changes
 * nothing. The model is plain JSON-like data (strings, numbers, booleans, null, arrays,
 * plain objects), so nothing else needs handling.
 */
export function equalIgnoringPositions(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => equalIgnoringPositions(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  keys.delete('pos');
  for (const key of keys) {
    // An absent optional field and one set to undefined mean the same.
    if (!equalIgnoringPositions(left[key], right[key])) return false;
  }
  return true;
}
