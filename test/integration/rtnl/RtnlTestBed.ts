import * as Rtnl from '../../../src/netlink/rtnl/index.js';
import { inNetworkNamespace } from '../../../src/vrrp/io/NetworkNamespaceScope.js';
import { loadVigilNet, type VigilNetBinding } from '../../../src/vrrp/io/VigilNetBinding.js';
import { runCommand, Topology, type TopologySpec } from '../../support/netns/index.js';
import { ensureVigilNetBuilt } from '../native/NativeAddonBuild.js';
import { ensureNetlinkPatched } from './NetlinkPatchBuild.js';

/** One host, eth0 on a LAN segment; its bridge port lets tests pull the cable. */
const ONE_HOST: TopologySpec = {
  segments: ['lan'],
  hosts: [{ name: 'a', links: [{ segment: 'lan', ipv4: ['192.0.2.1/24'], ipv6: ['2001:db8::1/64'] }] }],
};

/** One address as `ip -j addr` prints it. */
export interface IpAddrInfo {
  readonly family: 'inet' | 'inet6';
  readonly local: string;
  readonly prefixlen: number;
  readonly broadcast?: string;
  readonly scope: string;
  readonly label?: string;
  readonly tentative?: boolean;
  readonly nodad?: boolean;
  readonly noprefixroute?: boolean;
}

export interface CollectedLog {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/**
 * A namespace to run rtnl code in, from this very process: sockets are opened inside
 * the namespace with setns (the vigil_net addon) and stay there. The root namespace is
 * never touched.
 */
export class RtnlTestBed {
  readonly logs: CollectedLog[] = [];
  readonly log: Rtnl.RtnlLog;

  private constructor(
    readonly topology: Topology,
    readonly binding: VigilNetBinding,
    readonly rtnl: typeof Rtnl,
  ) {
    const collect =
      (level: string) =>
      (fields: Record<string, unknown>, message: string): void => {
        this.logs.push({ level, message, fields });
      };
    this.log = { debug: collect('debug'), info: collect('info'), warn: collect('warn'), error: collect('error') };
  }

  static async create(): Promise<RtnlTestBed> {
    ensureNetlinkPatched();
    const binding = loadVigilNet(ensureVigilNetBuilt());
    // The netlink package loads its addon on the first socket, so patching first is enough.
    if (!Rtnl.isNetlinkAddonPatched()) throw new Error(`netlink addon not patched (found ${String(Rtnl.netlinkAddonPatchLevel())})`);
    return new RtnlTestBed(await Topology.create(ONE_HOST), binding, Rtnl);
  }

  get netns(): string {
    return this.topology.namespaceOf('a');
  }

  /** Opens NETLINK_ROUTE sockets inside the host's namespace. */
  opener(): Rtnl.RtnlTransportOpener {
    return this.rtnl.netlinkPackageTransport({ enterNamespace: (open) => inNetworkNamespace(this.binding, this.netns, open), log: this.log });
  }

  async ip(args: readonly string[], input?: string): Promise<string> {
    const r = await runCommand(['ip', '-n', this.netns, ...args], { timeoutMs: 60_000, ...(input !== undefined && { input }) });
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  async sysctl(...assignments: string[]): Promise<void> {
    const r = await this.topology.exec('a', ['sysctl', '-q', '-w', ...assignments]);
    if (r.code !== 0) throw new Error(`sysctl ${assignments.join(' ')} failed: ${r.stderr}`);
  }

  /** `ip -j addr show dev DEV`: every address of one interface. */
  async addresses(dev: string): Promise<IpAddrInfo[]> {
    const parsed = JSON.parse(await this.ip(['-j', 'addr', 'show', 'dev', dev])) as { addr_info?: IpAddrInfo[] }[];
    return parsed.flatMap((l) => l.addr_info ?? []);
  }

  /** Every address of the namespace as `ifindex|address/prefix`, sorted. */
  async addressKeys(): Promise<string[]> {
    const parsed = JSON.parse(await this.ip(['-j', 'addr'])) as { ifindex: number; addr_info?: IpAddrInfo[] }[];
    return parsed.flatMap((l) => (l.addr_info ?? []).map((a) => `${l.ifindex}|${a.local}/${a.prefixlen}`)).sort();
  }

  destroy(): Promise<void> {
    return this.topology.destroy();
  }
}
