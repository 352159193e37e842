import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { release } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckerDaemon } from '../../../src/checker/runtime/CheckerDaemon.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { configFrom } from '../../unit/checker/support/ConfigFixture.js';
import { testUsers, trustingInspector } from '../../unit/checker/support/EngineHarness.js';
import { DaemonLog, tableKeys } from '../../unit/checker/runtime/DaemonBed.js';

/**
 * The checker side as the checker child runs it: real TCP probes against loopback listeners,
 * real timers, IPVS behind the in-memory kernel (the host's IPVS is never touched). No
 * timing assertions: each step waits, bounded, for the state it expects.
 */
const listeners: Server[] = [];
let daemon: CheckerDaemon | null = null;

afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  await Promise.all(listeners.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen(): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listeners.push(server);
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return address.port;
}

async function until(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function config(ports: readonly number[]): string {
  const servers = ports.map((p) => `  real_server 127.0.0.1 ${p} {\n    TCP_CHECK {\n      connect_timeout 1\n    }\n  }`).join('\n');
  return `virtual_server 203.0.113.100 80 {\n  protocol TCP\n  lvs_method NAT\n  delay_loop 0.3\n  warmup 0.1\n${servers}\n}\n`;
}

const engineOptions = { users: testUsers, scriptInspector: trustingInspector, bootstrapDelayMs: 50 };

describe('CheckerDaemon on loopback', () => {
  it('programs, follows probes, reloads without churn and releases on stop', async () => {
    const a = await listen();
    const b = await listen();
    const [pa, pb] = [portOf(a), portOf(b)];
    const kernel = new FakeIpvsKernel();
    const log = new DaemonLog();
    daemon = await CheckerDaemon.start({ config: configFrom(config([pa, pb])), log, dontReleaseIpvs: false, ipvsClient: { open: fakeIpvsTransport(kernel).open }, engineOptions, driftRepairIntervalMs: 0 });
    const svc = 'tcp|203.0.113.100|80';
    const dest = (p: number): string => `${svc}>127.0.0.1|${p}|w1`;
    expect(tableKeys(kernel.table())).toEqual([svc, dest(pa), dest(pb)].sort());

    // b stops listening: its probe is refused and it leaves the service.
    await new Promise<void>((resolve) => b.close(() => resolve()));
    listeners.splice(listeners.indexOf(b), 1);
    await until(() => !tableKeys(kernel.table()).includes(dest(pb)), 'b to leave the kernel table');
    const removals = log.matching(/Removing service \[127\.0\.0\.1\]:tcp:\d+ from VS/);
    expect(removals.length).toBeGreaterThan(0);
    expect(removals.every((l) => l.includes(`:tcp:${pb} `))).toBe(true);

    // A reload adds c; a is kept (not re-added), b stays out.
    const c = await listen();
    const pc = portOf(c);
    const result = await daemon.reload(configFrom(config([pa, pb, pc])));
    expect(result.ok && result.summary).toMatchObject({ keptRealServers: 2, freshRealServers: 1, removedRealServers: 0 });
    await until(() => tableKeys(kernel.table()).includes(dest(pc)), 'c to join');
    expect(tableKeys(kernel.table())).toEqual([svc, dest(pa), dest(pc)].sort());
    expect(log.matching(new RegExp(`Adding service \\[127\\.0\\.0\\.1\\]:tcp:${pa} to VS`))).toHaveLength(1);

    await daemon.stop();
    daemon = null;
    expect(kernel.table()).toEqual([]);
  });
});

describe('CheckerDaemon ha_suspend with the real address monitor', () => {
  it('runs the checkers of a virtual server whose address is on this host and holds the others', async () => {
    const a = await listen();
    const pa = portOf(a);
    // Read-only: the monitor only lists and follows this namespace's addresses (127.0.0.1 is on lo).
    const text = `virtual_server 127.0.0.1 ${pa} {\n  protocol TCP\n  ha_suspend\n  delay_loop 0.3\n  warmup 0.1\n  real_server 127.0.0.1 ${pa} {\n    TCP_CHECK {\n      connect_timeout 1\n    }\n  }\n}\n${config([pa]).replace('delay_loop 0.3', 'ha_suspend\n  delay_loop 0.3')}`;
    const kernel = new FakeIpvsKernel();
    const log = new DaemonLog();
    daemon = await CheckerDaemon.start({ config: configFrom(text), log, dontReleaseIpvs: false, ipvsClient: { open: fakeIpvsTransport(kernel).open }, engineOptions, driftRepairIntervalMs: 0 });
    const [here, elsewhere] = daemon.output.snapshot().virtualServers;
    expect(here?.checkersActive).toBe(true);
    expect(elsewhere?.checkersActive).toBe(false);
    await until(() => (daemon?.output.snapshot().probes.started ?? 0) > 0, 'a first probe');
  });
});

/** Whether this host's kernel could offer IPVS: built in (/proc/net/ip_vs) or as a loadable module. */
function hostMayHaveIpvs(): boolean {
  if (existsSync('/proc/net/ip_vs')) return true;
  const dir = join('/lib/modules', release(), 'kernel/net/netfilter/ipvs');
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('ip_vs.ko'));
}

// Only where the real socket cannot reach an IPVS (the development kernel): nothing of the host changes.
describe.skipIf(hostMayHaveIpvs())('CheckerDaemon on a kernel without IPVS', () => {
  it('runs the checkers and says why IPVS is not programmed', async () => {
    const a = await listen();
    const log = new DaemonLog();
    daemon = await CheckerDaemon.start({ config: configFrom(config([portOf(a)])), log, dontReleaseIpvs: false, engineOptions });
    const status = daemon.ipvsStatus();
    expect('unavailable' in status && status.unavailable).toMatch(/^IPVS_UNAVAILABLE: /);
    expect(log.matching(/^error IPVS unavailable: .*checkers keep running/)).toHaveLength(1);
    await until(() => daemon?.output.snapshot().probes.started !== 0, 'a first probe');
    expect(daemon.output.snapshot().virtualServers[0]?.realServers[0]).toMatchObject({ up: true, inPool: true });
  });
});
