import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../src/cli/commands/lab.js';

describe('vigil lab arguments', () => {
  it('defaults to the scenario with a 120 s bound', () => {
    expect(parseLabArgs([])).toEqual({ ok: true, args: { failover: true, durationMs: 120_000 } });
  });

  it('takes --duration in both spellings', () => {
    expect(parseLabArgs(['--duration', '40'])).toEqual({ ok: true, args: { failover: true, durationMs: 40_000 } });
    expect(parseLabArgs(['--duration=2.5'])).toEqual({ ok: true, args: { failover: true, durationMs: 2_500 } });
  });

  it('without the scenario and without --duration, watches until interrupted', () => {
    expect(parseLabArgs(['--no-failover'])).toEqual({ ok: true, args: { failover: false, durationMs: undefined } });
  });

  it('refuses a bad duration and unknown arguments', () => {
    for (const argv of [['--duration'], ['--duration', 'x'], ['--duration', '0'], ['--duration', '-3'], ['--fast']]) {
      expect(parseLabArgs(argv).ok).toBe(false);
    }
  });
});
