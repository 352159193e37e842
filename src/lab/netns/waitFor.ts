import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../../core/VigilError.js';

export interface WaitForOptions {
  /** Hard upper bound; the probe runs at least once even when this is 0. */
  timeoutMs: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error ("d1 to become MASTER"). */
  description?: string;
}

/**
 * Polls `probe` until it returns something other than `undefined`, `null` or `false`, and
 * returns that value. A probe that throws counts as "not yet"; its last error is attached
 * to the `HARNESS_WAIT_TIMEOUT` error thrown when the bound runs out.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: WaitForOptions,
): Promise<T> {
  const interval = Math.max(1, opts.intervalMs ?? 50);
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(interval, left));
  }
  const what = opts.description ?? 'a condition';
  const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new VigilError('HARNESS_WAIT_TIMEOUT', `timed out after ${opts.timeoutMs} ms waiting for ${what}${suffix}`, {
    timeoutMs: opts.timeoutMs,
    description: what,
  }, lastError === undefined ? undefined : { cause: lastError });
}
