import { describe, expect, it } from 'vitest';
import { buildFromText, errors, only } from './buildFromText.js';

describe('vrrp_script', () => {
  it('defaults: interval 1, no timeout, weight 0, rise 1, fall 1', () => {
    const { model, diagnostics } = buildFromText('vrrp_script chk {\n  script "/usr/bin/pgrep -x haproxy"\n}');
    expect(diagnostics).toEqual([]);
    expect(model?.vrrpScripts[0]).toEqual({
      name: 'chk',
      pos: { file: 'test.conf', line: 1, col: 1 },
      script: { command: '/usr/bin/pgrep -x haproxy', argv: ['/usr/bin/pgrep', '-x', 'haproxy'], runAs: null, pos: { file: 'test.conf', line: 2, col: 3 } },
      intervalSeconds: 1,
      timeoutSeconds: null,
      weight: 0,
      weightReverse: false,
      rise: 1,
      fall: 1,
      user: null,
      initFail: false,
    });
  });

  it('reads every keyword', () => {
    const { model, diagnostics } = buildFromText(`vrrp_script chk {
  script "/bin/check 'two words'"
  interval 3
  timeout 2
  weight -20 reverse
  rise 2
  fall 4
  user nobody nogroup
  init_fail
}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpScripts[0]).toMatchObject({
      script: { argv: ['/bin/check', 'two words'] },
      intervalSeconds: 3,
      timeoutSeconds: 2,
      weight: -20,
      weightReverse: true,
      rise: 2,
      fall: 4,
      user: { user: 'nobody', group: 'nogroup' },
      initFail: true,
    });
  });

  it('refuses weights outside [-253, 253]', () => {
    const d = only(buildFromText('vrrp_script chk {\n  script /bin/true\n  weight 254\n}').diagnostics, 'out-of-range');
    expect(d).toMatchObject({ keyword: 'weight', pos: { line: 3, col: 10 }, hint: 'use a value in -253..253' });
  });

  it('a script without a command is dropped with an error', () => {
    const { config, diagnostics } = buildFromText('vrrp_script chk {\n  interval 2\n}');
    expect(config.vrrpScripts).toEqual([]);
    expect(only(diagnostics, 'missing-required')).toMatchObject({ pos: { line: 1, col: 1 }, hint: 'add: script "/path/to/check"' });
  });
});
