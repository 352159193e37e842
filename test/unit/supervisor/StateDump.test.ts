import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/config/redactSecrets.js';
import { buildStateDump, STATE_DUMP_FORMAT } from '../../../src/supervisor/StateDump.js';
import { FakeStatusSource, loadStatusFixture } from './statusFixture.js';

describe('buildStateDump', () => {
  it('carries the whole state with a format marker and the injected time', () => {
    const dump = buildStateDump(new FakeStatusSource(), () => 1234);
    expect(dump.format).toBe(STATE_DUMP_FORMAT);
    expect(dump.dumpedAt).toBe(1234);
    expect(dump.state['status']).toEqual(loadStatusFixture());
  });

  it('contains no VRRP password, under any secret key', () => {
    const text = JSON.stringify(buildStateDump(new FakeStatusSource()));
    expect(text).not.toContain('s3cr3tpw');
    expect(text).not.toContain('other-secret');
    expect(text).toContain(`"password":"${REDACTED}"`);
  });

  it('also removes a secret quoted inside another string (a reload diagnostic)', () => {
    const status = loadStatusFixture();
    const leaky = {
      ...status,
      daemon: { ...status.daemon, lastReload: { at: 1, outcome: 'applied' as const, message: 'ok', diagnostics: ["keepalived.conf:9:15: warning: auth_pass is longer than 8 characters; only 's3cr3tpw' is used"] } },
    };
    const dump = buildStateDump(new FakeStatusSource(leaky));
    const text = JSON.stringify(dump);
    expect(text).not.toContain('s3cr3tpw');
    expect(text).toContain(`only '${REDACTED}' is used`);
  });

  it('leaves very short secrets to key redaction instead of mangling every string', () => {
    const source = new FakeStatusSource();
    source.dumpState = () => ({ config: { password: 'ab' }, note: 'abc tabs' });
    const dump = buildStateDump(source);
    expect(dump.state).toEqual({ config: { password: REDACTED }, note: 'abc tabs' });
  });
});
