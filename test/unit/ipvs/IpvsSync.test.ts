import { describe, expect, it } from 'vitest';
import type { CheckerOutputEvent, VirtualServerDesiredState } from '../../../src/checker/CheckerOutput.js';
import { loadConfigText } from '../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../src/config/model/VigilConfig.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import { ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { IpvsSync } from '../../../src/ipvs/IpvsSync.js';
import type { IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { ManualTimers } from './support/ManualTimers.js';
import { RecordingLog } from './support/RecordingLog.js';

function model(text: string): VigilConfig {
  const loaded = loadConfigText(text, 'sync.conf');
  if (loaded.model === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.model;
}

const BASE = `
global_defs {
  lvs_timeouts tcp 7200 udp 50
  lvs_sync_daemon lo VI_1 maxlen 1400
}
vrrp_instance VI_1 {
  interface lo
  virtual_router_id 42
  virtual_ipaddress { 192.0.2.1 }
}
virtual_server 192.0.2.1 80 {
  lvs_sched rr
  lvs_method DR
  protocol TCP
  real_server 198.51.100.2 80 { weight 2 }
  real_server 198.51.100.3 80 { weight 1 }
}
virtual_server fwmark 9 {
  lvs_sched wlc
  lvs_method DR
  real_server 198.51.100.4 0 { weight 1 }
}
`;

const keys = (table: IpvsTable): string[] =>
  table.flatMap((e) => [ipvsServiceKey(e.service), ...e.dests.map((d) => `${ipvsServiceKey(e.service)}>${d.address}|${d.port}|w${d.weight}`)]).sort();

async function setUp(text = BASE, options: { dontReleaseIpvs?: boolean; prefill?: (kernel: FakeIpvsKernel, client: IpvsClient) => Promise<void> } = {}) {
  const kernel = new FakeIpvsKernel();
  const fake = fakeIpvsTransport(kernel);
  const client = await IpvsClient.open({ open: fake.open });
  if (options.prefill) await options.prefill(kernel, client);
  const timers = new ManualTimers();
  const log = new RecordingLog();
  const config = model(text);
  const sync = new IpvsSync({ kernel: client, config, timers, log, driftRepairIntervalMs: 30_000, ...(options.dontReleaseIpvs !== undefined && { dontReleaseIpvs: options.dontReleaseIpvs }) });
  return { kernel, client, timers, log, config, sync };
}

function stateOf(config: VigilConfig, index: number, inPool: boolean[], weights: number[]): VirtualServerDesiredState {
  const vs = config.virtualServers[index]!;
  return {
    vs: 'vs',
    key: vs.key,
    configIndex: index,
    checkersActive: true,
    quorum: { up: true, weightSum: 0, quorum: 1, hysteresis: 0, since: 0 },
    sorryServer: null,
    realServers: vs.realServers.map((rs, i) => ({
      rs: `rs${i}`,
      address: rs.address,
      port: rs.port,
      up: inPool[i] ?? true,
      inPool: inPool[i] ?? true,
      weight: weights[i] ?? rs.weight,
      configuredWeight: rs.weight,
      reason: null,
      since: 0,
      lastCheck: null,
      checkers: 1,
      failedCheckers: 0,
    })),
  };
}

describe('IpvsSync', () => {
  it('programs the table at start, sets lvs_timeouts and arms drift repair', async () => {
    const { kernel, sync, timers, log, client } = await setUp();
    const pass = await sync.start();
    expect(pass.operations).toBe(5);
    expect(keys(kernel.table())).toEqual(keys(sync.desired().table));
    expect(kernel.config()).toEqual({ tcp: 7200, tcpFin: 120, udp: 50 });
    expect(sync.status()).toMatchObject({ running: true, ownedServices: 2, ownedDests: 3 });
    expect(timers.delays()).toEqual([30_000]);
    expect(log.matching(/Adding service \[198\.51\.100\.2\]:tcp:80 to VS \[192\.0\.2\.1\]:tcp:80/)).toHaveLength(1);
    client.close();
  });

  it('adopts matching entries already in the kernel, fixes differing ones and leaves foreign ones alone', async () => {
    const { kernel, sync, client, log } = await setUp(BASE, {
      prefill: async (_kernel, c) => {
        await c.apply(
          reconcileIpvs(
            [
              { service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'rr' }, dests: [{ af: 2, address: '198.51.100.2', port: 80, forwarding: 'droute', weight: 9 }] },
              { service: { kind: 'inet', af: 2, protocol: 'udp', address: '203.0.113.5', port: 53, scheduler: 'rr' }, dests: [] },
            ],
            [],
          ),
        );
      },
    });
    const writesBefore = client.counters.writes;
    const pass = await sync.start();
    // Edit the weight of .2, add .3, add the fwmark service and its dest: 4 writes.
    expect(pass.operations).toBe(4);
    expect(client.counters.writes - writesBefore).toBe(4);
    expect(keys(kernel.table())).toContain('udp|203.0.113.5|53');
    expect(log.matching(/adopting 1 virtual service/)).toHaveLength(1);
    await sync.stop();
    // Only Vigil's entries go; the foreign service stays.
    expect(keys(kernel.table())).toEqual(['udp|203.0.113.5|53']);
    client.close();
  });

  it('a no-op pass sends zero writes', async () => {
    const { sync, client } = await setUp();
    await sync.start();
    const writes = client.counters.writes;
    const pass = await sync.repairDrift();
    expect(pass).toMatchObject({ operations: 0, restored: 0, failures: [] });
    expect(client.counters.writes).toBe(writes);
    client.close();
  });

  it('follows checker events: out of the pool, inhibited at weight 0, back in; bursts coalesce into one pass', async () => {
    const { kernel, sync, config, client } = await setUp();
    await sync.start();
    const passes = sync.status().passes;
    const event = (inPool: boolean[], weights: number[]): CheckerOutputEvent => ({ kind: 'virtual-server', state: stateOf(config, 0, inPool, weights) });
    sync.checkerEvent(event([true, false], [2, 0]));
    sync.checkerEvent(event([true, true], [2, 0]));
    await sync.settled();
    expect(sync.status().passes).toBe(passes + 1);
    expect(kernel.table()[0]?.dests.map((d) => [d.address, d.weight]).sort()).toEqual([
      ['198.51.100.2', 2],
      ['198.51.100.3', 0],
    ]);
    sync.checkerEvent(event([true, false], [2, 0]));
    await sync.settled();
    expect(kernel.table()[0]?.dests.map((d) => d.address)).toEqual(['198.51.100.2']);
    client.close();
  });

  it('repairs drift after a flush (ipvsadm -C) and a stray dest deletion (ipvsadm -d), and logs it', async () => {
    const { kernel, sync, timers, log, client } = await setUp();
    await sync.start();
    // Someone runs ipvsadm -d on one dest...
    await client.apply([{ kind: 'delete-dest', service: sync.desired().table[0]!.service, dest: sync.desired().table[0]!.dests[1]! }]);
    timers.fire(30_000);
    await sync.settled();
    expect(keys(kernel.table())).toEqual(keys(sync.desired().table));
    expect(log.matching(/service \[198\.51\.100\.3\]:tcp:80 is missing from VS \[192\.0\.2\.1\]:tcp:80 \(removed outside Vigil\); adding it back/)).toHaveLength(1);
    // ...then ipvsadm -C.
    await client.flush();
    const pass = await sync.repairDrift();
    expect(pass.restored).toBe(5);
    expect(keys(kernel.table())).toEqual(keys(sync.desired().table));
    expect(log.matching(/Virtual Server FWM 9 of FWM 9 is missing from the kernel table/)).toHaveLength(1);
    // The timer is armed again for the next round.
    expect(timers.delays()).toEqual([30_000]);
    client.close();
  });

  it('re-dumps at once when the kernel refuses an operation planned against a stale mirror', async () => {
    const { sync, timers, config, client, kernel } = await setUp();
    await sync.start();
    await client.flush();
    sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, true], [5, 1]) });
    await sync.settled();
    expect(sync.status().lastPass?.failures[0]).toMatch(/^ESRCH on SET_DEST tcp\|192\.0\.2\.1\|80>198\.51\.100\.2\|80/);
    expect(timers.delays()).toContain(0);
    timers.fire(0);
    await sync.settled();
    expect(kernel.table().find((e) => ipvsServiceKey(e.service) === 'tcp|192.0.2.1|80')?.dests.find((d) => d.address === '198.51.100.2')?.weight).toBe(5);
    client.close();
  });

  it('applies a reload: new services added, removed ones deleted, healthy states kept', async () => {
    const { kernel, sync, config, client } = await setUp();
    await sync.start();
    sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false], [2, 0]) });
    await sync.settled();
    const next = model(BASE.replace(/virtual_server fwmark 9 \{[\s\S]*?\n\}\n/, 'virtual_server 192.0.2.7 53 {\n  protocol UDP\n  lvs_method DR\n  real_server 198.51.100.9 53 { }\n}\n'));
    const pass = await sync.reload(next);
    expect(pass.failures).toEqual([]);
    expect(keys(kernel.table())).toEqual(['tcp|192.0.2.1|80', 'tcp|192.0.2.1|80>198.51.100.2|80|w2', 'udp|192.0.2.7|53', 'udp|192.0.2.7|53>198.51.100.9|53|w1']);
    client.close();
  });

  it('leaves everything in place with --dont-release-ipvs', async () => {
    const { kernel, sync, client } = await setUp(BASE, { dontReleaseIpvs: true });
    await sync.start();
    await sync.stop();
    expect(kernel.table()).toHaveLength(2);
    client.close();
  });

  it('lvs_flush flushes at start; lvs_flush_on_stop all flushes at stop, vs removes the configured services only', async () => {
    const foreign = async (_k: FakeIpvsKernel, c: IpvsClient): Promise<void> => {
      await c.apply(reconcileIpvs([{ service: { kind: 'inet', af: 2, protocol: 'udp', address: '203.0.113.5', port: 53, scheduler: 'rr' }, dests: [] }], []));
    };
    const flushStart = await setUp(BASE.replace('global_defs {', 'global_defs {\n  lvs_flush'), { prefill: foreign });
    await flushStart.sync.start();
    expect(keys(flushStart.kernel.table())).not.toContain('udp|203.0.113.5|53');

    const allStop = await setUp(BASE.replace('global_defs {', 'global_defs {\n  lvs_flush_on_stop'), { prefill: foreign });
    await allStop.sync.start();
    await allStop.sync.stop();
    expect(allStop.kernel.table()).toEqual([]);

    const vsStop = await setUp(BASE.replace('global_defs {', 'global_defs {\n  lvs_flush_on_stop VS'), { prefill: foreign, dontReleaseIpvs: true });
    await vsStop.sync.start();
    await vsStop.sync.stop();
    expect(keys(vsStop.kernel.table())).toEqual(['udp|203.0.113.5|53']);
    for (const s of [flushStart, allStop, vsStop]) s.client.close();
  });

  it('runs the master sync daemon when the VRRP instance is MASTER and the backup one otherwise', async () => {
    const { kernel, sync, client } = await setUp();
    await sync.start();
    await sync.vrrpRoleChanged({ instance: 'VI_1', role: 'BACKUP' });
    expect(kernel.daemons().map((d) => [d.state, d.interface, d.syncId, d.maxLength])).toEqual([['backup', 'lo', 42, 1400]]);
    await sync.vrrpRoleChanged({ instance: 'VI_1', role: 'MASTER' });
    expect(kernel.daemons().map((d) => d.state)).toEqual(['master']);
    await sync.vrrpRoleChanged({ instance: 'OTHER', role: 'BACKUP' });
    await sync.vrrpRoleChanged({ instance: 'VI_1', role: 'MASTER' });
    expect(kernel.daemons().map((d) => d.state)).toEqual(['master']);
    await sync.vrrpRoleChanged({ instance: 'VI_1', role: 'FAULT' });
    expect(kernel.daemons().map((d) => d.state)).toEqual(['backup']);
    await sync.stop();
    expect(kernel.daemons()).toEqual([]);
    client.close();
  });

  it("releases its entries when the checker reports 'stopped'", async () => {
    const { kernel, sync, client } = await setUp();
    await sync.start();
    sync.checkerEvent({ kind: 'stopped', states: [] });
    await sync.settled();
    expect(kernel.table()).toEqual([]);
    expect(sync.status().running).toBe(false);
    client.close();
  });

  it('does not count a checker change that is still on its way as drift', async () => {
    const { sync, config, log, client } = await setUp();
    await sync.start();
    const repair = sync.repairDrift();
    // Arrives before the queued drift pass runs: that pass already plans it.
    sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false], [2, 0]) });
    const pass = await repair;
    await sync.settled();
    expect(pass.operations).toBe(1);
    expect(pass.restored).toBe(0);
    expect(log.matching(/outside Vigil/)).toEqual([]);
    client.close();
  });

  it('applies a checker event that arrives while start is still programming the kernel', async () => {
    const kernel = new FakeIpvsKernel();
    const client = await IpvsClient.open({ open: fakeIpvsTransport(kernel).open });
    const config = model(BASE);
    let fired = false;
    let sync: IpvsSync | undefined;
    // The event lands after the start pass planned, while its writes are in flight.
    const wrapped = {
      ...{ dumpTable: client.dumpTable.bind(client), flush: client.flush.bind(client), setTimeouts: client.setTimeouts.bind(client) },
      ...{ daemons: client.daemons.bind(client), startDaemon: client.startDaemon.bind(client), stopDaemon: client.stopDaemon.bind(client) },
      apply: (operations: Parameters<IpvsClient['apply']>[0]) => {
        if (!fired) {
          fired = true;
          sync?.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false], [2, 0]) });
        }
        return client.apply(operations);
      },
    };
    sync = new IpvsSync({ kernel: wrapped, config, timers: new ManualTimers(), driftRepairIntervalMs: 30_000 });
    await sync.start();
    await sync.settled();
    expect(fired).toBe(true);
    expect(kernel.table()[0]?.dests.map((d) => d.address)).toEqual(['198.51.100.2']);
    client.close();
  });
  it('a reload without new states moves the held ones by virtual server identity (a service inserted before another)', async () => {
    const { kernel, sync, config, client } = await setUp();
    await sync.start();
    sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false], [2, 0]) });
    await sync.settled();
    const inserted = BASE.replace('virtual_server 192.0.2.1 80 {', 'virtual_server 192.0.2.7 53 {\n  protocol UDP\n  lvs_method DR\n  real_server 198.51.100.9 53 { }\n}\nvirtual_server 192.0.2.1 80 {');
    const pass = await sync.reload(model(inserted));
    // Only the new service and its dest: 198.51.100.3 stays out, 198.51.100.2 stays in.
    expect(pass.operations).toBe(2);
    expect(keys(kernel.table())).toEqual(
      ['tcp|192.0.2.1|80', 'tcp|192.0.2.1|80>198.51.100.2|80|w2', 'udp|192.0.2.7|53', 'udp|192.0.2.7|53>198.51.100.9|53|w1', 'fwm|9|v4', 'fwm|9|v4>198.51.100.4|0|w1'].sort(),
    );
    client.close();
  });

  it('a reload without new states keeps a real server by address and port when others are inserted before it', async () => {
    const { kernel, sync, config, client } = await setUp();
    await sync.start();
    sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [false, true], [0, 1]) });
    await sync.settled();
    const next = model(BASE.replace('  real_server 198.51.100.2 80 { weight 2 }', '  real_server 198.51.100.5 80 { weight 1 }\n  real_server 198.51.100.2 80 { weight 2 }'));
    const pass = await sync.reload(next);
    expect(pass.operations).toBe(1);
    expect(keys(kernel.table()).filter((k) => k.startsWith('tcp|192.0.2.1|80>'))).toEqual(['tcp|192.0.2.1|80>198.51.100.3|80|w1', 'tcp|192.0.2.1|80>198.51.100.5|80|w1']);
    client.close();
  });

  it('a reload with the new checker states uses them as they are', async () => {
    const { kernel, sync, config, client } = await setUp();
    await sync.start();
    const pass = await sync.reload(config, [stateOf(config, 0, [false, true], [0, 1])]);
    expect(pass.operations).toBe(1);
    expect(keys(kernel.table()).filter((k) => k.startsWith('tcp|192.0.2.1|80>'))).toEqual(['tcp|192.0.2.1|80>198.51.100.3|80|w1']);
    client.close();
  });

  it('tells onPass of every pass, the stop included', async () => {
    const kernel = new FakeIpvsKernel();
    const client = await IpvsClient.open({ open: fakeIpvsTransport(kernel).open });
    const passes: string[] = [];
    const sync = new IpvsSync({ kernel: client, config: model(BASE), timers: new ManualTimers(), driftRepairIntervalMs: 0, onPass: (p) => passes.push(`${p.reason} ${p.operations}`) });
    await sync.start();
    await sync.reload(model(BASE));
    await sync.repairDrift();
    await sync.stop();
    expect(passes).toEqual(['start 5', 'reload 0', 'drift-repair 0', 'stop 2']);
    client.close();
  });
});
