import type { SourcePos } from './SourcePos.js';
import { formatPos } from './SourcePos.js';

export type Severity = 'error' | 'warning' | 'note';

/**
 * One finding about a config. `code` is stable (documented in the README) so that
 * tooling can match on it; `message` is for people.
 */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identifier such as `unknown-keyword`, `out-of-range`, `unbalanced-brace`. */
  readonly code: string;
  readonly message: string;
  /** Where the problem is; absent only for whole-run problems (e.g. "no config file"). */
  readonly pos?: SourcePos;
  /** Width of the offending token, for the caret underline (defaults to 1). */
  readonly length?: number;
  /** The keyword the problem concerns, e.g. `priority`. */
  readonly keyword?: string;
  /** What to do about it, e.g. "did you mean 'priority'?". */
  readonly hint?: string;
}

/** Lines of every file that was read, so diagnostics can quote the offending line. */
export type SourceLines = ReadonlyMap<string, readonly string[]>;

/** keepalived-style single line: `file:line:col: error: message [code]`. */
export function formatDiagnosticLine(d: Diagnostic): string {
  const where = d.pos ? `${formatPos(d.pos)}: ` : '';
  return `${where}${d.severity}: ${d.message} [${d.code}]`;
}

/** Multi-line rendering with the source line, a caret under the token, and the hint. */
export function formatDiagnostic(d: Diagnostic, sources?: SourceLines): string {
  const out = [formatDiagnosticLine(d)];
  if (d.pos && sources) {
    const line = sources.get(d.pos.file)?.[d.pos.line - 1];
    if (line !== undefined) {
      const shown = line.replace(/\t/g, ' ');
      const gutter = `${String(d.pos.line).padStart(5)} | `;
      out.push(gutter + shown);
      const width = Math.max(1, d.length ?? 1);
      out.push(' '.repeat(gutter.length - 2) + '| ' + ' '.repeat(Math.max(0, d.pos.col - 1)) + '^' + '~'.repeat(width - 1));
    }
  }
  if (d.hint) out.push(`      = hint: ${d.hint}`);
  return out.join('\n');
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
