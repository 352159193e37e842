import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckerEngine } from '../../../src/checker/engine/CheckerEngine.js';
import type { VirtualServerDesiredState } from '../../../src/checker/CheckerOutput.js';
import { MisbehavingServer, closedPort, type Behaviour } from '../../unit/checker/support/MisbehavingServer.js';
import { RecordingLog, trustingInspector, testUsers } from '../../unit/checker/support/EngineHarness.js';
import { configFrom } from '../../unit/checker/support/ConfigFixture.js';

/**
 * The whole checker with real probes against loopback servers, driven by a keepalived.conf:
 * every misbehaving server must end up out of the pool, the good ones in. No timing
 * assertions: the test waits (bounded) for the expected state.
 */
const SCRIPTS = resolve(import.meta.dirname, '../../fixtures/checker/scripts');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const servers: MisbehavingServer[] = [];
let engine: CheckerEngine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function until(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function pool(s: VirtualServerDesiredState | undefined): Record<string, string> {
  return Object.fromEntries((s?.realServers ?? []).map((r) => [r.rs, r.inPool ? `in:${r.weight}` : `out:${r.reason}`]));
}

describe('CheckerEngine on loopback', () => {
  it('judges good and misbehaving servers the way keepalived would, and logs each transition once', async () => {
    const start = async (b: Behaviour): Promise<number> => {
      const s = await MisbehavingServer.start(b);
      servers.push(s);
      return s.port;
    };
    const good = await start({ kind: 'http', body: 'healthy' });
    const silent = await start({ kind: 'silent' });
    const garbage = await start({ kind: 'garbage', close: false });
    const huge = await start({ kind: 'huge-body', bytes: 10 * 1024 ** 3 });
    const stall = await start({ kind: 'stall-headers' });
    const half = await start({ kind: 'close-half' });
    const reset = await start({ kind: 'reset-after-request' });
    const refused = await closedPort();
    const http = (port: number): string => `  real_server 127.0.0.1 ${port} {
    HTTP_GET {
      connect_timeout 0.5
      retry 0
      url { path /health
        digest ${md5('healthy')} }
    }
  }`;
    const text = `global_defs { script_user root }
virtual_server 203.0.113.100 80 {
  protocol TCP
  delay_loop 0.3
  warmup 0.2
  lvs_method NAT
${[good, silent, garbage, huge, stall, half, reset, refused].map(http).join('\n')}
  real_server 127.0.0.1 1 {
    MISC_CHECK { misc_path "${SCRIPTS}/exit-with.sh 7"
      misc_dynamic }
  }
}
virtual_server 203.0.113.101 80 {
  protocol TCP
  delay_loop 0.3
  warmup 0.2
  real_server 127.0.0.1 ${silent} { TCP_CHECK { connect_timeout 0.5 } }
  real_server 127.0.0.1 ${refused} { TCP_CHECK { connect_timeout 0.5 } }
}
`;
    const log = new RecordingLog();
    engine = new CheckerEngine(configFrom(text), { log, users: testUsers, scriptInspector: trustingInspector, bootstrapDelayMs: 0, maxResponseBytes: 64 * 1024 });
    engine.start();
    const e = engine;
    const expected = {
      [`[127.0.0.1]:tcp:${good}`]: 'in:1',
      [`[127.0.0.1]:tcp:${silent}`]: 'out:read-timeout',
      [`[127.0.0.1]:tcp:${garbage}`]: 'out:http-malformed',
      [`[127.0.0.1]:tcp:${huge}`]: 'out:body-too-large',
      [`[127.0.0.1]:tcp:${stall}`]: 'out:read-timeout',
      [`[127.0.0.1]:tcp:${half}`]: 'out:closed-early',
      [`[127.0.0.1]:tcp:${reset}`]: 'out:reset',
      [`[127.0.0.1]:tcp:${refused}`]: 'out:connect-refused',
      '[127.0.0.1]:tcp:1': 'in:5',
    };
    await until(() => JSON.stringify(pool(e.snapshot().virtualServers[0])) === JSON.stringify(expected), 'the pool of VS 1');
    await until(() => JSON.stringify(pool(e.snapshot().virtualServers[1])) === JSON.stringify({ [`[127.0.0.1]:tcp:${silent}`]: 'in:1', [`[127.0.0.1]:tcp:${refused}`]: 'out:connect-refused' }), 'the pool of VS 2');
    // Let a few more rounds run: still one log line per transition.
    const before = log.lines.length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(log.lines.slice(before).filter((l) => /Removing|Adding|failed|success/.test(l))).toEqual([]);
    expect(log.matching(new RegExp(`Removing service \\[127\\.0\\.0\\.1\\]:tcp:${huge} from VS`))).toHaveLength(1);
    expect(e.snapshot().virtualServers[0]?.quorum.up).toBe(true);
  });
});
