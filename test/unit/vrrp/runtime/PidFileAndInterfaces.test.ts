import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AddressMonitor } from '../../../../src/netlink/rtnl/AddressMonitor.js';
import type { LinkMonitor } from '../../../../src/netlink/rtnl/LinkMonitor.js';
import type { LinkState } from '../../../../src/netlink/rtnl/LinkState.js';
import { IFF_LOWER_UP, IFF_RUNNING, IFF_UP } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { MonitoredInterfaces } from '../../../../src/vrrp/runtime/MonitoredInterfaces.js';
import { PidFile } from '../../../../src/vrrp/runtime/PidFile.js';

describe('PidFile', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'vigil-pidfile-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes "pid\\n", creating the directory, and removes it on release only while it names us', () => {
    const path = join(dir(), 'run', 'vigil', 'vigil.pid');
    const held = PidFile.acquire(path, 4242, () => false);
    expect(held.ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('4242\n');
    if (held.ok) held.pidFile.release();
    expect(existsSync(path)).toBe(false);

    const again = PidFile.acquire(path, 4242, () => false);
    writeFileSync(path, '777\n'); // someone else took it over meanwhile
    if (again.ok) again.pidFile.release();
    expect(readFileSync(path, 'utf8')).toBe('777\n');
  });

  it('refuses a file naming a live process and overwrites a stale one', () => {
    const path = join(dir(), 'vrrp.pid');
    writeFileSync(path, '999\n');
    const busy = PidFile.acquire(path, 4242, (pid) => pid === 999);
    expect(busy.ok).toBe(false);
    if (!busy.ok) expect(busy.error.code).toBe('VRRP_PIDFILE_IN_USE');
    const stale = PidFile.acquire(path, 4242, () => false);
    expect(stale.ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('4242\n');
  });

  it('reports a pid file it cannot write', () => {
    const blocker = join(dir(), 'file');
    writeFileSync(blocker, '');
    const r = PidFile.acquire(join(blocker, 'x.pid'), 1, () => false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('VRRP_PIDFILE_WRITE_FAILED');
  });
});

describe('MonitoredInterfaces', () => {
  const link = (name: string, ifindex: number, flags: number): LinkState => ({ ifindex, name, flags, operState: 6, mtu: 1500, hardwareAddress: '02:00:00:00:00:01' });
  const links = new Map([
    ['eth0', link('eth0', 2, IFF_UP | IFF_RUNNING | IFF_LOWER_UP)],
    ['eth1', link('eth1', 3, IFF_UP)],
  ]);
  const linkMonitor = {
    linkNamed: (n: string) => links.get(n),
    indexOf: (n: string) => links.get(n)?.ifindex,
    nameOf: (i: number) => [...links.values()].find((l) => l.ifindex === i)?.name,
  } as unknown as LinkMonitor;
  const addressMonitor = { onInterface: () => [], addresses: () => [] } as unknown as AddressMonitor;

  it('calls a link usable only with IFF_UP and IFF_RUNNING, and reads IPv6 forwarding from the sysctl', () => {
    const read: string[] = [];
    const view = new MonitoredInterfaces(linkMonitor, addressMonitor, (path) => {
      read.push(path);
      return path.includes('/eth0/') ? '1\n' : '0\n';
    });
    expect(view.isUsable('eth0')).toBe(true);
    expect(view.isUsable('eth1')).toBe(false);
    expect(view.isUsable('eth9')).toBe(false);
    expect(view.hardwareAddress('eth0')).toBe('02:00:00:00:00:01');
    expect(view.indexOf('eth1')).toBe(3);
    expect(view.ipv6Forwarding('eth0')).toBe(true);
    expect(view.ipv6Forwarding('eth1')).toBe(false);
    expect(read).toEqual(['/proc/sys/net/ipv6/conf/eth0/forwarding', '/proc/sys/net/ipv6/conf/eth1/forwarding']);
  });
});
