import { describe, expect, it } from 'vitest';
import { buildFromText, errors, only, withCode } from './buildFromText.js';

function globalDefs(...lines: string[]): string {
  return `global_defs {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;
}

describe('global_defs process tuning (vrrp_* / checker_*)', () => {
  it("defaults to keepalived 2.2.7's (nothing changed), with Vigil's 1 s RLIMIT_RTTIME ready for a realtime child", () => {
    const { model, diagnostics } = buildFromText('');
    expect(diagnostics).toEqual([]);
    for (const t of [model?.global.vrrpProcess, model?.global.checkerProcess]) {
      expect(t).toEqual({ nice: 0, noSwap: false, realtimePriority: null, rlimitRttimeMicros: 1_000_000, cpuAffinity: null, pos: null });
    }
  });

  it('reads every keyword of both children, with the position of the first one', () => {
    const { model, diagnostics } = buildFromText(
      globalDefs('vrrp_rt_priority 10', 'vrrp_rlimit_rttime 200000', 'vrrp_no_swap', 'vrrp_cpu_affinity 1 0 1', 'checker_priority -5', 'checker_no_swap', 'checker_cpu_affinity 3'),
    );
    expect(errors(diagnostics)).toEqual([]);
    expect(diagnostics.filter((d) => d.code === 'unsupported-keyword')).toEqual([]);
    expect(model?.global.vrrpProcess).toEqual({
      nice: 0,
      noSwap: true,
      realtimePriority: 10,
      rlimitRttimeMicros: 200000,
      cpuAffinity: [0, 1],
      pos: expect.objectContaining({ line: 2, col: 3 }),
    });
    expect(model?.global.checkerProcess).toMatchObject({ nice: -5, noSwap: true, realtimePriority: null, rlimitRttimeMicros: 1_000_000, cpuAffinity: [3] });
    expect(model?.global.checkerProcess.pos?.line).toBe(6);
    expect(model?.global.passThrough).toEqual([]);
  });

  it.each([
    ['vrrp_priority -20', 'nice', -20],
    ['vrrp_priority 19', 'nice', 19],
    ['vrrp_rt_priority 1', 'realtimePriority', 1],
    ['vrrp_rt_priority 99', 'realtimePriority', 99],
    ['vrrp_rlimit_rttime 100000', 'rlimitRttimeMicros', 100000],
    ['vrrp_rlimit_rttime 4294967295', 'rlimitRttimeMicros', 4294967295],
    ['vrrp_cpu_affinity 1023', 'cpuAffinity', [1023]],
  ] as const)('accepts the bound %s', (line, field, value) => {
    const { model, diagnostics } = buildFromText(globalDefs(line, line.startsWith('vrrp_rlimit') ? 'vrrp_rt_priority 1' : ''));
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.global.vrrpProcess[field]).toEqual(value);
  });

  it.each([
    ['vrrp_priority -21', 'out-of-range', 'uses 0, leaving the nice value alone'],
    ['vrrp_priority 20', 'out-of-range', 'uses 0'],
    ['vrrp_priority high', 'invalid-value', 'needs a whole number'],
    ['checker_priority 1.5', 'invalid-value', 'needs a whole number'],
    ['vrrp_rt_priority 0', 'out-of-range', 'clamps it to 1..99'],
    ['checker_rt_priority 100', 'out-of-range', 'clamps it to 1..99'],
    ['vrrp_rlimit_rttime 10000', 'out-of-range', 'below 100000 µs: a Vigil child runs JavaScript for longer'],
    ['vrrp_rlimit_rttime 1', 'out-of-range', 'below 100000 µs'],
    ['vrrp_rlimit_rttime 0', 'out-of-range', 'sets no limit'],
    ['checker_rlimit_rttime 4294967296', 'out-of-range', 'sets no limit'],
    ['vrrp_rlimit_rttime 10ms', 'invalid-value', 'needs a whole number'],
    ['vrrp_cpu_affinity 0 1024', 'out-of-range', 'ignores the whole line'],
    ['checker_cpu_affinity -1', 'out-of-range', 'ignores the whole line'],
    ['vrrp_cpu_affinity 0 x', 'invalid-value', 'CPU needs a whole number'],
  ])('refuses %s (%s), naming what keepalived would do', (line, code, text) => {
    const { model, diagnostics } = buildFromText(globalDefs(line));
    const d = only(diagnostics, code);
    expect(d.severity).toBe('error');
    expect(d.message).toContain(text);
    expect(d.pos).toMatchObject({ file: 'test.conf', line: 2 });
    // The offending value, not the keyword, is what the diagnostic points at.
    expect(d.pos?.col).toBeGreaterThan(3);
    expect(model).toBeNull();
  });

  it('a bad CPU leaves the affinity unset rather than half-applied', () => {
    const { config } = buildFromText(globalDefs('vrrp_cpu_affinity 0 1 2000'));
    expect(config.global.vrrpProcess.cpuAffinity).toBeNull();
  });

  it('refuses the keywords without a value, and vrrp_no_swap with one', () => {
    for (const kw of ['vrrp_priority', 'checker_rt_priority', 'vrrp_rlimit_rttime', 'checker_cpu_affinity']) {
      const { diagnostics } = buildFromText(globalDefs(kw));
      expect(only(diagnostics, 'missing-argument').keyword).toBe(kw);
    }
    const { diagnostics } = buildFromText(globalDefs('vrrp_no_swap yes'));
    expect(only(diagnostics, 'extra-argument').severity).toBe('error');
  });

  it('vrrp_priority together with vrrp_rt_priority is refused: keepalived sets the nice value only for a non-realtime child', () => {
    const { diagnostics } = buildFromText(globalDefs('vrrp_priority -10', 'vrrp_rt_priority 10'));
    const d = only(diagnostics, 'conflicting-options');
    expect(d.severity).toBe('error');
    expect(d.keyword).toBe('vrrp_priority');
    expect(d.pos?.line).toBe(2);
    // A zero nice value is "leave alone" in keepalived, so it conflicts with nothing.
    expect(withCode(buildFromText(globalDefs('checker_priority 0', 'checker_rt_priority 10')).diagnostics, 'conflicting-options')).toEqual([]);
  });

  it('warns that an RT time limit without a realtime priority has no effect', () => {
    const { model, diagnostics } = buildFromText(globalDefs('checker_rlimit_rttime 500000'));
    const d = only(diagnostics, 'conflicting-options');
    expect(d.severity).toBe('warning');
    expect(d.keyword).toBe('checker_rlimit_rttime');
    expect(model?.global.checkerProcess.rlimitRttimeMicros).toBe(500000);
  });

  it("the old spelling *_rlimit_rtime applies, with keepalived's deprecation", () => {
    const { model, diagnostics } = buildFromText(globalDefs('vrrp_rt_priority 5', 'vrrp_rlimit_rtime 300000'));
    expect(only(diagnostics, 'deprecated-keyword').hint).toBe("write 'vrrp_rlimit_rttime' instead");
    expect(model?.global.vrrpProcess.rlimitRttimeMicros).toBe(300000);
  });

  it('suggests the right keyword for a typo', () => {
    const { diagnostics } = buildFromText(globalDefs('vrrp_rt_prority 10'));
    expect(only(diagnostics, 'unknown-keyword').hint).toContain('vrrp_rt_priority');
  });

  it('bfd_* stay pass-through (Vigil has no BFD)', () => {
    const { model, diagnostics } = buildFromText(globalDefs('bfd_rt_priority 10', 'bfd_cpu_affinity 0'));
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.global.passThrough.map((p) => p.keyword)).toEqual(['bfd_rt_priority', 'bfd_cpu_affinity']);
  });
});
