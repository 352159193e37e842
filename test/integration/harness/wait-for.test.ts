import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import { waitFor } from '../../support/netns/index.js';

describe('waitFor', () => {
  it('returns the first value that is not undefined, null or false', async () => {
    const answers = [undefined, null, false, 0, 7];
    let calls = 0;
    const v = await waitFor(() => answers[calls++], { timeoutMs: 5_000, intervalMs: 1 });
    // 0 is a real value: only undefined, null and false mean "not yet".
    expect(v).toBe(0);
    expect(calls).toBe(4);
  });

  it('treats a throwing probe as not yet, and reports its last error on timeout', async () => {
    let calls = 0;
    const err = await waitFor(
      () => {
        calls++;
        throw new Error(`probe failure ${calls}`);
      },
      { timeoutMs: 30, intervalMs: 1, description: 'd1 to become MASTER' },
    ).catch((e: unknown) => e);
    expect(isVigilError(err, 'HARNESS_WAIT_TIMEOUT')).toBe(true);
    expect((err as Error).message).toContain('d1 to become MASTER');
    expect((err as Error).message).toContain(`probe failure ${calls}`);
    expect(calls).toBeGreaterThan(0);
  });

  it('probes at least once even with a zero bound', async () => {
    await expect(waitFor(async () => 'ready', { timeoutMs: 0 })).resolves.toBe('ready');
  });
});
