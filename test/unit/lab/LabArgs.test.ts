import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../src/cli/commands/lab.js';

describe('vigil lab arguments', () => {
  it('defaults to the scenario with a 120 s bound', () => {
    expect(parseLabArgs([])).toEqual({ ok: true, args: { failover: true, durationMs: 120_000, place: 'host' } });
  });

  it('takes --duration in both spellings', () => {
    expect(parseLabArgs(['--duration', '40'])).toEqual({ ok: true, args: { failover: true, durationMs: 40_000, place: 'host' } });
    expect(parseLabArgs(['--duration=2.5'])).toEqual({ ok: true, args: { failover: true, durationMs: 2_500, place: 'host' } });
  });

  it('without the scenario and without --duration, watches until interrupted', () => {
    expect(parseLabArgs(['--no-failover'])).toEqual({ ok: true, args: { failover: false, durationMs: undefined, place: 'host' } });
  });

  it('--vm runs the scripted lab in the kernel VM with a longer default bound; --in-vm is its guest side', () => {
    expect(parseLabArgs(['--vm'])).toEqual({ ok: true, args: { failover: true, durationMs: 420_000, place: 'vm' } });
    expect(parseLabArgs(['--vm', '--duration', '200'])).toEqual({ ok: true, args: { failover: true, durationMs: 200_000, place: 'vm' } });
    expect(parseLabArgs(['--in-vm', '--duration', '200'])).toEqual({ ok: true, args: { failover: true, durationMs: 200_000, place: 'in-vm' } });
  });

  it('refuses a bad duration, unknown arguments and --vm without the scenario', () => {
    for (const argv of [['--duration'], ['--duration', 'x'], ['--duration', '0'], ['--duration', '-3'], ['--fast'], ['--vm', '--no-failover']]) {
      expect(parseLabArgs(argv).ok).toBe(false);
    }
  });
});
