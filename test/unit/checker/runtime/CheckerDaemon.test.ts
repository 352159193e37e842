import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckerOutputEvent } from '../../../../src/checker/CheckerOutput.js';
import type { ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';
import { parseIpvsOwnership } from '../../../../src/ipvs/IpvsOwnershipRecord.js';
import { ipvsOwnershipPath } from '../../../../src/ipvs/IpvsOwnershipStore.js';
import { FakeIpvsKernel } from '../../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../../src/ipvs/testing/FakeIpvsTransport.js';
import { configFrom } from '../support/ConfigFixture.js';
import { FAIL, FakeAddresses, startBed, tableKeys } from './DaemonBed.js';

const WEB = `
virtual_server 192.0.2.1 80 {
  protocol TCP
  lvs_sched rr
  lvs_method DR
  delay_loop 5
  real_server 198.51.100.2 80 {
    weight 1
    notify_up /usr/bin/up.sh
    notify_down /usr/bin/down.sh
    TCP_CHECK { connect_timeout 1 }
  }
  real_server 198.51.100.3 80 {
    weight 1
    notify_up /usr/bin/up.sh
    notify_down /usr/bin/down.sh
    TCP_CHECK { connect_timeout 1 }
  }
}
`;

const DNS = `
virtual_server 192.0.2.7 53 {
  protocol UDP
  lvs_sched rr
  lvs_method DR
  delay_loop 5
  real_server 198.51.100.9 53 { weight 1 }
}
`;

const SVC = 'tcp|192.0.2.1|80';
const RS2 = `${SVC}>198.51.100.2|80|w1`;
const RS3 = `${SVC}>198.51.100.3|80|w1`;

/** .3 refuses from the first probe on. */
const refuseThree = (target: string): ProbeOutcome => (target === '198.51.100.3:80' ? FAIL : { ok: true, detail: 'ok', exitCode: null });

describe('CheckerDaemon', () => {
  it('programs IPVS at start and reports the pass and probe results as metrics', async () => {
    const bed = await startBed(configFrom(WEB));
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2, RS3]);
    expect(bed.passes.map((p) => [p.reason, p.operations])).toEqual([['start', 3]]);
    const status = bed.daemon.ipvsStatus();
    expect(status).toMatchObject({ running: true, ownedServices: 1, ownedDests: 2 });
    await bed.advanceTo(1000);
    expect(bed.results.map((r) => [r.checker, r.ok])).toEqual([
      ['TCP_CHECK', true],
      ['TCP_CHECK', true],
    ]);
    await bed.daemon.stop();
  });

  it('takes a real server out of the kernel when its probe fails', async () => {
    const bed = await startBed(configFrom(WEB));
    bed.runner.answer = refuseThree;
    await bed.advanceTo(1000);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    expect(bed.scripts).toEqual(['/usr/bin/down.sh']);
    expect(bed.results.filter((r) => !r.ok).map((r) => r.reason)).toEqual(['connect-refused']);
    expect(bed.passes.at(-1)).toMatchObject({ reason: 'checker', operations: 1, failures: [] });
    await bed.daemon.stop();
  });

  it('a reload that changes nothing writes nothing to the kernel and announces nothing', async () => {
    const bed = await startBed(configFrom(WEB));
    bed.runner.answer = refuseThree;
    await bed.advanceTo(6000);
    const scriptsBefore = bed.scripts.length;
    const requestsBefore = bed.kernel.requestCount;
    const linesBefore = bed.log.lines.length;
    const result = await bed.daemon.reload(configFrom(`! reloaded\n${WEB}`));
    await bed.settle();
    expect(result).toEqual({
      ok: true,
      summary: { addedVirtualServers: [], removedVirtualServers: [], keptRealServers: 2, freshRealServers: 0, removedRealServers: 0, ipvsOperations: 0, ipvsFailures: [] },
    });
    expect(bed.kernel.requestCount).toBe(requestsBefore);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    expect(bed.scripts.length).toBe(scriptsBefore);
    const after = bed.log.lines.slice(linesBefore);
    expect(after.filter((l) => /Adding|Removing|Shutting down/.test(l))).toEqual([]);
    // The down server stays down and the up one stays up as probing goes on.
    await bed.advanceTo(30_000);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    expect(bed.scripts.length).toBe(scriptsBefore);
    const rs = bed.daemon.output.snapshot().virtualServers[0]?.realServers.map((r) => [r.rs, r.up]);
    expect(rs).toEqual([
      ['[198.51.100.2]:tcp:80', true],
      ['[198.51.100.3]:tcp:80', false],
    ]);
    await bed.daemon.stop();
  });

  it('a reload adds a new real server as at a fresh start and removes a dropped one', async () => {
    const bed = await startBed(configFrom(WEB));
    await bed.advanceTo(1000);
    const next = WEB.replace('198.51.100.3 80', '198.51.100.4 80');
    const result = await bed.daemon.reload(configFrom(next));
    await bed.settle();
    expect(result.ok && result.summary).toMatchObject({ keptRealServers: 1, freshRealServers: 1, removedRealServers: 1, ipvsOperations: 2 });
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2, `${SVC}>198.51.100.4|80|w1`]);
    expect(bed.log.matching(/Adding service \[198\.51\.100\.2\]/)).toHaveLength(1); // at start only;
    expect(bed.log.matching(/Adding service \[198\.51\.100\.4\]:tcp:80 to VS/)).toHaveLength(1);
    expect(bed.log.matching(/Removing service \[198\.51\.100\.3\]:tcp:80 from VS/)).toHaveLength(1);
    expect(bed.scripts).toEqual([]);
    await bed.daemon.stop();
  });

  it('a virtual server inserted before another (index shift) leaves the other one untouched', async () => {
    const bed = await startBed(configFrom(WEB));
    bed.runner.answer = refuseThree;
    await bed.advanceTo(1000);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    const result = await bed.daemon.reload(configFrom(`${DNS}\n${WEB}`));
    await bed.settle();
    expect(result.ok && result.summary).toMatchObject({ addedVirtualServers: ['[192.0.2.7]:udp:53'], keptRealServers: 2, freshRealServers: 1, ipvsOperations: 2 });
    expect(tableKeys(bed.kernel.table())).toEqual(['udp|192.0.2.7|53', 'udp|192.0.2.7|53>198.51.100.9|53|w1', SVC, RS2].sort());
    const web = bed.daemon.output.snapshot().virtualServers.find((v) => v.vs === '[192.0.2.1]:tcp:80');
    expect(web?.configIndex).toBe(1);
    expect(web?.realServers.map((r) => r.up)).toEqual([true, false]);
    await bed.advanceTo(30_000);
    expect(tableKeys(bed.kernel.table())).toEqual(['udp|192.0.2.7|53', 'udp|192.0.2.7|53>198.51.100.9|53|w1', SVC, RS2].sort());
    expect(bed.scripts).toEqual(['/usr/bin/down.sh']);
    await bed.daemon.stop();
  });

  it('a real server whose checker changed starts afresh', async () => {
    const bed = await startBed(configFrom(WEB));
    bed.runner.answer = refuseThree;
    await bed.advanceTo(1000);
    const next = WEB.replace(/(198\.51\.100\.3 80 \{[\s\S]*?)TCP_CHECK \{ connect_timeout 1 \}/, '$1TCP_CHECK { connect_timeout 2 }');
    const result = await bed.daemon.reload(configFrom(next));
    await bed.settle();
    expect(result.ok && result.summary).toMatchObject({ keptRealServers: 1, freshRealServers: 1, removedRealServers: 1 });
    // Fresh and not alpha: up, so back in the pool until its own probe says otherwise.
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2, RS3]);
    await bed.advanceTo(3000);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    await bed.daemon.stop();
  });

  it('keeps the output subscription across reloads', async () => {
    const bed = await startBed(configFrom(WEB));
    const events: CheckerOutputEvent[] = [];
    bed.daemon.output.subscribe((e) => events.push(e));
    await bed.daemon.reload(configFrom(WEB));
    events.length = 0;
    bed.runner.answer = refuseThree;
    await bed.advanceTo(10_000);
    expect(events.filter((e) => e.kind === 'virtual-server').length).toBeGreaterThan(0);
    await bed.daemon.stop();
    expect(events.at(-1)?.kind).toBe('stopped');
  });

  it('a respawned checker resumes from the last snapshot: no IPVS writes for the adopted table', async () => {
    const config = configFrom(WEB.replaceAll('TCP_CHECK { connect_timeout 1 }', 'TCP_CHECK {\n connect_timeout 1\n alpha\n retry 2\n delay_before_retry 1\n }'));
    const kernel = new FakeIpvsKernel();
    const first = await startBed(config, { kernel });
    // alpha: nobody is in the pool before a first success.
    expect(tableKeys(kernel.table())).toEqual([SVC]);
    first.runner.answer = refuseThree;
    await first.advanceTo(1000);
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2]);
    const snapshot = first.daemon.output.snapshot();
    // The first process dies here: no stop, its entries stay in the kernel.

    const second = await startBed(config, { kernel, carryOver: snapshot });
    expect(second.passes).toEqual([{ reason: 'start', operations: 0, failures: [], restored: 0 }]);
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2]);
    expect(second.log.matching(/Resuming 2 real server/)).toHaveLength(1);
    expect(second.daemon.output.snapshot().virtualServers[0]?.realServers.map((r) => [r.up, r.since])).toEqual(snapshot.virtualServers[0]?.realServers.map((r) => [r.up, r.since]));
    // A carried healthy server gets its retries (not the start-up "one failure is enough").
    second.runner.answer = () => FAIL;
    await second.advanceTo(2500);
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2]);
    await second.advanceTo(3500);
    expect(tableKeys(kernel.table())).toEqual([SVC]);
    expect(second.scripts).toEqual(['/usr/bin/down.sh']);
    await second.daemon.stop();
  });

  it('a respawned checker removes a server its predecessor judged down but had not yet taken out', async () => {
    const kernel = new FakeIpvsKernel();
    const crashed = await startBed(configFrom(WEB), { kernel });
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2, RS3]);
    // The verdict the parent last saw: .3 down (its removal never reached the kernel).
    const elsewhere = await startBed(configFrom(WEB));
    elsewhere.runner.answer = refuseThree;
    await elsewhere.advanceTo(1000);
    const snapshot = elsewhere.daemon.output.snapshot();
    await elsewhere.daemon.stop();

    const successor = await startBed(configFrom(WEB), { kernel, carryOver: snapshot });
    expect(successor.passes).toEqual([{ reason: 'start', operations: 1, failures: [], restored: 0 }]);
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2]);
    // It owns what it adopted: stop releases everything.
    await successor.daemon.stop();
    expect(kernel.table()).toEqual([]);
    void crashed;
  });

  it('without IPVS the checkers still run and the status says why', async () => {
    const bed = await startBed(configFrom(WEB), { ipvsRegistered: false });
    const status = bed.daemon.ipvsStatus();
    expect(status.running).toBe(false);
    expect('unavailable' in status && status.unavailable).toMatch(/^IPVS_UNAVAILABLE: /);
    expect(bed.log.matching(/^error .*checkers keep running/)).toHaveLength(1);
    bed.runner.answer = refuseThree;
    await bed.advanceTo(1000);
    expect(bed.runner.calls.length).toBe(2);
    expect(bed.daemon.output.snapshot().virtualServers[0]?.realServers.map((r) => r.inPool)).toEqual([true, false]);
    const reload = await bed.daemon.reload(configFrom(WEB));
    expect(reload.ok && reload.summary.ipvsOperations).toBe(0);
    bed.daemon.vrrpRoleChanged({ instance: 'VI_1', role: 'MASTER' });
    await bed.daemon.stop();
    expect(bed.passes).toEqual([]);
  });

  it('tries IPVS again every 30 s while the kernel has none, quietly, and programs it once it appears', async () => {
    const kernel = new FakeIpvsKernel();
    let loaded = false;
    const withIpvs = fakeIpvsTransport(kernel).open;
    const withoutIpvs = fakeIpvsTransport(kernel, { ipvsRegistered: false }).open;
    const bed = await startBed(configFrom(WEB), { kernel, ipvsOpen: (...args) => (loaded ? withIpvs : withoutIpvs)(...args) });
    expect(bed.daemon.ipvsStatus().running).toBe(false);
    expect(bed.timers.delays()).toContain(30_000);
    bed.daemon.vrrpRoleChanged({ instance: 'VI_1', role: 'MASTER' });

    // Still no IPVS: tried again, logged at debug only, and armed once more.
    expect(bed.timers.fire(30_000)).toBe(1);
    await bed.settle();
    expect(bed.daemon.ipvsStatus().running).toBe(false);
    expect(bed.log.matching(/^error /)).toHaveLength(1);
    expect(bed.log.matching(/^debug .*checkers keep running/)).toHaveLength(1);
    expect(bed.timers.delays()).toContain(30_000);

    // `modprobe ip_vs`: the next try programs the checkers' current states.
    loaded = true;
    bed.timers.fire(30_000);
    await bed.settle();
    expect(bed.daemon.ipvsStatus().running).toBe(true);
    expect(bed.log.matching(/^info IPVS: the kernel has IPVS now/)).toHaveLength(1);
    expect(tableKeys(kernel.table())).toEqual([SVC, RS2, RS3].sort());
    expect(bed.timers.delays()).not.toContain(30_000);
    await bed.daemon.stop();
    expect(kernel.table()).toEqual([]);
  });

  it('stop releases its own entries and leaves foreign ones', async () => {
    const kernel = new FakeIpvsKernel();
    const foreign = await startBed(configFrom(DNS), { kernel, dontReleaseIpvs: true });
    await foreign.daemon.stop();
    const bed = await startBed(configFrom(WEB), { kernel });
    await bed.daemon.stop();
    expect(tableKeys(kernel.table())).toEqual(['udp|192.0.2.7|53', 'udp|192.0.2.7|53>198.51.100.9|53|w1']);
    expect(bed.passes.at(-1)).toMatchObject({ reason: 'stop', operations: 1 });
    const again = await bed.daemon.reload(configFrom(WEB));
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.errors[0]?.code).toBe('CHECKER_STOPPING');
  });

  it('a restart after -I with a virtual server dropped removes it (ipvs-owned.json), and not a foreign one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-checker-run-'));
    try {
      const kernel = new FakeIpvsKernel();
      const record = ipvsOwnershipPath(dir);
      // Another tool's service, programmed by a daemon that keeps no record.
      const other = await startBed(configFrom(DNS.replace('192.0.2.7', '203.0.113.7')), { kernel, dontReleaseIpvs: true });
      await other.daemon.stop();
      const first = await startBed(configFrom(WEB + DNS), { kernel, dontReleaseIpvs: true, ipvsOwnershipRecord: record });
      await first.daemon.stop();
      const written = parseIpvsOwnership(readFileSync(record, 'utf8'));
      expect(written.ok && [...written.owned.services].sort()).toEqual([SVC, 'udp|192.0.2.7|53']);

      const second = await startBed(configFrom(WEB), { kernel, ipvsOwnershipRecord: record });
      expect(tableKeys(kernel.table())).toEqual([SVC, RS2, RS3, 'udp|203.0.113.7|53', 'udp|203.0.113.7|53>198.51.100.9|53|w1']);
      expect(second.log.matching(/left over from a previous run\)$/)).toEqual(['info Removing Virtual Server [192.0.2.7]:udp:53 (left over from a previous run)']);
      await second.daemon.stop();
      const emptied = parseIpvsOwnership(readFileSync(record, 'utf8'));
      expect(emptied.ok && emptied.owned).toEqual({ services: new Set(), dests: new Set() });
      expect(tableKeys(kernel.table())).toEqual(['udp|203.0.113.7|53', 'udp|203.0.113.7|53>198.51.100.9|53|w1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with -I stop leaves the entries in place and runs the omega notifiers only', async () => {
    const bed = await startBed(configFrom(WEB.replace('delay_loop 5', 'delay_loop 5\n  omega')), { dontReleaseIpvs: true });
    await bed.advanceTo(1000);
    await bed.daemon.stop();
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2, RS3]);
    expect(bed.scripts).toEqual(['/usr/bin/down.sh', '/usr/bin/down.sh']);
  });

  it('stop gives up on a probe that never answers, with a warning, and still releases IPVS', async () => {
    const bed = await startBed(configFrom(WEB), { probeWaitMs: 2000 });
    bed.runner.answer = () => new Promise<ProbeOutcome>(() => undefined);
    await bed.advanceTo(1000);
    const stopped = bed.daemon.stop();
    await bed.advanceTo(3000);
    await stopped;
    expect(bed.log.matching(/^warn Gave up waiting for 2 running health check/)).toHaveLength(1);
    expect(tableKeys(bed.kernel.table())).toEqual([]);
  });

  it('a reload waits for running probes (bounded) and their results still count', async () => {
    const bed = await startBed(configFrom(WEB), { probeWaitMs: 2000 });
    let answer: ((o: ProbeOutcome) => void) | null = null;
    bed.runner.answer = (target) => (target === '198.51.100.3:80' ? new Promise<ProbeOutcome>((resolve) => (answer = resolve)) : { ok: true, detail: 'ok', exitCode: null });
    await bed.advanceTo(1000);
    const reloaded = bed.daemon.reload(configFrom(WEB));
    await bed.settle();
    (answer as ((o: ProbeOutcome) => void) | null)?.(FAIL);
    const result = await reloaded;
    await bed.settle();
    expect(result.ok && result.summary.keptRealServers).toBe(2);
    expect(tableKeys(bed.kernel.table())).toEqual([SVC, RS2]);
    expect(bed.daemon.output.snapshot().virtualServers[0]?.realServers[1]?.up).toBe(false);
    await bed.daemon.stop();
  });

  it('ha_suspend: checkers run only while the virtual address is on this host', async () => {
    const addresses = new FakeAddresses();
    const bed = await startBed(configFrom(WEB.replace('delay_loop 5', 'delay_loop 5\n  ha_suspend')), { addresses });
    expect(addresses.opened).toBe(1);
    await bed.advanceTo(6000);
    expect(bed.runner.calls).toEqual([]);
    expect(bed.daemon.output.snapshot().virtualServers[0]?.checkersActive).toBe(false);
    addresses.add('192.0.2.1');
    await bed.advanceTo(11_000);
    expect(bed.runner.calls.length).toBeGreaterThan(0);
    expect(bed.daemon.output.snapshot().virtualServers[0]?.checkersActive).toBe(true);
    // A reload keeps following the address; one without ha_suspend closes the feed.
    await bed.daemon.reload(configFrom(WEB.replace('delay_loop 5', 'delay_loop 5\n  ha_suspend')));
    expect(bed.daemon.output.snapshot().virtualServers[0]?.checkersActive).toBe(true);
    addresses.remove('192.0.2.1');
    await bed.settle();
    expect(bed.daemon.output.snapshot().virtualServers[0]?.checkersActive).toBe(false);
    await bed.daemon.reload(configFrom(WEB));
    expect(addresses.stopped).toBe(true);
    await bed.daemon.stop();
  });

  it('does not watch addresses when no virtual server has ha_suspend', async () => {
    const addresses = new FakeAddresses();
    const bed = await startBed(configFrom(WEB), { addresses });
    expect(addresses.opened).toBe(0);
    await bed.daemon.stop();
  });

  it('lvs_sync_daemon follows the VRRP role the parent forwards', async () => {
    const text = `${WEB}\nglobal_defs { lvs_sync_daemon lo VI_1 }\nvrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 42\n  virtual_ipaddress { 192.0.2.1 }\n}\n`;
    const bed = await startBed(configFrom(text));
    bed.daemon.vrrpRoleChanged({ instance: 'VI_1', role: 'MASTER' });
    await bed.settle();
    expect(bed.kernel.daemons().map((d) => d.state)).toEqual(['master']);
    await bed.daemon.stop();
  });
});
