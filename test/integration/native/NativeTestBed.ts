import { runCommand, Topology, type TopologySpec } from '../../support/netns/index.js';
import { inNetworkNamespace, interfaceIndexOf } from '../../../src/vrrp/io/NetworkNamespaceScope.js';
import { loadVigilNet, type VigilNetBinding } from '../../../src/vrrp/io/VigilNetBinding.js';
import { ensureVigilNetBuilt } from './NativeAddonBuild.js';

export type HostName = 'a' | 'b';

/**
 * Two hosts on one segment. Host a carries the identity of keepalived's dir1 in the
 * shared capture test bed (MAC 02:00:00:00:00:01, so link-local fe80::ff:fe00:1, and
 * 192.0.2.1), so its frames can be replayed byte for byte.
 */
export const TWO_HOSTS: TopologySpec = {
  segments: ['lan'],
  hosts: [
    { name: 'a', links: [{ segment: 'lan', ipv4: ['192.0.2.1/24'], ipv6: ['2001:db8::1/64'], mac: '02:00:00:00:00:01' }] },
    { name: 'b', links: [{ segment: 'lan', ipv4: ['192.0.2.2/24'], ipv6: ['2001:db8::2/64'], mac: '02:00:00:00:00:02' }] },
  ],
};

export const MAC: Record<HostName, string> = { a: '02:00:00:00:00:01', b: '02:00:00:00:00:02' };
export const IPV4: Record<HostName, string> = { a: '192.0.2.1', b: '192.0.2.2' };
export const IPV6: Record<HostName, string> = { a: '2001:db8::1', b: '2001:db8::2' };
/** EUI-64 link-local addresses of those MACs (RFC 4291 Appendix A). */
export const LINK_LOCAL: Record<HostName, string> = { a: 'fe80::ff:fe00:1', b: 'fe80::ff:fe00:2' };
export const IFNAME = 'eth0';

export class NativeTestBed {
  private constructor(
    readonly topology: Topology,
    readonly binding: VigilNetBinding,
  ) {}

  static async create(): Promise<NativeTestBed> {
    const binding = loadVigilNet(ensureVigilNetBuilt());
    return new NativeTestBed(await Topology.create(TWO_HOSTS), binding);
  }

  netns(host: HostName): string {
    return this.topology.namespaceOf(host);
  }

  ifindex(host: HostName): number {
    return inNetworkNamespace(this.binding, this.netns(host), () => interfaceIndexOf(this.binding, IFNAME));
  }

  /** The link-layer address `host` has cached for `address`, if any (`ip neigh`). */
  async neighbourMac(host: HostName, address: string): Promise<string | undefined> {
    const r = await this.ip(host, ['-j', 'neigh', 'show', address, 'dev', IFNAME]);
    const entries = JSON.parse(r || '[]') as { lladdr?: string }[];
    return entries[0]?.lladdr;
  }

  /** Seeds a STALE neighbour entry, as if `address` had been heard from `mac` earlier. */
  async seedNeighbour(host: HostName, address: string, mac: string): Promise<void> {
    await this.ip(host, ['neigh', 'replace', address, 'lladdr', mac, 'dev', IFNAME, 'nud', 'stale']);
  }

  /** Multicast groups of eth0 in `host` (`ip maddr`), e.g. to see ff02::12 joined. */
  async multicastGroups(host: HostName): Promise<string> {
    return this.ip(host, ['maddr', 'show', 'dev', IFNAME]);
  }

  async ip(host: HostName, args: readonly string[]): Promise<string> {
    const r = await runCommand(['ip', '-n', this.netns(host), ...args], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${host} failed: ${r.stderr}`);
    return r.stdout;
  }

  destroy(): Promise<void> {
    return this.topology.destroy();
  }
}
