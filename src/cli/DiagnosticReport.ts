import type { Diagnostic, SourceLines } from '../config/Diagnostic.js';
import { formatDiagnostic } from '../config/Diagnostic.js';

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
  notes: number;
}

export function countDiagnostics(diags: readonly Diagnostic[]): DiagnosticCounts {
  const c = { errors: 0, warnings: 0, notes: 0 };
  for (const d of diags) {
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.notes++;
  }
  return c;
}

/** Source order: file, line, column; whole-run problems first. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    if (!a.pos || !b.pos) return a.pos ? 1 : b.pos ? -1 : 0;
    return a.pos.file.localeCompare(b.pos.file) || a.pos.line - b.pos.line || a.pos.col - b.pos.col;
  });
}

export function renderDiagnosticsText(diags: readonly Diagnostic[], sources: SourceLines): string {
  return sortDiagnostics(diags)
    .map((d) => formatDiagnostic(d, sources))
    .join('\n\n');
}

/** Stable JSON for tooling: one object per diagnostic, positions flattened. */
export function renderDiagnosticsJson(file: string, diags: readonly Diagnostic[]): string {
  const counts = countDiagnostics(diags);
  return JSON.stringify(
    {
      file,
      valid: counts.errors === 0,
      ...counts,
      diagnostics: sortDiagnostics(diags).map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}),
        ...(d.keyword !== undefined ? { keyword: d.keyword } : {}),
        ...(d.hint !== undefined ? { hint: d.hint } : {}),
      })),
    },
    null,
    2,
  );
}

/**
 * Exit codes of `vigil -t` (documented in the README and `vigil --help`). Warnings do not fail
 * the test: a config that would load exits 0, so `vigil -t && systemctl reload vigil` works for
 * configs that still use legacy spellings; the counts are in the output and in `--json`.
 */
export const EXIT_CLEAN = 0;
export const EXIT_USAGE = 2;
/** keepalived's own `-t` exit code for a config it refuses. */
export const EXIT_CONFIG_ERRORS = 5;

export function configTestExitCode(diags: readonly Diagnostic[]): number {
  const c = countDiagnostics(diags);
  return c.errors > 0 ? EXIT_CONFIG_ERRORS : EXIT_CLEAN;
}
