import { describe, expect, it } from 'vitest';
import { probeFailure, probeSuccess } from '../../../../src/checker/probe/ProbeOutcome.js';
import type { VirtualServerDesiredState } from '../../../../src/checker/CheckerOutput.js';
import { harness } from '../support/EngineHarness.js';

const RS1 = '198.51.100.11:80';
const refused = probeFailure('connect-refused', 'ECONNREFUSED');

function tcpVs(vip: string, rs: string[], extra = '', checker = 'connect_timeout 1'): string {
  const servers = rs.map((a) => `  real_server ${a} 80 {\n    TCP_CHECK { ${checker} }\n  }`).join('\n');
  return `virtual_server ${vip} 80 {\n  protocol TCP\n  delay_loop 6\n  ${extra}\n${servers}\n}\n`;
}

function rsOf(states: readonly VirtualServerDesiredState[], vs: number): { rs: string; up: boolean; inPool: boolean }[] {
  return (states[vs]?.realServers ?? []).map((r) => ({ rs: r.rs, up: r.up, inPool: r.inPool }));
}

describe('CheckerEngine: keepalived timing end to end (virtual clock)', () => {
  it('first probe after BOOTSTRAP_DELAY + warmup, then every delay_loop', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11']), { random: () => 0.5 });
    h.engine.start();
    await h.advanceTo(20_000);
    // warmup defaults to delay_loop (6 s): 1 s + 0.5 * 6 s = 4 s, then +6 s each.
    expect(h.runner.startsFor(RS1)).toEqual([4000, 10_000, 16_000]);
  });

  it('retry / delay_before_retry: down after retry+1 failures, logged once; up on one success', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11'], '', 'connect_timeout 1\n retry 2\n delay_before_retry 2'));
    h.runner.answer = (_t, at) => (at >= 5000 && at < 30_000 ? refused : probeSuccess('ok'));
    h.engine.start();
    await h.advanceTo(40_000);
    // 1 s ok; 7 s fail, 9 s retry 1, 11 s retry 2 -> down; while down keepalived keeps counting
    // retries (17, 19, 21, 27, 29 s) without logging; 31 s ok -> up at once; 37 s.
    expect(h.runner.startsFor(RS1)).toEqual([1000, 7000, 9000, 11_000, 17_000, 19_000, 21_000, 27_000, 29_000, 31_000, 37_000]);
    expect(h.log.matching(/TCP_CHECK on service/)).toEqual(['TCP_CHECK on service [198.51.100.11]:tcp:80 failed after 2 retries.']);
    expect(h.log.matching(/Removing service|Adding service/)).toEqual(['Removing service [198.51.100.11]:tcp:80 from VS [203.0.113.100]:tcp:80', 'Adding service [198.51.100.11]:tcp:80 to VS [203.0.113.100]:tcp:80']);
    expect(h.log.matching(/TCP connection to .* success/)).toHaveLength(2);
  });

  it('the first failure takes a server down at once, without retries', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11'], '', 'retry 3'));
    h.runner.answer = () => refused;
    h.engine.start();
    await h.advanceTo(1500);
    expect(rsOf(h.engine.snapshot().virtualServers, 0)).toEqual([{ rs: '[198.51.100.11]:tcp:80', up: false, inPool: false }]);
    expect(h.log.matching(/failed/)).toEqual(['TCP_CHECK on service [198.51.100.11]:tcp:80 failed.']);
  });

  it('alpha: nothing in the pool until the first success', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11'], 'alpha'));
    h.engine.start();
    expect(rsOf(h.engine.snapshot().virtualServers, 0)[0]?.inPool).toBe(false);
    await h.advanceTo(1000);
    expect(rsOf(h.engine.snapshot().virtualServers, 0)[0]).toMatchObject({ up: true, inPool: true });
  });
});

