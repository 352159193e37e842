import { describe, expect, it } from 'vitest';
import type { VirtualServerDesiredState } from '../../../src/checker/CheckerOutput.js';
import { loadConfigText } from '../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../src/config/model/VigilConfig.js';
import { ipvsError } from '../../../src/ipvs/IpvsError.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import { ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import type { IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { IpvsSync, type IpvsKernel } from '../../../src/ipvs/IpvsSync.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { ManualTimers } from './support/ManualTimers.js';
import { MemoryOwnershipRecord } from './support/MemoryOwnershipRecord.js';
import { RecordingLog } from './support/RecordingLog.js';

function model(text: string): VigilConfig {
  const loaded = loadConfigText(text, 'ownership.conf');
  if (loaded.model === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.model;
}

const WEB80 = (realServers: string): string => `
virtual_server 192.0.2.1 80 {
  lvs_sched rr
  lvs_method DR
  protocol TCP
${realServers}}
`;
const WEB443 = `
virtual_server 192.0.2.1 443 {
  lvs_sched rr
  lvs_method DR
  protocol TCP
  real_server 198.51.100.2 443 { weight 1 }
}
`;
const RS2 = '  real_server 198.51.100.2 80 { weight 1 }\n';
const RS3 = '  real_server 198.51.100.3 80 { weight 1 }\n';
/** Both virtual servers, two real servers on :80. */
const FULL = WEB80(RS2 + RS3) + WEB443;
/** The same file after an edit: :443 and 198.51.100.3 gone. */
const SMALL = WEB80(RS2);

/** Another tool's service, and a dest another tool added to it. */
const FOREIGN: IpvsTable = [
  {
    service: { kind: 'inet', af: 2, protocol: 'udp', address: '203.0.113.5', port: 53, scheduler: 'rr' },
    dests: [{ af: 2, address: '203.0.113.6', port: 53, forwarding: 'masq', weight: 1 }],
  },
];
const FOREIGN_KEYS = ['udp|203.0.113.5|53', 'udp|203.0.113.5|53>203.0.113.6|53'];

const keys = (table: IpvsTable): string[] => table.flatMap((e) => [ipvsServiceKey(e.service), ...e.dests.map((d) => `${ipvsServiceKey(e.service)}>${d.address}|${d.port}`)]).sort();

interface Host {
  readonly kernel: FakeIpvsKernel;
  readonly record: MemoryOwnershipRecord;
  /** One run of the daemon's IPVS side against this host's kernel and record. */
  run(text: string, options?: { dontReleaseIpvs?: boolean; kernel?: (client: IpvsClient) => IpvsKernel }): Promise<{ sync: IpvsSync; log: RecordingLog; client: IpvsClient }>;
}

async function host(prefill: IpvsTable = FOREIGN): Promise<Host> {
  const kernel = new FakeIpvsKernel();
  const transport = fakeIpvsTransport(kernel);
  const loader = await IpvsClient.open({ open: transport.open });
  await loader.apply(reconcileIpvs(prefill, []));
  loader.close();
  const record = new MemoryOwnershipRecord();
  return {
    kernel,
    record,
    async run(text, options = {}) {
      const client = await IpvsClient.open({ open: transport.open });
      const log = new RecordingLog();
      const sync = new IpvsSync({
        kernel: options.kernel?.(client) ?? client,
        config: model(text),
        timers: new ManualTimers(),
        log,
        driftRepairIntervalMs: 0,
        ownership: record,
        ...(options.dontReleaseIpvs !== undefined && { dontReleaseIpvs: options.dontReleaseIpvs }),
      });
      return { sync, log, client };
    },
  };
}

function stateOf(config: VigilConfig, index: number, inPool: readonly boolean[]): VirtualServerDesiredState {
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
      weight: rs.weight,
      configuredWeight: rs.weight,
      reason: null,
      since: 0,
      lastCheck: null,
      checkers: 1,
      failedCheckers: 0,
    })),
  };
}

