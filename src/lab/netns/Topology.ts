import { VigilError } from '../../core/VigilError.js';
import { killGroup, runChecked, runCommand, type CommandResult } from './CommandRunner.js';
import { registerForExitCleanup, unregisterFromExitCleanup, type ExitCleanupTarget } from './ExitCleanup.js';
import { bridgeNamespaceName, hostNamespaceName, newTopologyTag } from './NamespaceName.js';
import { tearDownNamespaces, tearDownNamespacesSync } from './NamespaceTeardown.js';
import { NetnsProcess, type SpawnOptions } from './NetnsProcess.js';
import { sweepStaleNamespaces } from './StaleNamespaceSweeper.js';
import { planTopology, type PlannedHost, type PlannedLink, type TopologyPlan, type TopologySpec } from './TopologySpec.js';
import { waitFor } from './waitFor.js';

export interface CreateOptions {
  /** Remove leftovers of dead runs first (default true). */
  sweepStale?: boolean;
  /** Bound on waiting for every link to come up after setup (default 10 s). */
  readyTimeoutMs?: number;
  /**
   * Clean up on SIGINT/SIGTERM/SIGHUP (default true). False for a program that handles those
   * signals itself and calls `destroy()`; process exit is still covered either way.
   */
  cleanupOnSignals?: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
  cwd?: string;
  /** Added to (and overriding) this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** Port states of a bridge port (include/uapi/linux/if_bridge.h, BR_STATE_*). */
const BR_STATE_DISABLED = 0;
const BR_STATE_FORWARDING = 3;

const SETUP_TIMEOUT_MS = 20_000;
const LINK_WAIT_MS = 5_000;

interface LinkJson {
  operstate?: string;
  addr_info?: { family?: string; scope?: string; tentative?: boolean; dadfailed?: boolean }[];
}

/**
 * A set of network namespaces wired like a small LAN:
 * - one bridge namespace holding a Linux bridge per segment;
 * - one namespace per host, each leg a veth pair whose host end (`eth0`, ...) lives in the
 *   host namespace and whose other end is a port of the segment's bridge.
 * Both ends of every veth are created inside those namespaces (`ip -n BR link add ...
 * peer ... netns HOST`), so the root namespace never sees a single interface.
 *
 * Processes started with `spawn` lead their own process group and are killed, group and
 * all, by `destroy()`, which also kills anything else still inside the namespaces and
 * deletes them. `destroy()` is idempotent; an exit handler and the stale-namespace sweeper
 * cover tests that never get to call it.
 */
export class Topology implements ExitCleanupTarget {
  /** `vgl-<pid>-<tag>`: the prefix of all this topology's namespace names. */
  readonly id: string;
  readonly bridgeNamespace: string;
  readonly plan: TopologyPlan;
  private readonly hostNamespaces = new Map<string, string>();
  private readonly processes = new Set<NetnsProcess>();
  private teardown: Promise<void> | undefined;

  private constructor(plan: TopologyPlan) {
    const tag = newTopologyTag();
    this.plan = plan;
    this.id = `vgl-${process.pid}-${tag}`;
    this.bridgeNamespace = bridgeNamespaceName(process.pid, tag);
    for (const h of plan.hosts) this.hostNamespaces.set(h.name, hostNamespaceName(process.pid, tag, h.name));
  }

  /**
   * Builds the namespaces, bridges, veths, addresses and routes, and resolves once every
   * link is up (IPv6 link-local addresses included). On failure whatever was built is
   * removed again before the error is rethrown.
   */
  static async create(spec: TopologySpec, opts: CreateOptions = {}): Promise<Topology> {
    const plan = planTopology(spec);
    if (opts.sweepStale ?? true) await sweepStaleNamespaces();
    const topo = new Topology(plan);
    registerForExitCleanup(topo, { cleanupOnSignals: opts.cleanupOnSignals ?? true });
    try {
      await topo.build(opts.readyTimeoutMs ?? 10_000);
    } catch (e) {
      await topo.destroy().catch(() => undefined);
      throw e;
    }
    return topo;
  }

