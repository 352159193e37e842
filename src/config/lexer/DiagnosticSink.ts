import type { Diagnostic, Severity } from '../Diagnostic.js';
import type { SourcePos } from '../SourcePos.js';

/** Extra fields a reporter may attach to a diagnostic. */
export interface DiagnosticExtras {
  readonly length?: number;
  readonly keyword?: string;
  readonly hint?: string;
}

/**
 * Collects diagnostics for one parse. The count is capped so that hostile input (a 50 MB file
 * of unterminated quotes) cannot make the result itself unbounded; the cap is reported.
 */
export class DiagnosticSink {
  private readonly items: Diagnostic[] = [];
  private suppressed = 0;
  private firstSuppressedPos: SourcePos | undefined;

  constructor(private readonly maxDiagnostics: number) {}

  report(severity: Severity, code: string, message: string, pos: SourcePos, extras: DiagnosticExtras = {}): void {
    if (this.items.length >= this.maxDiagnostics) {
      if (this.suppressed === 0) this.firstSuppressedPos = pos;
      this.suppressed++;
      return;
    }
    this.items.push({ severity, code, message, pos, ...extras });
  }

  error(code: string, message: string, pos: SourcePos, extras?: DiagnosticExtras): void {
    this.report('error', code, message, pos, extras);
  }

  warning(code: string, message: string, pos: SourcePos, extras?: DiagnosticExtras): void {
    this.report('warning', code, message, pos, extras);
  }

  note(code: string, message: string, pos: SourcePos, extras?: DiagnosticExtras): void {
    this.report('note', code, message, pos, extras);
  }

  /** The collected diagnostics, plus one note saying how many were dropped, if any. */
  finish(): Diagnostic[] {
    const out = this.items.slice();
    if (this.suppressed > 0 && this.firstSuppressedPos) {
      out.push({
        severity: 'note',
        code: 'diagnostics-truncated',
        message: `${this.suppressed} further diagnostic(s) not shown`,
        pos: this.firstSuppressedPos,
      });
    }
    return out;
  }
}
