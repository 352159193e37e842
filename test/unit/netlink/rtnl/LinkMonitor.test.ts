import { afterEach, describe, expect, it } from 'vitest';
import { isLinkUsable } from '../../../../src/netlink/rtnl/LinkState.js';
import { LinkMonitor } from '../../../../src/netlink/rtnl/LinkMonitor.js';
import type { LinkChange } from '../../../../src/netlink/rtnl/LinkTable.js';
import { RTNLGRP_LINK } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { RtnlClient } from '../../../../src/netlink/rtnl/RtnlClient.js';
import { VipInstaller } from '../../../../src/netlink/rtnl/VipInstaller.js';
import { FakeRtnlKernel } from './support/FakeRtnlKernel.js';
import { noCarrier, upLink, withStandardLinks } from './support/FakeLinks.js';
import { ManualTimers } from './support/ManualTimers.js';

const running: LinkMonitor[] = [];
afterEach(() => {
  for (const m of running.splice(0)) m.stop();
});

async function startMonitor(kernel: FakeRtnlKernel) {
  const monitor = await LinkMonitor.start({ open: kernel.opener(), timers: new ManualTimers() });
  running.push(monitor);
  const changes: LinkChange[] = [];
  monitor.onChange((c) => changes.push(c));
  const settle = async (): Promise<void> => {
    await kernel.flush();
    await kernel.flush();
  };
  return { monitor, changes, settle };
}

const summary = (c: LinkChange): string =>
  c.kind === 'changed' ? `${c.link.name} ${c.wentDown ? 'down' : c.cameUp ? 'up' : 'changed'} (${c.cause})` : `${c.link.name} ${c.kind} (${c.cause})`;

describe('LinkMonitor', () => {
  it('loads every link with its state and answers name/index lookups', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const { monitor, changes } = await startMonitor(kernel);
    expect(monitor.links().map((l) => l.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(monitor.indexOf('eth1')).toBe(3);
    expect(monitor.nameOf(2)).toBe('eth0');
    expect(monitor.linkNamed('eth0')?.mtu).toBe(1500);
    expect(isLinkUsable(monitor.link(2)!)).toBe(true);
    expect(changes).toEqual([]);
  });

  it('reports a lost carrier as wentDown and its return as cameUp', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const { monitor, changes, settle } = await startMonitor(kernel);
    kernel.putLink(noCarrier(upLink(2, 'eth0')));
    await settle();
    expect(isLinkUsable(monitor.link(2)!)).toBe(false);
    kernel.putLink(upLink(2, 'eth0'));
    await settle();
    expect(changes.map(summary)).toEqual(['eth0 down (notification)', 'eth0 up (notification)']);
  });

  it('ignores RTM_NEWLINK messages that change nothing it tracks', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const { changes, settle } = await startMonitor(kernel);
    for (let i = 0; i < 5; i++) kernel.putLink(upLink(2, 'eth0'));
    await settle();
    expect(changes).toEqual([]);
  });

  it('reports links that appear and disappear', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const { monitor, changes, settle } = await startMonitor(kernel);
    kernel.putLink(upLink(9, 'vrrp.51'));
    kernel.deleteLink(3);
    await settle();
    expect(changes.map(summary)).toEqual(['vrrp.51 added (notification)', 'eth1 removed (notification)']);
    expect(monitor.indexOf('eth1')).toBeUndefined();
  });

  it('after an overrun, the resync reports the link that went down while notifications were lost', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    kernel.defaultCapacity = 3;
    const { monitor, changes, settle } = await startMonitor(kernel);
    const [socket] = kernel.subscribers(RTNLGRP_LINK);
    socket!.paused = true;
    for (let i = 0; i < 10; i++) kernel.putLink({ ...upLink(3, 'eth1'), mtu: 1400 + i });
    kernel.putLink(noCarrier(upLink(2, 'eth0')));
    socket!.resume();
    await settle();
    expect(monitor.stats).toEqual({ overruns: 1, breakages: 0, resyncs: 1 });
    expect(changes.map(summary).sort()).toEqual(['eth0 down (resync)', 'eth1 changed (resync)']);
    expect(monitor.linkNamed('eth1')?.mtu).toBe(1409);
  });

  it('serves as the interface directory of a VipInstaller', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const { monitor } = await startMonitor(kernel);
    const client = RtnlClient.open({ open: kernel.opener(), timers: new ManualTimers() });
    const installer = new VipInstaller(client, monitor);
    const [outcome] = await installer.add([{ address: '203.0.113.10', interface: 'eth1', label: 'eth1:vip' }]);
    expect(outcome?.status).toBe('added');
    expect(kernel.addressList()[0]).toMatchObject({ ifindex: 3, label: 'eth1:vip' });
    client.close();
  });
});

describe('LinkMonitor and the event loop', () => {
  it('keeps the event loop alive through its monitor socket only when asked', async () => {
    const kernel = withStandardLinks(new FakeRtnlKernel());
    const quiet = await LinkMonitor.start({ open: kernel.opener(), timers: new ManualTimers() });
    const alive = await LinkMonitor.start({ open: kernel.opener(), timers: new ManualTimers(), keepEventLoopAlive: true });
    running.push(quiet, alive);
    expect(kernel.subscribers(RTNLGRP_LINK).map((s) => s.keptAlive)).toEqual([false, true]);
  });
});