  get hostNames(): string[] {
    return this.plan.hosts.map((h) => h.name);
  }

  /** Every namespace of this topology, bridge namespace first. */
  get namespaces(): string[] {
    return [this.bridgeNamespace, ...this.hostNamespaces.values()];
  }

  get destroyed(): boolean {
    return this.teardown !== undefined;
  }

  namespaceOf(host: string): string {
    const ns = this.hostNamespaces.get(host);
    if (ns === undefined) throw new VigilError('NETNS_UNKNOWN_HOST', `no host "${host}" in topology ${this.id}`, { host });
    return ns;
  }

  /** The planned link `ifname` of `host` (its segment, bridge port, addresses, MAC). */
  link(host: string, ifname: string): PlannedLink {
    const l = this.hostPlan(host).links.find((x) => x.ifname === ifname);
    if (l === undefined) throw new VigilError('NETNS_UNKNOWN_LINK', `host "${host}" has no link ${ifname}`, { host, ifname });
    return l;
  }

  /** The bridge (inside the bridge namespace) that carries `segment`. */
  bridgeOf(segment: string): string {
    const s = this.plan.segments.find((x) => x.name === segment);
    if (s === undefined) throw new VigilError('NETNS_UNKNOWN_SEGMENT', `no segment "${segment}" in topology ${this.id}`, { segment });
    return s.bridge;
  }

  /** Runs `argv` to completion inside `host`'s namespace. */
  exec(host: string, argv: readonly string[], opts: ExecOptions = {}): Promise<CommandResult> {
    return this.execIn(this.namespaceOf(host), argv, opts);
  }

  /** Runs `argv` to completion inside the bridge namespace (e.g. `bridge fdb`). */
  execInBridge(argv: readonly string[], opts: ExecOptions = {}): Promise<CommandResult> {
    return this.execIn(this.bridgeNamespace, argv, opts);
  }

  /** Starts a long-running `argv` inside `host`'s namespace; `destroy()` stops it. */
  spawn(host: string, argv: readonly string[], opts: SpawnOptions = {}): NetnsProcess {
    return this.spawnIn(this.namespaceOf(host), argv, opts);
  }

  /** Starts a long-running `argv` inside the bridge namespace (e.g. a capture). */
  spawnInBridge(argv: readonly string[], opts: SpawnOptions = {}): NetnsProcess {
    return this.spawnIn(this.bridgeNamespace, argv, opts);
  }

  /**
   * Pulls the cable: the bridge end of the veth goes down, so the host's interface loses
   * carrier (NO-CARRIER; operstate DOWN, or LOWERLAYERDOWN on 6.1) but stays
   * administratively up and keeps its addresses and routes, like a real NIC whose link
   * partner went away.
   */
  async linkDown(host: string, ifname: string): Promise<void> {
    const l = this.link(host, ifname);
    await this.ip(this.bridgeNamespace, ['link', 'set', l.bridgePort, 'down']);
    await waitFor(async () => (await this.operState(host, ifname)) !== 'UP', {
      timeoutMs: LINK_WAIT_MS,
      description: `${host} ${ifname} to lose carrier`,
    });
  }

  /** Plugs the cable back in and waits until the host's interface is UP again. */
  async linkUp(host: string, ifname: string): Promise<void> {
    const l = this.link(host, ifname);
    await this.ip(this.bridgeNamespace, ['link', 'set', l.bridgePort, 'up']);
    await this.waitLinkReady(this.hostPlan(host), l, LINK_WAIT_MS);
  }

  /**
   * A silent split: the bridge port stops forwarding (BR_STATE_DISABLED) while both ends
   * keep carrier, so the host notices nothing but hears nobody. Allowed because the
   * bridges run without STP.
   */
  async partition(host: string, ifname: string): Promise<void> {
    await this.setPortState(this.link(host, ifname).bridgePort, BR_STATE_DISABLED);
  }

  /** Ends a `partition`: the bridge port forwards again. */
  async heal(host: string, ifname: string): Promise<void> {
    await this.setPortState(this.link(host, ifname).bridgePort, BR_STATE_FORWARDING);
  }

