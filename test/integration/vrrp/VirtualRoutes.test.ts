import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, runCommand, waitFor } from '../../support/netns/index.js';
import { configText, DirectorBed, HAVE_KEEPALIVED, instanceText } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping virtual route tests: ${support.reason}`);

const VIP = '192.0.2.100';
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

/** A return path through a gateway, a source-routed table with a blackhole, IPv6, and the rules that select it. */
const ROUTING = `
    virtual_routes {
        198.51.100.0/24 via 192.0.2.254 dev eth0
        src 192.0.2.100 203.0.113.0/25 via 192.0.2.254 dev eth0 table 100 metric 5
        blackhole 203.0.113.128/25 table 100
        2001:db8:1::/48 via 2001:db8::fe dev eth0
        198.51.100.0/25 dev eth0 scope link no_track
    }
    virtual_rules {
        from 192.0.2.100 table 100 priority 100
        to 198.51.100.0/24 fwmark 0x7/0xff table 100 priority 101
        from 2001:db8::100 table 100 priority 102
    }`;

const config = (priority: number): string => configText(instanceText({ priority, extra: ROUTING }));

interface RouteJson {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
}

interface RuleJson {
  priority?: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  fwmark?: string;
  fwmask?: string;
  table?: string;
  protocol?: string;
  not?: null;
}

async function ipJson<T>(bed: DirectorBed, host: string, args: readonly string[]): Promise<T[]> {
  const r = await runCommand(['ip', '-n', bed.topology.namespaceOf(host), '-j', ...args], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${host}: ${r.stderr}`);
  return r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as T[]);
}

/**
 * `ip -j route show table all` and `ip -j rule` of both families, reduced to the entries a
 * VRRP daemon installs (protocol keepalived, or the no_track link route) and normalised to
 * one sorted line each, so two daemons' results compare as text.
 */