describe('IpvsSync ownership across restarts', () => {
  it('a restart with a smaller configuration removes the previous run’s leftovers and nothing foreign', async () => {
    const h = await host();
    const first = await h.run(FULL, { dontReleaseIpvs: true });
    await first.sync.start();
    await first.sync.stop();
    first.client.close();
    expect(h.record.current()).toEqual({
      services: ['tcp|192.0.2.1|443', 'tcp|192.0.2.1|80'],
      dests: ['tcp|192.0.2.1|443>198.51.100.2|443', 'tcp|192.0.2.1|80>198.51.100.2|80', 'tcp|192.0.2.1|80>198.51.100.3|80'],
    });

    const second = await h.run(SMALL);
    const pass = await second.sync.start();
    expect(pass.failures).toEqual([]);
    expect(keys(h.kernel.table())).toEqual([...FOREIGN_KEYS, 'tcp|192.0.2.1|80', 'tcp|192.0.2.1|80>198.51.100.2|80'].sort());
    expect(second.log.matching(/left over/)).toEqual([
      'info IPVS: removing 1 virtual server(s) and 1 real server(s) left over from a previous run (recorded in memory:ipvs-owned.json)',
      'info Removing service [198.51.100.3]:tcp:80 from VS [192.0.2.1]:tcp:80 (left over from a previous run)',
      'info Removing Virtual Server [192.0.2.1]:tcp:443 (left over from a previous run)',
    ]);
    expect(h.record.current()).toEqual({ services: ['tcp|192.0.2.1|80'], dests: ['tcp|192.0.2.1|80>198.51.100.2|80'] });
    // What stays is Vigil's as before: released at stop, the foreign entries kept.
    await second.sync.stop();
    expect(keys(h.kernel.table())).toEqual(FOREIGN_KEYS);
    second.client.close();
  });

  it('without a record the same restart leaves the old service in the kernel (as keepalived does)', async () => {
    const h = await host();
    const first = await h.run(FULL, { dontReleaseIpvs: true });
    await first.sync.start();
    await first.sync.stop();
    first.client.close();
    h.record.stored = { kind: 'missing' };
    const second = await h.run(SMALL);
    await second.sync.start();
    expect(keys(h.kernel.table())).toContain('tcp|192.0.2.1|443');
    expect(keys(h.kernel.table())).toContain('tcp|192.0.2.1|80>198.51.100.3|80');
    expect(second.log.matching(/left over/)).toEqual([]);
    second.client.close();
  });

  it('-I keeps the record naming what stays; a stop that releases empties it', async () => {
    const h = await host();
    const kept = await h.run(FULL, { dontReleaseIpvs: true });
    await kept.sync.start();
    const afterStart = h.record.current();
    await kept.sync.stop();
    kept.client.close();
    expect(h.record.current()).toEqual(afterStart);
    expect(h.record.current()?.services).toHaveLength(2);

    const released = await h.run(FULL);
    await released.sync.start();
    await released.sync.stop();
    released.client.close();
    expect(h.record.current()).toEqual({ services: [], dests: [] });
    expect(keys(h.kernel.table())).toEqual(FOREIGN_KEYS);
  });

  it('lvs_flush_on_stop empties the record too', async () => {
    const h = await host([]);
    const run = await h.run(`global_defs {\n  lvs_flush_on_stop\n}\n${FULL}`, { dontReleaseIpvs: true });
    await run.sync.start();
    await run.sync.stop();
    expect(h.kernel.table()).toEqual([]);
    expect(h.record.current()).toEqual({ services: [], dests: [] });
    run.client.close();
  });

  it('writes once per pass that changes ownership, never per operation, and not at all for a pass that changes nothing', async () => {
    const h = await host([]);
    const run = await h.run(FULL);
    const config = model(FULL);
    // Start: 5 operations, one write.
    expect((await run.sync.start()).operations).toBe(5);
    expect(h.record.saves).toHaveLength(1);
    // A real server out of the pool: one write.
    run.sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false]) });
    await run.sync.settled();
    expect(h.record.saves).toHaveLength(2);
    expect(h.record.saves[1]?.dests).not.toContain('tcp|192.0.2.1|80>198.51.100.3|80');
    // A reload that changes nothing (states carried over): no write.
    expect((await run.sync.reload(model(FULL))).operations).toBe(0);
    expect(h.record.saves).toHaveLength(2);
    // One that brings the server back: one write.
    expect((await run.sync.reload(model(FULL), [stateOf(config, 0, [true, true]), stateOf(config, 1, [true])])).operations).toBe(1);
    expect(h.record.saves).toHaveLength(3);
    // Drift repair over an unchanged kernel: no write.
    expect((await run.sync.repairDrift()).operations).toBe(0);
    expect(h.record.saves).toHaveLength(3);
    run.client.close();
  });

  it('records additions before sending them (a crash right after still names them), removals after the kernel answered', async () => {
    const h = await host([]);
    const order: string[] = [];
    h.record.onSave = () => order.push('save');
    const counting = (client: IpvsClient): IpvsKernel => ({
      dumpTable: (o) => client.dumpTable(o),
      apply: (ops) => {
        order.push(`apply ${ops.map((op) => op.kind).join(',')}`);
        return client.apply(ops);
      },
      flush: () => client.flush(),
      setTimeouts: (t) => client.setTimeouts(t),
      daemons: () => client.daemons(),
      startDaemon: (d) => client.startDaemon(d),
      stopDaemon: (s) => client.stopDaemon(s),
    });
    const run = await h.run(SMALL, { kernel: counting });
    await run.sync.start();
    expect(order).toEqual(['save', 'apply add-service,add-dest']);
    expect(h.record.saves[0]).toEqual({ services: ['tcp|192.0.2.1|80'], dests: ['tcp|192.0.2.1|80>198.51.100.2|80'] });
    order.length = 0;
    await run.sync.stop();
    expect(order).toEqual(['apply delete-service', 'save']);
    run.client.close();
  });

  it('a recorded entry the configuration still wants is kept and owned; one gone from the kernel is forgotten', async () => {
    const h = await host();
    h.record.stored = {
      kind: 'found',
      owned: { services: new Set(['tcp|192.0.2.1|80', 'tcp|192.0.2.9|80']), dests: new Set(['tcp|192.0.2.1|80>198.51.100.2|80', 'tcp|192.0.2.9|80>198.51.100.2|80']) },
    };
    const first = await h.run(SMALL, { dontReleaseIpvs: true });
    await first.sync.start();
    first.client.close();
    expect(first.log.matching(/left over|Removing/)).toEqual([]);
    expect(h.record.current()).toEqual({ services: ['tcp|192.0.2.1|80'], dests: ['tcp|192.0.2.1|80>198.51.100.2|80'] });
  });

  it('leaves a foreign service alone even when its dest is one Vigil added (only that dest goes)', async () => {
    const h = await host();
    h.record.stored = { kind: 'found', owned: { services: new Set(), dests: new Set(['udp|203.0.113.5|53>203.0.113.6|53']) } };
    const run = await h.run(SMALL);
    await run.sync.start();
    expect(keys(h.kernel.table())).toEqual(['tcp|192.0.2.1|80', 'tcp|192.0.2.1|80>198.51.100.2|80', 'udp|203.0.113.5|53']);
    expect(run.log.matching(/left over from/)).toEqual([
      'info IPVS: removing 0 virtual server(s) and 1 real server(s) left over from a previous run (recorded in memory:ipvs-owned.json)',
      'info Removing service [203.0.113.6]:udp:53 from VS [203.0.113.5]:udp:53 (left over from a previous run)',
    ]);
    run.client.close();
  });

  it('a corrupt or foreign record is named in a warning and ignored: nothing outside the configuration is removed', async () => {
    const h = await host();
    h.record.stored = { kind: 'ignored', reason: 'not JSON (Unexpected end of JSON input)' };
    const run = await h.run(SMALL);
    await run.sync.start();
    expect(run.log.matching(/^warn/)).toEqual([
      'warn IPVS: ignoring the ownership record memory:ipvs-owned.json: not JSON (Unexpected end of JSON input); entries not in the configuration are left alone',
    ]);
    expect(keys(h.kernel.table())).toEqual([...FOREIGN_KEYS, 'tcp|192.0.2.1|80', 'tcp|192.0.2.1|80>198.51.100.2|80'].sort());
    // The next write replaces it with a good record.
    expect(h.record.current()).toEqual({ services: ['tcp|192.0.2.1|80'], dests: ['tcp|192.0.2.1|80>198.51.100.2|80'] });
    run.client.close();
  });

  it('a record that cannot be written is warned about once; the kernel work goes on and the next good write says so', async () => {
    const h = await host([]);
    h.record.failWith = ipvsError('IPVS_OWNERSHIP_WRITE_FAILED', 'cannot write the IPVS ownership record /run/vigil/ipvs-owned.json: ENOSPC');
    const run = await h.run(FULL);
    const config = model(FULL);
    await run.sync.start();
    expect(h.kernel.table()).toHaveLength(2);
    run.sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, false]) });
    await run.sync.settled();
    expect(keys(h.kernel.table())).not.toContain('tcp|192.0.2.1|80>198.51.100.3|80');
    expect(run.log.matching(/^warn/)).toEqual([
      "warn IPVS: cannot write the IPVS ownership record /run/vigil/ipvs-owned.json: ENOSPC; a restart may leave this run's entries behind",
    ]);
    h.record.failWith = null;
    run.sync.checkerEvent({ kind: 'virtual-server', state: stateOf(config, 0, [true, true]) });
    await run.sync.settled();
    expect(run.log.matching(/written again/)).toHaveLength(1);
    expect(h.record.current()?.dests).toHaveLength(3);
    run.client.close();
  });

  it('a start that fails before seeing the kernel leaves the previous run’s record untouched', async () => {
    const h = await host();
    const previous = { services: new Set(['tcp|192.0.2.1|443']), dests: new Set<string>() };
    h.record.stored = { kind: 'found', owned: previous };
    const broken = (client: IpvsClient): IpvsKernel => ({
      dumpTable: () => Promise.reject(ipvsError('IPVS_DUMP_FAILED', 'dump interrupted')),
      apply: (ops) => client.apply(ops),
      flush: () => client.flush(),
      setTimeouts: (t) => client.setTimeouts(t),
      daemons: () => client.daemons(),
      startDaemon: (d) => client.startDaemon(d),
      stopDaemon: (s) => client.stopDaemon(s),
    });
    const run = await h.run(SMALL, { kernel: broken });
    await expect(run.sync.start()).rejects.toThrow('dump interrupted');
    await run.sync.stop();
    expect(h.record.saves).toEqual([]);
    expect(h.record.stored).toEqual({ kind: 'found', owned: previous });
    run.client.close();
  });
});
