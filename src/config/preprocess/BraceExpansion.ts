/**
 * csh-style brace expansion as glob(3) does with GLOB_BRACE, which keepalived uses for
 * `include`: `inc/{a,b/{c,d}}.conf` becomes `inc/a.conf inc/b/c.conf inc/b/d.conf`, in that
 * order. A `{` without a matching `}` is literal; `\` escapes the next character.
 * Returns null when more than `max` patterns would result.
 */
export function expandBraces(pattern: string, max: number): string[] | null {
  const out: string[] = [];
  // Depth-first with an explicit stack so that output order follows the alternatives.
  const stack: string[] = [pattern];
  let work = 0;
  while (stack.length > 0) {
    if (++work > max * 16) return null;
    const current = stack.pop()!;
    const group = firstBraceGroup(current);
    if (!group) {
      out.push(current);
      if (out.length > max) return null;
      continue;
    }
    const prefix = current.slice(0, group.open);
    const suffix = current.slice(group.close + 1);
    for (let k = group.alternatives.length - 1; k >= 0; k--) stack.push(prefix + group.alternatives[k]! + suffix);
  }
  return out;
}

/** Whether the pattern has an (unescaped) `{`: keepalived's brace_match check cares. */
export function hasBrace(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') i++;
    else if (c === '{') return true;
  }
  return false;
}

interface BraceGroup {
  readonly open: number;
  readonly close: number;
  readonly alternatives: readonly string[];
}

function firstBraceGroup(text: string): BraceGroup | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '{') continue;
    const alternatives: string[] = [];
    let depth = 0;
    let from = i + 1;
    for (let j = i + 1; j < text.length; j++) {
      const d = text.charAt(j);
      if (d === '\\') {
        j++;
      } else if (d === '{') {
        depth++;
      } else if (d === '}') {
        if (depth === 0) {
          alternatives.push(text.slice(from, j));
          return { open: i, close: j, alternatives };
        }
        depth--;
      } else if (d === ',' && depth === 0) {
        alternatives.push(text.slice(from, j));
        from = j + 1;
      }
    }
    return null; // unmatched: the rest is literal
  }
  return null;
}
