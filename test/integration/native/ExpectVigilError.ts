import { expect } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';

/** Runs `action`, expects a VigilError with `code`, and returns its details. */
export async function expectVigilError(action: () => unknown, code: string): Promise<Record<string, unknown>> {
  try {
    await action();
  } catch (e) {
    if (!isVigilError(e)) throw e;
    expect(e.code).toBe(code);
    return { ...e.details };
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}