describe('CheckerEngine: scale behaviour', () => {
  it('spreads first probes over warmup instead of firing them at once', async () => {
    const rs = Array.from({ length: 200 }, (_, i) => `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`);
    let n = 0;
    const h = harness(tcpVs('203.0.113.100', rs), { random: () => (n++ % 200) / 200 });
    h.engine.start();
    await h.advanceTo(6999);
    const firsts = h.runner.calls.map((c) => c.at);
    expect(firsts).toHaveLength(200);
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...firsts)).toBeLessThan(7000);
    const perSecond = new Map<number, number>();
    for (const t of firsts) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(40);
  });

  it('probes a backend shared by many virtual servers once and fans the verdict out to all', async () => {
    const config = Array.from({ length: 10 }, (_, i) => tcpVs(`203.0.113.${i + 1}`, ['198.51.100.11', '198.51.100.12'])).join('\n');
    const h = harness(config);
    h.runner.answer = (t, at) => (t === RS1 && at > 5000 ? refused : probeSuccess('ok'));
    h.engine.start();
    await h.advanceTo(13_500);
    expect(h.engine.statistics()).toMatchObject({ distinct: 2, subscriptions: 20 });
    // retry 1, delay_before_retry 1 s (TCP_CHECK defaults): down at 8 s.
    expect(h.runner.startsFor(RS1)).toEqual([1000, 7000, 8000]);
    const states = h.engine.snapshot().virtualServers;
    for (let i = 0; i < 10; i++) expect(rsOf(states, i).map((r) => r.inPool)).toEqual([false, true]);
    expect(h.log.matching(/TCP_CHECK on service \[198\.51\.100\.11\]/)).toHaveLength(1);
    expect(h.log.matching(/Removing service \[198\.51\.100\.11\]/)).toHaveLength(10);
  });

  it('does not merge checkers that differ in any parameter', async () => {
    const config = tcpVs('203.0.113.1', ['198.51.100.11']) + tcpVs('203.0.113.2', ['198.51.100.11'], '', 'connect_timeout 2');
    const h = harness(config);
    expect(h.engine.statistics().distinct).toBe(2);
  });

  it('bounds the probes in flight to the fd budget and queues the rest in order', async () => {
    const rs = Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`);
    const h = harness(tcpVs('203.0.113.100', rs), { probeFdBudget: 5 });
    const pending: (() => void)[] = [];
    h.runner.answer = () => new Promise((resolve) => pending.push(() => resolve(probeSuccess('ok'))));
    h.engine.start();
    await h.advanceTo(1000);
    expect(h.engine.statistics()).toMatchObject({ inFlight: 5, queued: 25 });
    let maxInFlight = 0;
    while (pending.length > 0) {
      pending.shift()?.();
      await h.advanceTo(1000);
      maxInFlight = Math.max(maxInFlight, h.engine.statistics().inFlight);
    }
    expect(maxInFlight).toBeLessThanOrEqual(5);
    expect(h.runner.calls).toHaveLength(30);
  });
});

describe('CheckerEngine: output stream', () => {
  it('emits the initial state and then only on changes', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11', '198.51.100.12']));
    h.runner.answer = (t, at) => (t === RS1 && at >= 7000 ? refused : probeSuccess('ok'));
    h.engine.start();
    await h.advanceTo(30_000);
    const changes = h.events.filter((e) => e.kind === 'virtual-server');
    expect(changes).toHaveLength(2);
    const last = changes[1];
    expect(last?.kind === 'virtual-server' && last.state.realServers[0]).toMatchObject({ rs: '[198.51.100.11]:tcp:80', up: false, inPool: false, reason: 'connect-refused', since: 1_700_000_008_000 });
    expect(h.engine.snapshot().virtualServers[0]?.realServers[1]?.lastCheck).toBe(1_700_000_025_000);
  });

  it('stop() emits the final (empty) pool and runs omega notifiers', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11'], 'omega\n  quorum_down "/bin/qdown"'));
    h.engine.start();
    await h.advanceTo(2000);
    await h.engine.stop();
    const stopped = h.events.at(-1);
    expect(stopped?.kind).toBe('stopped');
    expect(stopped?.kind === 'stopped' && stopped.states[0]?.realServers[0]?.inPool).toBe(false);
    expect(h.log.matching(/Executing \[\/bin\/qdown\]/)).toHaveLength(1);
  });
});

describe('CheckerEngine: ha_suspend', () => {
  it('keeps checkers suspended until the virtual address is present, and suspends them again when it leaves', async () => {
    const h = harness(tcpVs('203.0.113.100', ['198.51.100.11'], 'ha_suspend'));
    h.engine.start();
    await h.advanceTo(20_000);
    expect(h.runner.calls).toHaveLength(0);
    expect(h.log.matching(/^Deactivating healthchecker/)).toHaveLength(1);
    h.engine.setVirtualAddressPresent('203.0.113.100', true);
    await h.advanceTo(40_000);
    expect(h.runner.calls.length).toBeGreaterThan(0);
    expect(h.engine.snapshot().virtualServers[0]?.checkersActive).toBe(true);
    h.engine.setVirtualAddressPresent('203.0.113.100', false);
    const n = h.runner.calls.length;
    await h.advanceTo(80_000);
    expect(h.runner.calls.length).toBe(n);
    expect(h.log.matching(/^Suspending healthchecker for service \[198\.51\.100\.11\]:tcp:80 for VS \[203\.0\.113\.100\]:tcp:80$/)).toHaveLength(1);
  });
});

describe('CheckerEngine: shared probes and ha_suspend', () => {
  it('a suspended virtual server learns the shared probe\'s verdict when it is activated', async () => {
    const config = tcpVs('203.0.113.1', ['198.51.100.11'], 'ha_suspend') + tcpVs('203.0.113.2', ['198.51.100.11']);
    const h = harness(config);
    h.runner.answer = (_t, at) => (at > 5000 ? refused : probeSuccess('ok'));
    h.engine.start();
    expect(h.engine.statistics().distinct).toBe(1);
    await h.advanceTo(10_000);
    let states = h.engine.snapshot().virtualServers;
    expect([rsOf(states, 0)[0]?.inPool, rsOf(states, 1)[0]?.inPool]).toEqual([true, false]);
    h.engine.setVirtualAddressPresent('203.0.113.1', true);
    states = h.engine.snapshot().virtualServers;
    expect([rsOf(states, 0)[0]?.inPool, rsOf(states, 1)[0]?.inPool]).toEqual([false, false]);
    expect(states[0]?.realServers[0]?.reason).toBe('connect-refused');
  });
});

describe('CheckerEngine: misc_dynamic', () => {
  it('turns exit statuses into weights in the output', async () => {
    const config = `virtual_server 203.0.113.100 80 {
  protocol TCP
  delay_loop 2
  real_server 198.51.100.11 80 {
    weight 3
    MISC_CHECK { misc_path /bin/weight.sh
      misc_dynamic }
  }
}
`;
    const h = harness(config);
    const codes = [0, 12, 12, 2, 1, 0];
    let i = 0;
    h.runner.answer = () => {
      const code = codes[Math.min(i++, codes.length - 1)] ?? 0;
      return code === 1 ? probeFailure('misc-exit', 'exit 1', 1) : probeSuccess(`exit ${code}`, code);
    };
    h.engine.start();
    const weights: string[] = [];
    h.engine.subscribe((e) => {
      if (e.kind === 'virtual-server') weights.push(e.state.realServers.map((r) => `${r.up ? 'up' : 'down'}:${r.weight}`).join());
    });
    await h.advanceTo(14_000);
    expect(weights).toEqual(['up:10', 'up:0', 'down:0', 'up:3']);
    expect(h.log.matching(/^Changing weight/)).toEqual([
      'Changing weight from 3 to 10 for active service [198.51.100.11]:tcp:80 of VS [203.0.113.100]:tcp:80',
      'Changing weight from 10 to 0 for active service [198.51.100.11]:tcp:80 of VS [203.0.113.100]:tcp:80',
    ]);
  });
});

describe('CheckerEngine: notify scripts', () => {
  const config = `virtual_server 203.0.113.100 80 {
  protocol TCP
  delay_loop 6
  real_server 198.51.100.11 80 {
    notify_up "/bin/up.sh"
    notify_down "/bin/down.sh"
    TCP_CHECK { retry 0 }
  }
  real_server 198.51.100.12 80 {
    TCP_CHECK { retry 0 }
  }
}
`;

  it('runs notify_down and notify_up of a real server in order, each awaited', async () => {
    const order: string[] = [];
    const releases: (() => void)[] = [];
    const h = harness(config, {
      scriptRunner: (job) =>
        new Promise((resolve) => {
          order.push(`start ${job.argv[0]}`);
          releases.push(() => {
            order.push(`end ${job.argv[0]}`);
            resolve({ kind: 'exited', code: 0, output: '', durationMs: 5 });
          });
        }),
    });
    // down at 7 s, up at 13 s; the down script is still running when the up one is queued.
    h.runner.answer = (t, at) => (t === RS1 && at >= 7000 && at < 13_000 ? refused : probeSuccess('ok'));
    h.engine.start();
    await h.advanceTo(14_000);
    expect(order).toEqual(['start /bin/down.sh']);
    releases.shift()?.();
    await h.advanceTo(14_000);
    expect(order).toEqual(['start /bin/down.sh', 'end /bin/down.sh', 'start /bin/up.sh']);
    releases.shift()?.();
    await h.advanceTo(14_000);
    expect(order.at(-1)).toBe('end /bin/up.sh');
    expect(h.log.matching(/^notify_(down|up) .* finished$/)).toHaveLength(2);
  });

  it('logs a failing or hanging script with its outcome', async () => {
    const h = harness(config, { scriptRunner: () => Promise.resolve({ kind: 'signaled', signal: 'SIGTERM', timedOut: true, output: '', durationMs: 30_000 }) });
    h.runner.answer = (t) => (t === RS1 ? refused : probeSuccess('ok'));
    h.engine.start();
    await h.advanceTo(2000);
    expect(h.log.matching(/timed out and was killed/)).toEqual(['notify_down [/bin/down.sh] for service [198.51.100.11]:tcp:80 in VS [203.0.113.100]:tcp:80 timed out and was killed']);
  });
});
