import { afterEach, describe, expect, it } from 'vitest';
import type { VigilError } from '../../../../src/core/VigilError.js';
import { AddressMonitor } from '../../../../src/netlink/rtnl/AddressMonitor.js';
import type { AddressChange } from '../../../../src/netlink/rtnl/AddressTable.js';
import { addressKey, type InterfaceAddress } from '../../../../src/netlink/rtnl/InterfaceAddress.js';
import { InterfaceSnapshot } from '../../../../src/netlink/rtnl/InterfaceSnapshot.js';
import { AF_INET, AF_INET6, IFA_F_NODAD, IFA_F_PERMANENT, RTNLGRP_IPV4_IFADDR } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { RtnlClient } from '../../../../src/netlink/rtnl/RtnlClient.js';
import { rtnlError } from '../../../../src/netlink/rtnl/RtnlError.js';
import type { RtnlLog } from '../../../../src/netlink/rtnl/RtnlLog.js';
import { VipInstaller } from '../../../../src/netlink/rtnl/VipInstaller.js';
import { FakeRtnlKernel, type FakeRtnlSocket } from './support/FakeRtnlKernel.js';
import { withStandardLinks } from './support/FakeLinks.js';
import { ManualTimers } from './support/ManualTimers.js';

const v4 = (address: string, extra: Partial<InterfaceAddress> = {}): InterfaceAddress => ({
  ifindex: 2,
  family: AF_INET,
  address,
  prefixLength: 32,
  peer: null,
  broadcast: null,
  label: 'eth0',
  scope: 0,
  flags: IFA_F_PERMANENT,
  ...extra,
});
const v6 = (address: string): InterfaceAddress => ({ ...v4(address), family: AF_INET6, prefixLength: 128, label: null, flags: IFA_F_PERMANENT | IFA_F_NODAD });

interface Harness {
  kernel: FakeRtnlKernel;
  timers: ManualTimers;
  monitor: AddressMonitor;
  changes: AddressChange[];
  errors: VigilError[];
  logged: string[];
  monitorSocket(): FakeRtnlSocket;
  settle(): Promise<void>;
}

const running: AddressMonitor[] = [];
afterEach(() => {
  for (const m of running.splice(0)) m.stop();
});

async function startMonitor(kernel: FakeRtnlKernel, options: { client?: RtnlClient } = {}): Promise<Harness> {
  const timers = new ManualTimers();
  const logged: string[] = [];
  const log: RtnlLog = {
    debug: () => undefined,
    info: (_f, m) => logged.push(`info ${m}`),
    warn: (_f, m) => logged.push(`warn ${m}`),
    error: (_f, m) => logged.push(`error ${m}`),
  };
  const monitor = await AddressMonitor.start({ open: kernel.opener(), timers, log, ...options });
  running.push(monitor);
  const changes: AddressChange[] = [];
  const errors: VigilError[] = [];
  monitor.onChange((c) => changes.push(c));
  monitor.onError((e) => errors.push(e));
  return {
    kernel,
    timers,
    monitor,
    changes,
    errors,
    logged,
    monitorSocket: () => {
      const [socket] = kernel.subscribers(RTNLGRP_IPV4_IFADDR);
      if (socket === undefined) throw new Error('no monitor socket');
      return socket;
    },
    settle: async () => {
      await kernel.flush();
      await kernel.flush();
    },
  };
}

const keys = (addresses: readonly InterfaceAddress[]): string[] => addresses.map(addressKey).sort();
const describeChanges = (changes: readonly AddressChange[]): string[] => changes.map((c) => `${c.kind} ${c.address.address} ${c.cause}`);

