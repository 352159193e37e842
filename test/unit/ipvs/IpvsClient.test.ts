import { describe, expect, it } from 'vitest';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import type { IpvsDest, IpvsService, IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import type { IpvsOperation } from '../../../src/ipvs/IpvsOperation.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport, type FakeIpvsTransportOptions } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { isVigilError } from '../../../src/core/VigilError.js';
import { decodeNetlinkMessages } from '../../../src/netlink/NetlinkMessage.js';
import { LINUX_ERRNO } from '../../../src/netlink/LinuxErrno.js';
import { BACKUP_DAEMON, GUE_DEST, MASQ_DEST, TCP_SERVICE, UDP6_SERVICE } from './support/SampleIpvs.js';

async function clientOn(kernel: FakeIpvsKernel, options: FakeIpvsTransportOptions & { window?: number } = {}) {
  const fake = fakeIpvsTransport(kernel, options);
  const client = await IpvsClient.open({ open: fake.open, ...(options.window !== undefined && { window: options.window }) });
  return { client, wire: fake.wire };
}

function bigTable(services: number, destsPerService: number): IpvsTable {
  const table = [];
  for (let s = 0; s < services; s++) {
    const service: IpvsService = { kind: 'inet', af: 2, protocol: 'tcp', address: `192.0.2.${(s % 250) + 1}`, port: 1000 + s, scheduler: 'wlc' };
    const dests: IpvsDest[] = [];
    for (let d = 0; d < destsPerService; d++) dests.push({ af: 2, address: `198.51.100.${d + 1}`, port: 80, forwarding: 'droute', weight: d + 1 });
    table.push({ service, dests });
  }
  return table;
}

describe('IpvsClient: family resolution', () => {
  it('resolves the IPVS family id through nlctrl', async () => {
    const { client } = await clientOn(new FakeIpvsKernel({ familyId: 41 }));
    expect(client.familyId).toBe(41);
    expect((await client.info()).versionText).toBe('1.2.1');
    client.close();
  });

  it('says "IPVS unavailable" with a stable code when the kernel has no IPVS family', async () => {
    const fake = fakeIpvsTransport(new FakeIpvsKernel(), { ipvsRegistered: false });
    const error = await IpvsClient.open({ open: fake.open }).catch((e: unknown) => e);
    expect(isVigilError(error, 'IPVS_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^IPVS unavailable: .*no "IPVS" generic netlink family/);
  });

  it('reports a socket that cannot be opened as IPVS_UNAVAILABLE', async () => {
    const error = await IpvsClient.open({
      open: () => {
        throw new Error('EPROTONOSUPPORT');
      },
    }).catch((e: unknown) => e);
    expect(isVigilError(error, 'IPVS_UNAVAILABLE')).toBe(true);
  });
});

describe('IpvsClient: dumps and commands', () => {
  it('dumps services with their dests and counters', async () => {
    const kernel = new FakeIpvsKernel();
    const { client } = await clientOn(kernel);
    await client.apply(reconcileIpvs([{ service: TCP_SERVICE, dests: [MASQ_DEST, GUE_DEST] }, { service: UDP6_SERVICE, dests: [] }], []));
    const table = await client.dumpTable();
    expect(table.map((e) => e.service.kind === 'inet' && e.service.address)).toEqual(['192.0.2.1', '2001:db8::1']);
    expect(table[0]?.dests.map((d) => d.address).sort()).toEqual(['198.51.100.2', '198.51.100.4']);
    expect(table[0]?.dests[0]?.activeConnections).toBe(0);
    expect(table[0]?.service.stats?.conns).toBe(0n);
    expect(reconcileIpvs([{ service: TCP_SERVICE, dests: [MASQ_DEST, GUE_DEST] }, { service: UDP6_SERVICE, dests: [] }], table)).toEqual([]);
    client.close();
  });

  it('reads and sets timeouts, starts, lists and stops sync daemons, flushes', async () => {
    const kernel = new FakeIpvsKernel();
    const { client } = await clientOn(kernel);
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    await client.setTimeouts({ udp: 60 });
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 60 });
    await client.startDaemon(BACKUP_DAEMON);
    expect((await client.daemons()).map((d) => [d.state, d.syncId, d.group])).toEqual([['backup', 6, '239.1.2.3']]);
    const again = await client.startDaemon(BACKUP_DAEMON).catch((e: unknown) => e);
    expect(isVigilError(again, 'IPVS_COMMAND_FAILED')).toBe(true);
    expect((again as Error).message).toBe('IPVS: EEXIST on NEW_DAEMON backup');
    await client.stopDaemon('backup');
    expect(await client.daemons()).toEqual([]);
    await client.apply(reconcileIpvs([{ service: TCP_SERVICE, dests: [MASQ_DEST] }], []));
    await client.flush();
    expect(kernel.table()).toEqual([]);
    client.close();
  });

  it('turns EPERM into IPVS_PERMISSION_DENIED', async () => {
    const kernel = new FakeIpvsKernel();
    const fake = fakeIpvsTransport(kernel);
    const client = await IpvsClient.open({ open: fake.open });
    // The fake kernel has no privilege model: answer the service dump with EPERM by hand.
    const original = kernel.handle.bind(kernel);
    kernel.handle = (datagram, portId) => {
      const [message] = decodeNetlinkMessages(datagram);
      if (message && message.header.type === kernel.familyId) {
        return errorFor(datagram, LINUX_ERRNO.EPERM);
      }
      return original(datagram, portId);
    };
    const error = await client.services().catch((e: unknown) => e);
    expect(isVigilError(error, 'IPVS_PERMISSION_DENIED')).toBe(true);
    client.close();
  });
});

function errorFor(datagram: Uint8Array, errno: number): Uint8Array[] {
  // NLMSG_DONE carrying -errno ends a dump with an error.
  const [message] = decodeNetlinkMessages(datagram);
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  view.setUint32(0, 20, true);
  view.setUint16(4, 3, true);
  view.setUint32(8, message?.header.seq ?? 0, true);
  view.setInt32(16, -errno, true);
  return [out];
}

describe('IpvsClient: pipelined writes', () => {
  it('keeps many requests in flight and packs them into few datagrams', async () => {
    const kernel = new FakeIpvsKernel();
    const { client, wire } = await clientOn(kernel, { window: 64 });
    const desired = bigTable(50, 10);
    const sentBefore = wire.datagrams.length;
    const report = await client.apply(reconcileIpvs(desired, []));
    expect(report.failures).toEqual([]);
    expect(report.results).toHaveLength(550);
    expect(wire.maxInFlight).toBeGreaterThan(32);
    expect(wire.maxInFlight).toBeLessThanOrEqual(64);
    // Refilled at half a window: far fewer datagrams than requests.
    expect(wire.datagrams.length - sentBefore).toBeLessThan(550 / 10);
    expect(client.counters.writes).toBe(550);
    expect(reconcileIpvs(desired, kernel.table())).toEqual([]);
    client.close();
  });

  it('attributes each error to its exact operation and carries on with the rest', async () => {
    const kernel = new FakeIpvsKernel();
    const { client } = await clientOn(kernel);
    await client.apply(reconcileIpvs([{ service: TCP_SERVICE, dests: [MASQ_DEST] }], []));
    const missing: IpvsDest = { ...MASQ_DEST, address: '198.51.100.99', port: 80 };
    const operations: IpvsOperation[] = [
      { kind: 'add-dest', service: TCP_SERVICE, dest: GUE_DEST },
      { kind: 'delete-dest', service: TCP_SERVICE, dest: missing },
      { kind: 'add-service', service: TCP_SERVICE },
      { kind: 'add-dest', service: { ...TCP_SERVICE, port: 81 }, dest: MASQ_DEST },
      { kind: 'edit-dest', service: TCP_SERVICE, dest: { ...MASQ_DEST, weight: 9 }, previous: MASQ_DEST },
    ];
    const report = await client.apply(operations);
    expect(report.results.map((r) => r.errno)).toEqual([0, LINUX_ERRNO.ENOENT, LINUX_ERRNO.EEXIST, LINUX_ERRNO.ESRCH, 0]);
    expect(report.failures.map((f) => f.error)).toEqual([
      'ENOENT on DEL_DEST tcp|192.0.2.1|80>198.51.100.99|80',
      'EEXIST on NEW_SERVICE tcp|192.0.2.1|80',
      'ESRCH on NEW_DEST tcp|192.0.2.1|81>198.51.100.2|8080',
    ]);
    expect(kernel.table()[0]?.dests.find((d) => d.address === MASQ_DEST.address)?.weight).toBe(9);
    client.close();
  });

  it('resends unanswered requests after an overrun and counts a repeated add as done', async () => {
    const kernel = new FakeIpvsKernel();
    let dropped = 0;
    const { client } = await clientOn(kernel, {
      window: 16,
      // Lose the first five successful ACKs of the batch.
      dropAck: (_seq, errno) => {
        if (errno !== 0 || kernel.requestCount <= 2 || dropped >= 5) return false;
        dropped++;
        return true;
      },
    });
    const desired = bigTable(4, 5);
    const report = await client.apply(reconcileIpvs(desired, []));
    expect(dropped).toBe(5);
    expect(report.failures).toEqual([]);
    expect(reconcileIpvs(desired, kernel.table())).toEqual([]);
    client.close();
  });

  it('sends nothing for an empty plan', async () => {
    const kernel = new FakeIpvsKernel();
    const { client, wire } = await clientOn(kernel);
    const before = wire.datagrams.length;
    expect(await client.apply([])).toEqual({ results: [], failures: [] });
    expect(wire.datagrams.length).toBe(before);
    expect(client.counters.writes).toBe(0);
    client.close();
  });
});
