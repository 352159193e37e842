import { describe, expect, it } from 'vitest';
import type { CheckerOutputEvent } from '../../../../src/checker/CheckerOutput.js';
import { CheckerEngine } from '../../../../src/checker/engine/CheckerEngine.js';
import { probeFailure, probeSuccess } from '../../../../src/checker/probe/ProbeOutcome.js';
import { configFrom } from '../support/ConfigFixture.js';
import { flush, harness, testUsers, trustingInspector, type Harness } from '../support/EngineHarness.js';

const RS1 = '198.51.100.11:80';
const refused = probeFailure('connect-refused', 'ECONNREFUSED');

function vs(vip: string, checker: string, extra = ''): string {
  return `virtual_server ${vip} 80 {\n  protocol TCP\n  delay_loop 6\n  ${extra}\n  real_server 198.51.100.11 80 {\n    notify_up /usr/bin/up.sh\n    notify_down /usr/bin/down.sh\n    TCP_CHECK {\n ${checker}\n }\n  }\n}\n`;
}

/** A second engine on the harness's clock, runner and log, as a reload builds it. */
function successor(h: Harness, text: string, scripts: string[]): { engine: CheckerEngine; events: CheckerOutputEvent[] } {
  const engine = new CheckerEngine(configFrom(text), {
    clock: h.time,
    wakeup: h.time,
    runner: h.runner,
    log: h.log,
    random: () => 0,
    users: testUsers,
    scriptInspector: trustingInspector,
    scriptRunner: (job) => {
      scripts.push(job.argv.join(' '));
      return Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 });
    },
    probeFdBudget: 1000,
  });
  const events: CheckerOutputEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}

async function advance(h: Harness, ms: number): Promise<void> {
  await flush();
  for (let guard = 0; guard < 100_000; guard++) {
    const next = h.time.nextWakeup();
    if (next === null || next > ms) break;
    h.time.advanceTo(next);
    await flush();
  }
  h.time.advanceTo(ms);
  await flush();
}

describe('CheckerEngine carry-over', () => {
  const retrying = vs('203.0.113.100', 'connect_timeout 1\n retry 2\n delay_before_retry 2');

  it('hands over to a successor mid-retry: the retry count and the schedule continue', async () => {
    const scripts: string[] = [];
    const h = harness(retrying, { scriptRunner: (job) => (scripts.push(job.argv.join(' ')), Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 })) });
    h.runner.answer = (_t, at) => (at >= 5000 ? refused : probeSuccess('ok'));
    h.engine.start();
    await advance(h, 9500);
    // 1 s ok, 7 s fail (retry 1), 9 s fail (retry 2): one more failure takes it down.
    const predecessor = await h.engine.handOver();
    expect(h.events.some((e) => e.kind === 'stopped')).toBe(false);
    const next = successor(h, retrying, scripts);
    const carried = next.engine.start(predecessor);
    expect(carried).toMatchObject({ kept: 1, fresh: 0, dropped: 0 });
    expect(next.engine.snapshot().virtualServers[0]?.realServers[0]).toMatchObject({ up: true, inPool: true });
    await advance(h, 11_500);
    expect(h.runner.startsFor(RS1)).toEqual([1000, 7000, 9000, 11_000]);
    expect(next.engine.snapshot().virtualServers[0]?.realServers[0]).toMatchObject({ up: false, inPool: false, reason: 'connect-refused' });
    expect(scripts).toEqual(['/usr/bin/down.sh']);
  });

  it('a hand-over runs no omega notifier and emits no stopped event', async () => {
    const scripts: string[] = [];
    const text = vs('203.0.113.100', 'connect_timeout 1', 'omega');
    const h = harness(text, { scriptRunner: (job) => (scripts.push(job.argv.join(' ')), Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 })) });
    h.engine.start();
    await advance(h, 2000);
    h.events.length = 0;
    const predecessor = await h.engine.handOver();
    const next = successor(h, text, scripts);
    next.engine.start(predecessor);
    expect(h.events).toEqual([]);
    expect(scripts).toEqual([]);
    expect(h.log.matching(/Shutting down|Adding service|Removing service/)).toEqual([]);
    // The successor's own stop is the real shutdown: omega runs there.
    await next.engine.stop();
    expect(scripts).toEqual(['/usr/bin/down.sh']);
    expect(next.events.at(-1)?.kind).toBe('stopped');
  });

  it('a respawn from a snapshot seeds the probe with the carried verdict (full retries, no start-up shortcut)', async () => {
    const h = harness(retrying);
    h.engine.start();
    await advance(h, 2000);
    const snapshot = h.engine.snapshot();
    await h.engine.stop();
    const scripts: string[] = [];
    const next = successor(h, retrying, scripts);
    next.engine.start({ virtualServers: snapshot.virtualServers });
    h.runner.answer = () => refused;
    await advance(h, 6500);
    // Probes at 3 s (bootstrap), 5 s, 7 s: down only at the third failure.
    expect(h.runner.startsFor(RS1).filter((t) => t > 2000)).toEqual([3000, 5000]);
    expect(next.engine.snapshot().virtualServers[0]?.realServers[0]?.up).toBe(true);
    await advance(h, 7500);
    expect(next.engine.snapshot().virtualServers[0]?.realServers[0]?.up).toBe(false);
  });

  it('a new real server sharing a probe that already knows the target is down starts down', async () => {
    const one = vs('203.0.113.100', 'connect_timeout 1');
    const h = harness(one);
    h.runner.answer = () => refused;
    h.engine.start();
    await advance(h, 2000);
    const predecessor = await h.engine.handOver();
    const scripts: string[] = [];
    const next = successor(h, `${one}\n${vs('203.0.113.101', 'connect_timeout 1')}`, scripts);
    const carried = next.engine.start(predecessor);
    expect(carried).toMatchObject({ kept: 1, fresh: 1 });
    const [a, b] = next.engine.snapshot().virtualServers;
    expect(a?.realServers[0]).toMatchObject({ up: false, inPool: false });
    expect(b?.realServers[0]).toMatchObject({ up: false, inPool: false });
    // The first state the successor emits for the new virtual server already has it out.
    const first = next.events.find((e) => e.kind === 'virtual-server' && e.state.vs === '[203.0.113.101]:tcp:80');
    expect(first?.kind === 'virtual-server' && first.state.realServers[0]?.inPool).toBe(false);
  });
});