describe('AddressMonitor: loading and live notifications', () => {
  it('loads the current addresses without reporting them as changes', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.1'));
    kernel.putAddress(v6('2001:db8::1'));
    const h = await startMonitor(kernel);
    expect(keys(h.monitor.addresses())).toEqual(keys(kernel.addressList()));
    expect(h.changes).toEqual([]);
    expect(h.monitor.find({ ifindex: 2, family: AF_INET6, address: '2001:db8::1', prefixLength: 128 })).toBeDefined();
  });

  it('reports a VIP someone else deleted, with the deleter’s port id', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.10'));
    const h = await startMonitor(kernel);
    kernel.deleteAddress(v4('192.0.2.10'), 31337);
    await h.settle();
    expect(h.changes).toEqual([{ kind: 'removed', address: v4('192.0.2.10'), cause: 'notification', originPortId: 31337 }]);
    expect(h.monitor.addresses()).toEqual([]);
  });

  it('tells Vigil’s own changes apart by the installer’s port id', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const h = await startMonitor(kernel);
    const client = RtnlClient.open({ open: kernel.opener(), timers: h.timers });
    const installer = new VipInstaller(client, await InterfaceSnapshot.load(client));
    await installer.add([{ address: '198.51.100.1', interface: 'eth0' }]);
    await h.settle();
    expect(h.changes).toHaveLength(1);
    expect(h.changes[0]).toMatchObject({ kind: 'added', originPortId: installer.portId });
    expect(installer.caused(h.changes[0]!)).toBe(true);
    kernel.deleteAddress(v4('198.51.100.1'), 31337);
    await h.settle();
    expect(installer.caused(h.changes[1]!)).toBe(false);
    expect(installer.caused({ originPortId: 0 })).toBe(false);
    expect(installer.caused({ originPortId: null })).toBe(false);
    client.close();
  });

  it('lists the addresses of one interface', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.1'));
    kernel.putAddress(v4('192.0.2.2', { ifindex: 3, label: 'eth1' }));
    const h = await startMonitor(kernel);
    expect(h.monitor.onInterface(3).map((a) => a.address)).toEqual(['192.0.2.2']);
  });
});