async function routing(bed: DirectorBed, host: string): Promise<{ routes: string[]; rules: string[] }> {
  const routes: string[] = [];
  for (const family of ['-4', '-6']) {
    for (const r of await ipJson<RouteJson>(bed, host, [family, 'route', 'show', 'table', 'all'])) {
      if (r.protocol !== 'keepalived') continue;
      routes.push([r.type ?? 'unicast', r.dst, r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`, `table ${r.table ?? 'main'}`, r.scope && `scope ${r.scope}`, r.prefsrc && `src ${r.prefsrc}`, r.metric !== undefined && `metric ${r.metric}`].filter(Boolean).join(' '));
    }
  }
  const rules: string[] = [];
  for (const family of ['-4', '-6']) {
    for (const r of await ipJson<RuleJson>(bed, host, [family, 'rule'])) {
      if (r.protocol !== 'keepalived') continue;
      rules.push(
        [r.priority, 'not' in r && 'not', `from ${r.src}${r.srclen !== undefined ? `/${r.srclen}` : ''}`, r.dst && `to ${r.dst}/${r.dstlen}`, r.fwmark && `fwmark ${r.fwmark}/${r.fwmask}`, `lookup ${r.table}`].filter(Boolean).join(' '),
      );
    }
  }
  return { routes: routes.sort(), rules: rules.sort() };
}

const EXPECTED = {
  routes: [
    '198.51.100.0/24 via 192.0.2.254 dev eth0 table main',
    '2001:db8:1::/48 via 2001:db8::fe dev eth0 table main metric 1024',
    '203.0.113.0/25 via 192.0.2.254 dev eth0 table 100 src 192.0.2.100 metric 5',
    'blackhole 203.0.113.128/25 table 100',
    'unicast 198.51.100.0/25 dev eth0 table main scope link',
  ].map((l) => (l.startsWith('blackhole') || l.startsWith('unicast') ? l : `unicast ${l}`)).sort(),
  rules: ['100 from 192.0.2.100 lookup 100', '101 from all to 198.51.100.0/24 fwmark 0x7/0xff lookup 100', '102 from 2001:db8::100 lookup 100'].sort(),
};
const NONE = { routes: [], rules: [] };

async function waitRouting(bed: DirectorBed, host: string, expected: { routes: string[]; rules: string[] }): Promise<void> {
  let last: unknown;
  await waitFor(
    async () => {
      last = await routing(bed, host);
      return JSON.stringify(last) === JSON.stringify(expected);
    },
    { timeoutMs: WAIT_MS, description: `routes and rules on ${host}` },
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; last seen on ${host}: ${JSON.stringify(last)}`);
  });
}

describe.skipIf(!support.ok && !mustRun)('virtual_routes and virtual_rules on real directors', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
  });

  afterEach(async () => {
    await bed.stopAll(5_000);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  it('the master holds them, the backup none; a deleted tracked route comes back; they follow the failover', async () => {
    const d1 = bed.startVigil('d1', config(150));
    const d2 = bed.startVigil('d2', config(100));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await waitRouting(bed, 'd1', EXPECTED);
    expect(await routing(bed, 'd2')).toEqual(NONE);
    expect(d1.process.stdout).toMatch(/\(VI_1\) setting Virtual Routes[\s\S]*\(VI_1\) setting Virtual Rules/);

    // Deleted from outside: the tracked route and rule come back, the no_track route does not.
    const ns = bed.topology.namespaceOf('d1');
    for (const cmd of [
      ['route', 'del', '198.51.100.0/24', 'via', '192.0.2.254', 'dev', 'eth0'],
      ['rule', 'del', 'priority', '100'],
      ['route', 'del', '198.51.100.0/25', 'dev', 'eth0'],
    ]) {
      const r = await runCommand(['ip', '-n', ns, ...cmd], { timeoutMs: 10_000 });
      expect(r.code, r.stderr).toBe(0);
    }
    await waitRouting(bed, 'd1', { ...EXPECTED, routes: EXPECTED.routes.filter((r) => !r.includes('198.51.100.0/25')) });
    expect(d1.process.stdout).toMatch(/virtual route 198\.51\.100\.0\/24 via 192\.0\.2\.254 dev eth0 was removed while MASTER - putting it back/);

    // Failover: the stopped master removes them (rules, routes, then VIPs); the new master adds them.
    await bed.stop(d1);
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
    await waitRouting(bed, 'd2', EXPECTED);
    expect(await routing(bed, 'd1')).toEqual(NONE);
  });

  it("a reload (SIGHUP) changes a master's routes and rules in place, without leaving MASTER", async () => {
    const d1 = bed.startVigil('d1', config(150));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    await waitRouting(bed, 'd1', EXPECTED);
    const changed = ROUTING.replace('198.51.100.0/24 via 192.0.2.254 dev eth0', '198.51.100.0/24 via 192.0.2.253 dev eth0').replace('table 100 priority 100', 'table 101 priority 100');
    writeFileSync(d1.configFile, configText(instanceText({ priority: 150, extra: changed })));
    d1.process.signal('SIGHUP');
    await d1.process.waitForOutput(/\(VI_1\) reload: virtual routes\/rules changed/, { timeoutMs: WAIT_MS });
    await waitRouting(bed, 'd1', {
      routes: EXPECTED.routes.map((r) => r.replace('198.51.100.0/24 via 192.0.2.254', '198.51.100.0/24 via 192.0.2.253')),
      rules: EXPECTED.rules.map((r) => r.replace('100 from 192.0.2.100 lookup 100', '100 from 192.0.2.100 lookup 101')),
    });
    expect(d1.process.stdout.match(/Entering MASTER STATE/g)).toHaveLength(1);
    expect(await bed.holders(VIP, ['d1'])).toEqual(['d1']);
  });

  it.skipIf(!HAVE_KEEPALIVED)('leaves the same routes and rules as keepalived 2.2.7 on the same configuration, and none after stopping', async () => {
    const ka = bed.startKeepalived('d1', config(150));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    await waitFor(async () => (await routing(bed, 'd1')).rules.length === 3, { timeoutMs: WAIT_MS, description: 'keepalived rules' });
    const keepalived = await routing(bed, 'd1');
    await bed.stop(ka);
    expect(await routing(bed, 'd1')).toEqual(NONE);

    const vigil = bed.startVigil('d1', config(150));
    await bed.waitSoleHolder(VIP, 'd1', ['d1'], WAIT_MS);
    await waitRouting(bed, 'd1', keepalived);
    expect(keepalived).toEqual(EXPECTED);
    await bed.stop(vigil);
    expect(await routing(bed, 'd1')).toEqual(NONE);
  });
});
