import type { Diagnostic, Severity } from '../Diagnostic.js';
import type { Word } from '../ConfigAst.js';
import type { SourcePos } from '../SourcePos.js';

/** Stable codes of the diagnostics the model builder and validator produce (listed in the README). */
export const MODEL_DIAGNOSTIC_CODES = [
  'unknown-keyword',
  'unsupported-keyword',
  'deprecated-keyword',
  'duplicate-keyword',
  'missing-argument',
  'extra-argument',
  'block-expected',
  'block-unexpected',
  'stray-semicolon',
  'invalid-value',
  'out-of-range',
  'invalid-address',
  'invalid-prefix',
  'mixed-family',
  'fractional-advert-v2',
  'missing-required',
  'missing-protocol',
  'duplicate-name',
  'duplicate-vrid',
  'duplicate-address',
  'undefined-reference',
  'conflicting-options',
  'checker-unsupported',
] as const;

export type ModelDiagnosticCode = (typeof MODEL_DIAGNOSTIC_CODES)[number];

/** Where a diagnostic points: a word (its position and width) or a bare position. */
export type DiagnosticTarget = Word | { readonly pos: SourcePos; readonly length?: number };

/** Collects diagnostics; builders report through it so every one has `pos` and `keyword`. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];

  report(
    severity: Severity,
    code: ModelDiagnosticCode,
    target: DiagnosticTarget,
    keyword: string,
    message: string,
    hint?: string,
  ): void {
    const length = 'text' in target ? target.text.length : target.length;
    this.diagnostics.push({
      severity,
      code,
      message,
      pos: target.pos,
      ...(length !== undefined ? { length } : {}),
      keyword,
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  error(code: ModelDiagnosticCode, target: DiagnosticTarget, keyword: string, message: string, hint?: string): void {
    this.report('error', code, target, keyword, message, hint);
  }

  warning(code: ModelDiagnosticCode, target: DiagnosticTarget, keyword: string, message: string, hint?: string): void {
    this.report('warning', code, target, keyword, message, hint);
  }

  note(code: ModelDiagnosticCode, target: DiagnosticTarget, keyword: string, message: string, hint?: string): void {
    this.report('note', code, target, keyword, message, hint);
  }
}
