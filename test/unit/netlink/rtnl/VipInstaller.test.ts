import { describe, expect, it } from 'vitest';
import { rtnlError } from '../../../../src/netlink/rtnl/RtnlError.js';
import { InterfaceSnapshot } from '../../../../src/netlink/rtnl/InterfaceSnapshot.js';
import { AF_INET6, IFA_F_NODAD } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { RtnlClient } from '../../../../src/netlink/rtnl/RtnlClient.js';
import { VipInstaller, type VipOutcome } from '../../../../src/netlink/rtnl/VipInstaller.js';
import type { VipSpec } from '../../../../src/netlink/rtnl/VipSpec.js';
import { FakeRtnlKernel } from './support/FakeRtnlKernel.js';
import { withStandardLinks } from './support/FakeLinks.js';
import { ManualTimers } from './support/ManualTimers.js';

async function setUp(options: { window?: number; capacity?: number } = {}) {
  const kernel = withStandardLinks(new FakeRtnlKernel());
  if (options.capacity !== undefined) kernel.defaultCapacity = options.capacity;
  const timers = new ManualTimers();
  const client = RtnlClient.open({ open: kernel.opener(), timers, ...(options.window !== undefined && { window: options.window }) });
  const interfaces = await InterfaceSnapshot.load(client);
  return { kernel, timers, client, installer: new VipInstaller(client, interfaces) };
}

/** 1,000 VIPs: 250 labelled /24s with brd +, 250 host-scope /32s, 500 IPv6. */
function thousandVips(): VipSpec[] {
  const vips: VipSpec[] = [];
  for (let i = 1; i <= 250; i++) vips.push({ address: `198.51.100.${i}`, prefixLength: 24, interface: 'eth0', label: `eth0:${i}`, broadcast: '+' });
  for (let i = 1; i <= 250; i++) vips.push({ address: `203.0.113.${i}`, interface: 'eth1', scope: 'host' });
  for (let i = 1; i <= 500; i++) vips.push({ address: `2001:db8::${i.toString(16)}`, prefixLength: 64, interface: 'eth0' });
  return vips;
}