  /** The kernel's operstate (RFC 2863 ifOperStatus) of a host interface: `UP`, `DOWN`, ... */
  async operState(host: string, ifname: string): Promise<string> {
    const j = await this.linkJson(this.namespaceOf(host), ['link', 'show', 'dev', ifname]);
    return j.operstate ?? 'UNKNOWN';
  }

  /**
   * Stops every spawned process group (SIGTERM, then SIGKILL), kills whatever else still
   * runs inside the namespaces, and deletes them. Calling it again returns the same
   * promise. Rejects with `NETNS_TEARDOWN_FAILED` if something could not be removed.
   */
  destroy(): Promise<void> {
    this.teardown ??= this.tearDown();
    return this.teardown;
  }

  /** Exit-handler path: no waiting, SIGKILL everything, delete the names. */
  cleanupSync(): void {
    for (const p of this.processes) killGroup(p.pid, 'SIGKILL');
    tearDownNamespacesSync(this.namespaces);
  }

  private async tearDown(): Promise<void> {
    const problems: string[] = [];
    await Promise.all(
      [...this.processes].map((p) => p.stop().catch((e: unknown) => problems.push(`process ${p.pid}: ${String(e)}`))),
    );
    try {
      await tearDownNamespaces(this.namespaces);
    } catch (e) {
      problems.push(String(e));
    }
    if (problems.length > 0) {
      throw new VigilError('NETNS_TEARDOWN_FAILED', `topology ${this.id} not fully removed: ${problems.join('; ')}`, { problems });
    }
    unregisterFromExitCleanup(this);
  }

  private hostPlan(host: string): PlannedHost {
    const h = this.plan.hosts.find((x) => x.name === host);
    if (h === undefined) throw new VigilError('NETNS_UNKNOWN_HOST', `no host "${host}" in topology ${this.id}`, { host });
    return h;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new VigilError('NETNS_DESTROYED', `topology ${this.id} has been destroyed`);
  }

  private execIn(ns: string, argv: readonly string[], opts: ExecOptions): Promise<CommandResult> {
    this.assertAlive();
    return runCommand(['ip', 'netns', 'exec', ns, ...argv], {
      timeoutMs: opts.timeoutMs,
      input: opts.input,
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
    });
  }

  private spawnIn(ns: string, argv: readonly string[], opts: SpawnOptions): NetnsProcess {
    this.assertAlive();
    // `ip netns exec` execs the command in place, so the PID (and process group) is the
    // command's own.
    const p = NetnsProcess.start(['ip', 'netns', 'exec', ns, ...argv], { ...opts, env: { ...process.env, ...opts.env } });
    this.processes.add(p);
    return p;
  }

