import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressChange, AddressMonitor, LinkChange, LinkMonitor, RtnlClient, VipInstaller } from '../../../src/netlink/rtnl/index.js';
import { hasNetnsSupport, waitFor } from '../../support/netns/index.js';
import { RtnlTestBed } from './RtnlTestBed.js';

const support = await hasNetnsSupport();
const WAIT = { timeoutMs: 10_000, intervalMs: 20 };

describe.skipIf(!support.ok)('LinkMonitor and AddressMonitor in a network namespace (real kernel)', () => {
  let bed: RtnlTestBed;
  let client: RtnlClient;
  let installer: VipInstaller;
  let links: LinkMonitor;
  let addresses: AddressMonitor;
  const linkChanges: LinkChange[] = [];
  const addressChanges: AddressChange[] = [];

  beforeAll(async () => {
    bed = await RtnlTestBed.create();
    const open = bed.opener();
    links = await bed.rtnl.LinkMonitor.start({ open, log: bed.log });
    addresses = await bed.rtnl.AddressMonitor.start({ open, log: bed.log });
    links.onChange((c) => linkChanges.push(c));
    addresses.onChange((c) => addressChanges.push(c));
    client = bed.rtnl.RtnlClient.open({ open, log: bed.log });
    installer = new bed.rtnl.VipInstaller(client, links);
  });

  afterAll(async () => {
    links?.stop();
    addresses?.stop();
    client?.close();
    await bed?.destroy();
  });

  it('loads the namespace’s links and addresses as `ip` shows them', async () => {
    expect(links.links().map((l) => l.name).sort()).toEqual(['eth0', 'lo']);
    const eth0 = links.linkNamed('eth0')!;
    expect(bed.rtnl.isLinkUsable(eth0)).toBe(true);
    expect(bed.rtnl.operStateName(eth0.operState)).toBe('UP');
    const mirrored = addresses.addresses().map((a) => `${a.ifindex}|${a.address}/${a.prefixLength}`).sort();
    expect(mirrored).toEqual(await bed.addressKeys());
  });

  it('sees the cable pulled (wentDown, the VRRP FAULT trigger) and plugged back in (cameUp)', async () => {
    const ifindex = links.indexOf('eth0')!;
    linkChanges.length = 0;
    await bed.topology.linkDown('a', 'eth0');
    await waitFor(() => linkChanges.some((c) => c.kind === 'changed' && c.link.ifindex === ifindex && c.wentDown), {
      ...WAIT,
      description: 'eth0 wentDown',
    });
    const down = links.link(ifindex)!;
    expect(bed.rtnl.hasCarrier(down)).toBe(false);
    expect(bed.rtnl.isAdminUp(down)).toBe(true);
    await bed.topology.linkUp('a', 'eth0');
    await waitFor(() => linkChanges.some((c) => c.kind === 'changed' && c.link.ifindex === ifindex && c.cameUp), { ...WAIT, description: 'eth0 cameUp' });
    expect(bed.rtnl.isLinkUsable(links.link(ifindex)!)).toBe(true);
    expect(linkChanges.every((c) => c.cause === 'notification')).toBe(true);
  });

  it('sees `ip addr del` of a VIP as a removal by someone else, and the VIP can be put back', async () => {
    const vip = { address: '198.51.100.77', prefixLength: 24, interface: 'eth0', label: 'eth0:vip', broadcast: '+' } as const;
    addressChanges.length = 0;
    expect((await installer.add([vip]))[0]?.status).toBe('added');
    await waitFor(() => addressChanges.some((c) => c.kind === 'added' && c.address.address === vip.address), { ...WAIT, description: 'VIP added event' });
    expect(addressChanges.find((c) => c.address.address === vip.address)).toMatchObject({
      kind: 'added',
      cause: 'notification',
      originPortId: installer.portId,
      address: { label: 'eth0:vip', broadcast: '198.51.100.255', prefixLength: 24 },
    });

    await bed.ip(['addr', 'del', '198.51.100.77/24', 'dev', 'eth0']);
    await waitFor(() => addressChanges.some((c) => c.kind === 'removed' && c.address.address === vip.address), { ...WAIT, description: 'VIP removed event' });
    const removal = addressChanges.find((c) => c.kind === 'removed' && c.address.address === vip.address)!;
    expect(removal.originPortId).not.toBeNull();
    expect(installer.caused(removal)).toBe(false);
    expect(installer.caused(addressChanges.find((c) => c.kind === 'added' && c.address.address === vip.address)!)).toBe(true);

    // What the VRRP engine does as master: put it back.
    expect((await installer.add([vip]))[0]?.status).toBe('added');
    const back = (await bed.addresses('eth0')).find((a) => a.local === vip.address);
    expect(back).toMatchObject({ prefixlen: 24, label: 'eth0:vip', broadcast: '198.51.100.255' });
    await installer.remove([vip]);
  });

  it('an IPv6 VIP vanishes with the link going administratively down, and the kernel (port 0) says so', async () => {
    await installer.add([{ address: '2001:db8:3::1', prefixLength: 64, interface: 'eth0' }]);
    await waitFor(() => addresses.addresses().some((a) => a.address === '2001:db8:3::1'), { ...WAIT, description: 'IPv6 VIP mirrored' });
    addressChanges.length = 0;
    linkChanges.length = 0;
    await bed.ip(['link', 'set', 'eth0', 'down']);
    await waitFor(() => addressChanges.some((c) => c.kind === 'removed' && c.address.address === '2001:db8:3::1'), { ...WAIT, description: 'IPv6 VIP removal' });
    expect(addressChanges.find((c) => c.address.address === '2001:db8:3::1')?.originPortId).toBe(0);
    await waitFor(() => linkChanges.some((c) => c.kind === 'changed' && c.wentDown), { ...WAIT, description: 'admin down' });
    expect(bed.rtnl.isAdminUp(links.linkNamed('eth0')!)).toBe(false);
    await bed.ip(['link', 'set', 'eth0', 'up']);
    await waitFor(() => bed.rtnl.isLinkUsable(links.linkNamed('eth0')!), { ...WAIT, description: 'eth0 usable again' });
  });

  it('lost nothing along the way', () => {
    expect(links.stats).toEqual({ overruns: 0, breakages: 0, resyncs: 0 });
    expect(addresses.stats).toEqual({ overruns: 0, breakages: 0, resyncs: 0 });
  });
});