const statuses = (outcomes: readonly VipOutcome[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
};

describe('VipInstaller with a fake kernel', () => {
  it('adds 1,000 VIPs pipelined: many requests per datagram, never more in flight than the window', async () => {
    const { kernel, installer } = await setUp({ window: 128 });
    const outcomes = await installer.add(thousandVips());
    expect(statuses(outcomes)).toEqual({ added: 1000 });
    expect(kernel.addressList()).toHaveLength(1000);
    const socket = kernel.sockets[0]!;
    expect(socket.datagramsSent).toBeLessThan(40);
    expect(socket.maxQueueLength).toBeLessThanOrEqual(128);
    expect(kernel.requestsHandled).toBe(1001); // plus the link dump
  });

  it('sends what keepalived sends: labels and broadcast on IPv4, IFA_F_NODAD on IPv6', async () => {
    const { kernel, installer } = await setUp();
    await installer.add([
      { address: '198.51.100.7', prefixLength: 24, interface: 'eth0', label: 'eth0:web', broadcast: '+' },
      { address: '2001:db8::7', interface: 'eth0' },
    ]);
    const [v4, v6] = kernel.addressList();
    expect(v4).toMatchObject({ address: '198.51.100.7', prefixLength: 24, label: 'eth0:web', broadcast: '198.51.100.255', ifindex: 2 });
    expect(v6).toMatchObject({ family: AF_INET6, address: '2001:db8::7', prefixLength: 128 });
    expect(v6!.flags & IFA_F_NODAD).toBe(IFA_F_NODAD);
  });

  it('is idempotent: EEXIST is already-present, EADDRNOTAVAIL already-absent', async () => {
    const { installer } = await setUp();
    const vips: VipSpec[] = [{ address: '192.0.2.10', interface: 'eth0' }, { address: '2001:db8::10', interface: 'eth0' }];
    expect((await installer.add(vips)).map((o) => o.status)).toEqual(['added', 'added']);
    expect((await installer.add(vips)).map((o) => o.status)).toEqual(['already-present', 'already-present']);
    expect((await installer.remove(vips)).map((o) => o.status)).toEqual(['removed', 'removed']);
    expect((await installer.remove(vips)).map((o) => o.status)).toEqual(['already-absent', 'already-absent']);
  });

  it('attributes a kernel refusal to the exact address, in request order, leaving the others done', async () => {
    const { kernel, installer } = await setUp();
    kernel.refusals.set('198.51.100.5', 22);
    const vips = Array.from({ length: 10 }, (_, i): VipSpec => ({ address: `198.51.100.${i}`, interface: 'eth0' }));
    const outcomes = await installer.add(vips);
    const failed = outcomes.flatMap((o, i) => (o.status === 'failed' ? [{ i, o }] : []));
    expect(failed).toHaveLength(1);
    const { i, o } = failed[0]!;
    expect(i).toBe(5);
    if (o.status !== 'failed') throw new Error('unreachable');
    expect(o.error.code).toBe('RTNL_ADDRESS_ADD_FAILED');
    expect(o.error.details).toMatchObject({ address: '198.51.100.5', prefixLength: 32, interface: 'eth0', errno: 22, errnoName: 'EINVAL' });
    expect(o.error.message).toContain('198.51.100.5/32');
    expect(kernel.addressList()).toHaveLength(9);
  });

  it('a failed delete is RTNL_ADDRESS_DELETE_FAILED for that address', async () => {
    const { kernel, installer } = await setUp();
    await installer.add([{ address: '192.0.2.1', interface: 'eth0' }]);
    kernel.refusals.set('192.0.2.1', 1);
    const [o] = await installer.remove([{ address: '192.0.2.1', interface: 'eth0' }]);
    expect(o?.status === 'failed' && [o.error.code, o.error.details['errnoName']]).toEqual(['RTNL_ADDRESS_DELETE_FAILED', 'EPERM']);
  });

  it('reports bad VIPs without sending them, in place', async () => {
    const { kernel, installer } = await setUp();
    const outcomes = await installer.add([
      { address: '192.0.2.1', interface: 'eth0' },
      { address: '192.0.2.2', interface: 'eth0', label: 'web' },
      { address: '192.0.2.3', interface: 'wlan0' },
      { address: '192.0.2.4', interface: 'eth0' },
    ]);
    expect(outcomes.map((o) => (o.status === 'failed' ? o.error.code : o.status))).toEqual([
      'added',
      'RTNL_INVALID_VIP',
      'RTNL_INTERFACE_NOT_FOUND',
      'added',
    ]);
    expect(kernel.addressList().map((a) => a.address)).toEqual(['192.0.2.1', '192.0.2.4']);
  });

  it('an empty batch sends nothing', async () => {
    const { kernel, installer } = await setUp();
    const before = kernel.requestsHandled;
    expect(await installer.add([])).toEqual([]);
    expect(kernel.requestsHandled).toBe(before);
  });

  it('survives ACKs lost to a receive-buffer overrun: resends, and every VIP ends up present', async () => {
    // A window larger than the receive queue: ACKs overflow it, as they would if
    // the receive buffer were smaller than the window assumes.
    const { kernel, installer } = await setUp({ window: 64, capacity: 20 });
    const vips = thousandVips().slice(0, 300);
    const outcomes = await installer.add(vips);
    expect(outcomes.every((o) => o.status === 'added' || o.status === 'already-present')).toBe(true);
    expect(outcomes.some((o) => o.status !== 'failed' && o.retransmitted)).toBe(true);
    expect(kernel.sockets[0]!.dropped).toBeGreaterThan(0);
    expect(kernel.addressList()).toHaveLength(300);
  });

  it('a sendmsg failure fails the VIPs of that datagram with the cause attached', async () => {
    const { kernel, installer } = await setUp();
    kernel.sendFailure = rtnlError('RTNL_SEND_FAILED', 'Netlink: sendmsg failed: ENOBUFS', { errno: 105 });
    const outcomes = await installer.add([{ address: '192.0.2.1', interface: 'eth0' }]);
    const [o] = outcomes;
    expect(o?.status).toBe('failed');
    if (o?.status !== 'failed') return;
    expect(o.error.code).toBe('RTNL_ADDRESS_ADD_FAILED');
    expect((o.error.cause as { code?: string }).code).toBe('RTNL_SEND_FAILED');
  });

  it('a stalled socket fails the batch with RTNL_STALLED; the next batch gets a fresh socket', async () => {
    const { kernel, timers, installer } = await setUp();
    kernel.sockets[0]!.paused = true;
    const pending = installer.add([{ address: '192.0.2.1', interface: 'eth0' }]);
    await kernel.flush();
    timers.advance(10_000);
    const [o] = await pending;
    expect(o?.status === 'failed' && (o.error.cause as { code?: string }).code).toBe('RTNL_STALLED');
    expect(kernel.sockets[0]!.closed).toBe(true);
    expect((await installer.add([{ address: '192.0.2.2', interface: 'eth0' }]))[0]?.status).toBe('added');
    expect(kernel.opened).toBe(2);
  });

  it('a socket that breaks mid-batch fails what is unanswered; the next batch reopens', async () => {
    const { kernel, installer } = await setUp();
    kernel.sockets[0]!.paused = true;
    const pending = installer.add([{ address: '192.0.2.1', interface: 'eth0' }, { address: '192.0.2.2', interface: 'eth0' }]);
    await kernel.flush();
    kernel.sockets[0]!.breakWith(rtnlError('RTNL_SOCKET_BROKEN', 'poll failed'));
    const outcomes = await pending;
    expect(outcomes.map((o) => (o.status === 'failed' ? (o.error.cause as { code?: string }).code : o.status))).toEqual([
      'RTNL_SOCKET_BROKEN',
      'RTNL_SOCKET_BROKEN',
    ]);
    // The kernel did add them: a retry reports them present.
    expect((await installer.add([{ address: '192.0.2.1', interface: 'eth0' }]))[0]?.status).toBe('already-present');
  });

  it('the port id is the request socket’s, as notifications of its changes will show', async () => {
    const { kernel, installer } = await setUp();
    expect(installer.portId).toBe(kernel.sockets[0]!.portId);
  });
});

describe('RtnlClient dumps', () => {
  it('repeats a dump the kernel marks NLM_F_DUMP_INTR', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.interruptDumps = 2;
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers() });
    const snapshot = await InterfaceSnapshot.load(client);
    expect(snapshot.links().map((l) => l.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(kernel.dumpsHandled).toBe(3);
  });

  it('gives up with RTNL_DUMP_FAILED when every attempt is interrupted', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.interruptDumps = 100;
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers(), dumpRetries: 2 });
    await expect(InterfaceSnapshot.load(client)).rejects.toMatchObject({ code: 'RTNL_DUMP_FAILED' });
    expect(kernel.dumpsHandled).toBe(3);
  });

  it('runs operations one after another and refuses work once closed', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers() });
    const [a, b] = await Promise.all([InterfaceSnapshot.load(client), InterfaceSnapshot.load(client)]);
    expect(a.links()).toHaveLength(3);
    expect(b.indexOf('eth1')).toBe(3);
    client.close();
    await expect(InterfaceSnapshot.load(client)).rejects.toMatchObject({ code: 'RTNL_CLOSED' });
    expect(kernel.sockets[0]!.closed).toBe(true);
  });

  it('keeps the event loop alive only while an operation runs', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers() });
    const socket = kernel.sockets[0]!;
    const pending = InterfaceSnapshot.load(client);
    await Promise.resolve();
    expect(socket.keptAlive).toBe(true);
    await pending;
    expect(socket.keptAlive).toBe(false);
  });
});

describe('RtnlClient sockets', () => {
  it('remembers the ports of replaced sockets, so late notifications still count as its own', async () => {
    const { kernel, installer, client } = await setUp({ window: 64, capacity: 8 });
    const first = client.portId;
    await installer.add(thousandVips().slice(0, 100));
    expect(client.portId).not.toBe(first);
    expect(client.ownsPort(first)).toBe(true);
    expect(client.ownsPort(client.portId)).toBe(true);
    expect(client.ownsPort(12345)).toBe(false);
    expect(kernel.opened).toBeGreaterThan(1);
  });

  it('an overrun with nothing running drops the socket so the next operation starts clean', async () => {
    const { kernel, client, installer } = await setUp();
    const socket = kernel.sockets[0]!;
    socket.capacity = 0;
    socket.enqueue(Uint8Array.of(0), false); // a stray unicast that does not fit
    await kernel.flush();
    expect(socket.closed).toBe(true);
    expect((await installer.add([{ address: '192.0.2.1', interface: 'eth0' }]))[0]?.status).toBe('added');
    expect(client.portId).not.toBe(socket.portId);
  });
});