describe('AddressMonitor: surviving ENOBUFS', () => {
  it('a blocked reader overruns; the monitor resynchronises from a dump and reports the differences', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.1'));
    kernel.putAddress(v4('192.0.2.2'));
    kernel.defaultCapacity = 8;
    const h = await startMonitor(kernel);
    const socket = h.monitorSocket();
    socket.paused = true; // the event loop is busy: nothing is read
    kernel.deleteAddress(v4('192.0.2.1'));
    for (let i = 1; i <= 200; i++) kernel.putAddress(v4(`198.51.100.${i}`));
    expect(socket.dropped).toBeGreaterThan(0);
    socket.resume();
    await h.settle();
    expect(keys(h.monitor.addresses())).toEqual(keys(kernel.addressList()));
    expect(h.monitor.stats).toEqual({ overruns: 1, breakages: 0, resyncs: 1 });
    expect(socket.closed).toBe(true); // a fresh socket replaced the congested one
    expect(h.changes.filter((c) => c.kind === 'removed').map((c) => c.address.address)).toEqual(['192.0.2.1']);
    expect(h.changes.filter((c) => c.kind === 'added')).toHaveLength(200);
    expect(h.changes.every((c) => c.cause === 'resync')).toBe(true);
    expect(h.logged).toContain('warn Netlink: receive buffer overrun on the address monitor socket (ENOBUFS) - resynchronising');
  });

  it('never applies the stale messages queued before the overrun', async () => {
    // Queued: NEW X, NEW Y. Dropped: DEL X. Replaying the queue after a dump would
    // resurrect X; the monitor must end with Y only.
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.defaultCapacity = 2;
    const h = await startMonitor(kernel);
    const socket = h.monitorSocket();
    socket.paused = true;
    kernel.putAddress(v4('192.0.2.88'));
    kernel.putAddress(v4('192.0.2.99'));
    kernel.deleteAddress(v4('192.0.2.88'));
    expect(socket.queue).toHaveLength(2);
    socket.resume();
    await h.settle();
    expect(h.monitor.addresses().map((a) => a.address)).toEqual(['192.0.2.99']);
    expect(describeChanges(h.changes)).toEqual(['added 192.0.2.99 resync']);
  });

  it('replays notifications that arrive during the resync dump without reporting anything twice', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.1'));
    kernel.putAddress(v4('192.0.2.2'));
    const h = await startMonitor(kernel);
    let once = true;
    kernel.beforeDump = () => {
      if (!once) return;
      once = false;
      // Happens while the resync runs: in the dump and, as a notification, on the new socket.
      kernel.deleteAddress(v4('192.0.2.2'), 555);
      kernel.putAddress(v4('192.0.2.3'), 555);
    };
    await h.monitor.resynchronise();
    await h.settle();
    expect(keys(h.monitor.addresses())).toEqual(keys(kernel.addressList()));
    expect(describeChanges(h.changes)).toEqual(['removed 192.0.2.2 resync', 'added 192.0.2.3 resync']);
  });

  it('starts over when notifications are lost again during the resynchronisation', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.defaultCapacity = 4;
    const h = await startMonitor(kernel);
    let bursts = 1;
    kernel.beforeDump = () => {
      if (bursts-- <= 0) return;
      const [fresh] = kernel.subscribers(RTNLGRP_IPV4_IFADDR);
      fresh!.paused = true;
      for (let i = 1; i <= 20; i++) kernel.putAddress(v4(`203.0.113.${i}`));
      queueMicrotask(() => fresh!.resume());
    };
    const first = h.monitorSocket();
    first.paused = true;
    for (let i = 1; i <= 20; i++) kernel.putAddress(v4(`198.51.100.${i}`));
    first.resume();
    await h.settle();
    expect(keys(h.monitor.addresses())).toEqual(keys(kernel.addressList()));
    expect(h.monitor.addresses()).toHaveLength(40);
    expect(h.monitor.stats.overruns).toBe(2);
    expect(h.monitor.stats.resyncs).toBe(1);
    expect(kernel.dumpsHandled).toBe(3); // the initial load, the abandoned resync, the one that held
  });

  it('a broken monitor socket is reopened and the table resynchronised', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.putAddress(v4('192.0.2.1'));
    const h = await startMonitor(kernel);
    const socket = h.monitorSocket();
    socket.breakWith(rtnlError('RTNL_SOCKET_BROKEN', 'recvmsg failed'));
    kernel.deleteAddress(v4('192.0.2.1'));
    await h.settle();
    expect(h.monitor.addresses()).toEqual([]);
    expect(h.monitor.stats).toEqual({ overruns: 0, breakages: 1, resyncs: 1 });
    expect(h.monitorSocket()).not.toBe(socket);
  });

  it('an undecodable notification is treated like a loss', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const h = await startMonitor(kernel);
    h.monitorSocket().enqueue(Uint8Array.of(1, 2, 3), false);
    kernel.putAddress(v4('192.0.2.7'));
    await h.settle();
    expect(h.monitor.addresses().map((a) => a.address)).toEqual(['192.0.2.7']);
    expect(h.monitor.stats.breakages).toBe(1);
  });

  it('retries a failed resynchronisation after the retry delay and reports the failure', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const timers = new ManualTimers();
    const client = RtnlClient.open({ open: kernel.opener(), timers, dumpRetries: 0 });
    const h = await startMonitor(kernel, { client });
    kernel.interruptDumps = 1;
    h.monitorSocket().breakWith(rtnlError('RTNL_SOCKET_BROKEN', 'gone'));
    kernel.putAddress(v4('192.0.2.5'));
    await h.settle();
    expect(h.errors.map((e) => e.code)).toEqual(['RTNL_DUMP_FAILED']);
    expect(h.monitor.addresses()).toEqual([]);
    h.timers.advance(1_000);
    await h.settle();
    expect(h.monitor.addresses().map((a) => a.address)).toEqual(['192.0.2.5']);
    client.close();
  });

  it('fails start() when the first load fails', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.interruptDumps = 100;
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers(), dumpRetries: 1 });
    await expect(AddressMonitor.start({ open: kernel.opener(), client, timers: new ManualTimers() })).rejects.toMatchObject({ code: 'RTNL_DUMP_FAILED' });
    expect(kernel.subscribers(RTNLGRP_IPV4_IFADDR)).toEqual([]);
    client.close();
  });

  it('a listener that throws is logged and does not stop the others', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const h = await startMonitor(kernel);
    h.monitor.onChange(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    h.monitor.onChange((c) => seen.push(c.address.address));
    kernel.putAddress(v4('192.0.2.8'));
    await h.settle();
    expect(seen).toEqual(['192.0.2.8']);
    expect(h.logged).toContain('error Netlink: a address change listener threw');
  });

  it('stop() closes both sockets and ends the events', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const h = await startMonitor(kernel);
    h.monitor.stop();
    kernel.putAddress(v4('192.0.2.9'));
    await h.settle();
    expect(h.changes).toEqual([]);
    expect(kernel.openSockets()).toEqual([]);
  });
});