  private async build(readyTimeoutMs: number): Promise<void> {
    await runChecked(['ip', '-batch', '-'], {
      timeoutMs: SETUP_TIMEOUT_MS,
      input: this.namespaces.map((n) => `netns add ${n}\n`).join(''),
    });

    // The bridge namespace forwards frames and nothing else: without IPv6 its ports and
    // bridges send no router solicitations or MLD reports into the segments' captures.
    const sysctls: Promise<unknown>[] = [
      this.sysctl(this.bridgeNamespace, ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']),
    ];
    for (const h of this.plan.hosts) {
      // Set on `default` before the veth end arrives, so the interface inherits it: no
      // duplicate address detection, addresses (link-local too) are usable at once.
      const keys = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
      if (h.forwarding) keys.push('net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
      sysctls.push(this.sysctl(this.namespaceOf(h.name), keys));
    }
    await Promise.all(sysctls);

    const bridgeCmds = ['link set lo up'];
    for (const s of this.plan.segments) {
      // No STP: ports forward the moment they are up. No multicast snooping: VRRP adverts
      // (224.0.0.18, ff02::12) reach every port whatever MLD/IGMP state the bridge saw.
      bridgeCmds.push(`link add ${s.bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0`, `link set ${s.bridge} up`);
    }
    for (const h of this.plan.hosts) {
      for (const l of h.links) {
        bridgeCmds.push(
          `link add ${l.bridgePort} type veth peer name ${l.ifname} netns ${this.namespaceOf(h.name)}`,
          `link set ${l.bridgePort} master ${l.bridge}`,
          `link set ${l.bridgePort} up`,
        );
      }
    }
    await this.ipBatch(this.bridgeNamespace, bridgeCmds);

    await Promise.all(this.plan.hosts.map((h) => this.ipBatch(this.namespaceOf(h.name), hostCommands(h))));
    await Promise.all(
      this.plan.hosts.flatMap((h) => h.links.map((l) => this.waitLinkReady(h, l, readyTimeoutMs))),
    );
  }

  /** Operstate UP, bridge port forwarding, and a usable IPv6 link-local address. */
  private async waitLinkReady(h: PlannedHost, l: PlannedLink, timeoutMs: number): Promise<void> {
    const ns = this.namespaceOf(h.name);
    await waitFor(
      async () => {
        const j = await this.linkJson(ns, ['addr', 'show', 'dev', l.ifname]);
        if (j.operstate !== 'UP') return false;
        const ll = (j.addr_info ?? []).find((a) => a.family === 'inet6' && a.scope === 'link');
        if (ll === undefined || ll.tentative === true || ll.dadfailed === true) return false;
        return (await this.portState(l.bridgePort)) === 'forwarding';
      },
      { timeoutMs, intervalMs: 20, description: `${h.name} ${l.ifname} to come up` },
    );
  }

  private async portState(port: string): Promise<string | undefined> {
    const r = await runChecked(['bridge', '-n', this.bridgeNamespace, '-j', 'link', 'show', 'dev', port], { timeoutMs: LINK_WAIT_MS });
    const parsed = JSON.parse(r.stdout) as { state?: string }[];
    return parsed[0]?.state;
  }

  private async setPortState(port: string, state: number): Promise<void> {
    this.assertAlive();
    await runChecked(['bridge', '-n', this.bridgeNamespace, 'link', 'set', 'dev', port, 'state', String(state)], {
      timeoutMs: LINK_WAIT_MS,
    });
  }

  private async linkJson(ns: string, args: readonly string[]): Promise<LinkJson> {
    const r = await runChecked(['ip', '-n', ns, '-j', ...args], { timeoutMs: LINK_WAIT_MS });
    const parsed = JSON.parse(r.stdout) as LinkJson[];
    return parsed[0] ?? {};
  }

  private async ip(ns: string, args: readonly string[]): Promise<void> {
    this.assertAlive();
    await runChecked(['ip', '-n', ns, ...args], { timeoutMs: SETUP_TIMEOUT_MS });
  }

  private async ipBatch(ns: string, lines: readonly string[]): Promise<void> {
    await runChecked(['ip', '-n', ns, '-batch', '-'], { timeoutMs: SETUP_TIMEOUT_MS, input: lines.map((l) => `${l}\n`).join('') });
  }

  private async sysctl(ns: string, assignments: readonly string[]): Promise<void> {
    await runChecked(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...assignments], { timeoutMs: SETUP_TIMEOUT_MS });
  }
}

/** `ip -batch` lines that configure one host: loopback, legs, addresses, routes. */
function hostCommands(h: PlannedHost): string[] {
  const cmds = ['link set lo up'];
  for (const l of h.links) {
    if (l.mac !== undefined) cmds.push(`link set ${l.ifname} address ${l.mac}`);
    cmds.push(`link set ${l.ifname} up`);
    for (const a of l.ipv4) cmds.push(`addr add ${a.cidr} dev ${l.ifname}`);
    for (const a of l.ipv6) cmds.push(`addr add ${a.cidr} dev ${l.ifname} nodad`);
  }
  for (const r of h.routes) {
    const v6 = r.via.includes(':');
    const to = r.to === 'default' ? (v6 ? '::/0' : '0.0.0.0/0') : r.to;
    cmds.push(`route add ${to} via ${r.via}`);
  }
  return cmds;
}
