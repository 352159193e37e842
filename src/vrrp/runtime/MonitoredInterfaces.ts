import { readFileSync } from 'node:fs';
import type { AddressMonitor } from '../../netlink/rtnl/AddressMonitor.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import type { LinkMonitor } from '../../netlink/rtnl/LinkMonitor.js';
import { isLinkUsable } from '../../netlink/rtnl/LinkState.js';
import type { InterfaceView } from './InterfaceView.js';

/** Reads a sysctl file; injected so the IPv6 forwarding lookup can be tested without /proc. */
export type SysctlReader = (path: string) => string | undefined;

const readProc: SysctlReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** `InterfaceView` over the rtnetlink link and address monitors of this namespace. */
export class MonitoredInterfaces implements InterfaceView {
  constructor(
    private readonly links: LinkMonitor,
    private readonly addresses: AddressMonitor,
    private readonly readSysctl: SysctlReader = readProc,
  ) {}

  indexOf(name: string): number | undefined {
    return this.links.indexOf(name);
  }

  nameOf(ifindex: number): string | undefined {
    return this.links.nameOf(ifindex);
  }

  isUsable(name: string): boolean {
    const link = this.links.linkNamed(name);
    return link !== undefined && isLinkUsable(link);
  }

  hardwareAddress(name: string): string | undefined {
    return this.links.linkNamed(name)?.hardwareAddress ?? undefined;
  }

  addressesOf(ifindex: number): readonly InterfaceAddress[] {
    return this.addresses.onInterface(ifindex);
  }

  allAddresses(): readonly InterfaceAddress[] {
    return this.addresses.addresses();
  }

  ipv6Forwarding(name: string): boolean {
    // The interface name comes from the kernel's own link table, so it names a real directory.
    return this.readSysctl(`/proc/sys/net/ipv6/conf/${name}/forwarding`)?.trim() === '1';
  }
}
