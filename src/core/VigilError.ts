/**
 * The one error type Vigil throws across module boundaries. `code` is stable and
 * documented; callers switch on it instead of parsing messages.
 */
export class VigilError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
    this.details = details;
  }
}

export function isVigilError(e: unknown, code?: string): e is VigilError {
  return e instanceof VigilError && (code === undefined || e.code === code);
}
