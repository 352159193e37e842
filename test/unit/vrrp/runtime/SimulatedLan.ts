import type { VigilError } from '../../../../src/core/VigilError.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import type { InterfaceAddress } from '../../../../src/netlink/rtnl/InterfaceAddress.js';
import { describeRouteRequest } from '../../../../src/netlink/rtnl/RouteRequest.js';
import type { RouteEntry, RoutingOutcome } from '../../../../src/netlink/rtnl/RoutingInstaller.js';
import { describeRuleRequest, type RuleRequest } from '../../../../src/netlink/rtnl/RuleRequest.js';
import type { VipOutcome } from '../../../../src/netlink/rtnl/VipInstaller.js';
import type { VipSpec } from '../../../../src/netlink/rtnl/VipSpec.js';
import { AF_INET, AF_INET6, IFA_F_SECONDARY, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { encodeAdvertIpv4Packet, encodeAdvertPayload } from '../../../../src/vrrp/codec/AdvertCodec.js';
import { canonicalIp } from '../../../../src/vrrp/codec/IpAddressBytes.js';
import type { AdvertFields } from '../../../../src/vrrp/codec/VrrpAdvert.js';
import { VirtualClock } from '../../../../src/vrrp/fsm/VirtualClock.js';
import type { NotifyState } from '../../../../src/vrrp/fsm/VrrpState.js';
import type { FrameSender } from '../../../../src/vrrp/io/GarpSender.js';
import type { NotifyScripts } from '../../../../src/vrrp/notify/NotifyCommand.js';
import type {
  AdvertTransport,
  AdvertTransportRequest,
  IncomingAdvertPacket,
  OutgoingAdvert,
} from '../../../../src/vrrp/runtime/AdvertTransport.js';
import type { InterfaceView } from '../../../../src/vrrp/runtime/InterfaceView.js';
import { MANUAL_TIMER_WAKEUP } from '../../../../src/vrrp/runtime/TimerWakeup.js';
import { VrrpEngine, type VrrpEngineOptions } from '../../../../src/vrrp/runtime/VrrpEngine.js';
import type { VrrpLog } from '../../../../src/vrrp/runtime/VrrpLog.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

export interface SentAdvert {
  readonly at: number;
  readonly host: string;
  readonly advert: OutgoingAdvert;
}

export interface NotifyCall {
  readonly at: number;
  readonly owner: string;
  readonly kind: 'instance' | 'group';
  readonly state: NotifyState;
  readonly priority?: number;
}

export interface SimulatedHostSpec {
  readonly name: string;
  /** Last octet / group of the host's addresses: 192.0.2.N, fe80::N, 2001:db8::N. */
  readonly n: number;
  readonly config: VigilConfig;
  readonly options?: VrrpEngineOptions;
  /** Extra interfaces (beyond eth0) the host has, e.g. for track_interface. */
  readonly extraInterfaces?: readonly string[];
  /** Link-local addresses already on extra interfaces at start (an IPv6 vmac's own address). */
  readonly linkLocals?: readonly { readonly ifname: string; readonly address: string }[];
}

/** One simulated director: interfaces, addresses, a virtual clock, fakes for every port. */
export class SimulatedHost implements InterfaceView {
  readonly clock: VirtualClock;
  readonly log: LogLine[] = [];
  readonly frames: { at: number; ifname: string; frame: Buffer }[] = [];
  readonly notifications: NotifyCall[] = [];
  readonly installs: { at: number; op: 'add' | 'remove'; addresses: string[] }[] = [];
  /** Every kernel change in order: `add vips ...`, `remove routes ...`, `add rules ...`. */
  readonly kernelOps: string[] = [];
  /** Routes and rules in the simulated kernel, as `ip route` / `ip rule` would describe them. */
  readonly routesHeld = new Set<string>();
  readonly rulesHeld = new Set<string>();
  readonly transports: SimulatedTransport[] = [];
  engine!: VrrpEngine;
  /** Cut off from the LAN: sends nothing, hears nothing (a crashed or unplugged box). */
  detached = false;
  /** While set, address removals wait for it before taking effect (a slow rtnetlink round trip). */
  removalGate: Promise<void> | undefined;
  /** Tells the engine of each address its installer removed, as the rtnetlink address monitor does. */
  reportRemovals = false;
  /** Makes opening an advert socket on an interface fail (EPERM, ENODEV ...). */
  failTransportOn: ReadonlySet<string> = new Set();
  private readonly links = new Map<string, { ifindex: number; usable: boolean; mac: string }>();
  private readonly addresses: InterfaceAddress[] = [];

  constructor(
    readonly lan: SimulatedLan,
    readonly spec: SimulatedHostSpec,
    startMs: number,
  ) {
    this.clock = new VirtualClock(startMs);
    const names = ['eth0', ...(spec.extraInterfaces ?? [])];
    names.forEach((name, i) => {
      const ifindex = i + 2;
      this.links.set(name, { ifindex, usable: true, mac: `02:00:00:00:${String(i).padStart(2, '0')}:${spec.n.toString(16).padStart(2, '0')}` });
    });
    const eth0 = 2;
    this.addresses.push(address(eth0, AF_INET, `192.0.2.${spec.n}`, 24, RT_SCOPE_UNIVERSE, 0));
    this.addresses.push(address(eth0, AF_INET6, `2001:db8::${spec.n.toString(16)}`, 64, RT_SCOPE_UNIVERSE, 0));
    this.addresses.push(address(eth0, AF_INET6, `fe80::${spec.n.toString(16)}`, 64, RT_SCOPE_LINK, 0));
    for (const ll of spec.linkLocals ?? []) this.addresses.push(address(this.links.get(ll.ifname)?.ifindex ?? -1, AF_INET6, ll.address, 64, RT_SCOPE_LINK, 0));
  }

  get name(): string {
    return this.spec.name;
  }

  create(): { ok: true } | { ok: false; errors: readonly VigilError[] } {
    const log = (level: LogLine['level']) => (fields: Record<string, unknown>, message: string) => {
      this.log.push({ level, fields, message });
    };
    const vrrpLog: VrrpLog = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const created = VrrpEngine.create(
      this.spec.config,
      {
        clock: this.clock,
        createWakeup: () => MANUAL_TIMER_WAKEUP,
        openTransport: (request) => {
          if (this.failTransportOn.has(request.ifname)) throw new Error(`socket on ${request.ifname}: Operation not permitted`);
          const t = new SimulatedTransport(this, request);
          this.transports.push(t);
          return t;
        },
        installer: { add: (vips) => this.install('add', vips), remove: (vips) => this.install('remove', vips) },
        routing: {
          addRoutes: (routes) => Promise.resolve(this.route('add', routes)),
          removeRoutes: (routes) => Promise.resolve(this.route('remove', routes)),
          addRules: (rules) => Promise.resolve(this.rule('add', rules)),
          removeRules: (rules) => Promise.resolve(this.rule('remove', rules)),
        },
        openFrameSender: (ifname) => this.frameSender(ifname),
        interfaces: this,
        notifier: {
          instance: (name: string, _scripts: NotifyScripts, state: NotifyState, priority: number) =>
            this.notifications.push({ at: this.clock.nowMs, owner: name, kind: 'instance', state, priority }),
          group: (name: string, _scripts: NotifyScripts, state: NotifyState) =>
            this.notifications.push({ at: this.clock.nowMs, owner: name, kind: 'group', state }),
        },
        log: vrrpLog,
        sleep: () => Promise.resolve(),
      },
      this.spec.options ?? {},
    );
    if (!created.ok) return created;
    this.engine = created.engine;
    return { ok: true };
  }

  // --- InterfaceView ---
  indexOf(name: string): number | undefined {
    return this.links.get(name)?.ifindex;
  }
  nameOf(ifindex: number): string | undefined {
    for (const [name, l] of this.links) if (l.ifindex === ifindex) return name;
    return undefined;
  }
  isUsable(name: string): boolean {
    return this.links.get(name)?.usable ?? false;
  }
  hardwareAddress(name: string): string | undefined {
    return this.links.get(name)?.mac;
  }
  addressesOf(ifindex: number): readonly InterfaceAddress[] {
    return this.addresses.filter((a) => a.ifindex === ifindex);
  }
  allAddresses(): readonly InterfaceAddress[] {
    return [...this.addresses];
  }
  ipv6Forwarding(): boolean {
    return false;
  }

  // --- test controls ---
  /** The addresses on eth0 that are VIPs (not the host's own). */
  vipsHeld(): string[] {
    return this.addresses
      .filter((a) => !(a.address === `192.0.2.${this.spec.n}` || a.address.startsWith('fe80::') || a.address === `2001:db8::${this.spec.n.toString(16)}`))
      .map((a) => a.address);
  }

  setLink(name: string, usable: boolean): void {
    const l = this.links.get(name);
    if (l === undefined) throw new Error(`no link ${name}`);
    l.usable = usable;
    this.engine.onLinkChange(name, usable);
  }

  /** Someone (or a crashed earlier run) put an address on eth0. */
  addAddressExternally(text: string, prefixLength: number): void {
    this.addresses.push(address(2, text.includes(':') ? AF_INET6 : AF_INET, text, prefixLength, RT_SCOPE_UNIVERSE, 0));
  }

  /** Someone runs `ip addr del` on a VIP. */
  deleteAddressExternally(text: string): void {
    const i = this.addresses.findIndex((a) => a.address === text);
    if (i < 0) throw new Error(`${text} not on ${this.name}`);
    const [removed] = this.addresses.splice(i, 1);
    if (removed) this.engine.onAddressRemoved(removed);
  }

  state(instance = 'VI_1'): string {
    return this.engine.instance(instance)?.state ?? 'missing';
  }

  logged(pattern: RegExp): LogLine[] {
    return this.log.filter((l) => pattern.test(l.message));
  }

  /** Someone runs `ip route del` on a route: the engine hears of it as from the routing monitor. */
  deleteRouteExternally(route: RouteEntry): void {
    this.routesHeld.delete(describeRouteRequest({ ...route, ifindex: null }));
    this.engine.onRouteRemoved({
      family: route.family,
      destination: route.destination.text,
      prefixLength: route.prefixLength,
      table: route.table,
      protocol: route.protocol,
      ifindex: route.ifname === null ? null : (this.indexOf(route.ifname) ?? null),
      gateway: route.gateway?.text ?? null,
      metric: route.metric ?? (route.family === AF_INET6 ? 1024 : null),
    });
  }

  /** Someone runs `ip rule del` on a rule. */
  deleteRuleExternally(rule: RuleRequest): void {
    this.rulesHeld.delete(describeRuleRequest(rule));
    this.engine.onRuleRemoved({
      family: rule.family,
      priority: rule.priority,
      table: rule.table,
      protocol: rule.protocol,
      source: rule.source?.address.text ?? null,
      sourceLength: rule.source?.prefixLength ?? 0,
      destination: rule.destination?.address.text ?? null,
      destinationLength: rule.destination?.prefixLength ?? 0,
    });
  }

  private route(op: 'add' | 'remove', routes: readonly RouteEntry[]): RoutingOutcome[] {
    const texts = routes.map((r) => describeRouteRequest({ ...r, ifindex: null }));
    this.kernelOps.push(`${op} routes ${texts.join(', ')}`);
    return texts.map((description) => {
      const present = this.routesHeld.has(description);
      if (op === 'add') this.routesHeld.add(description);
      else this.routesHeld.delete(description);
      const status = op === 'add' ? (present ? 'already-present' : 'added') : present ? 'removed' : 'already-absent';
      return { description, status, retransmitted: false } as const;
    });
  }

  private rule(op: 'add' | 'remove', rules: readonly RuleRequest[]): RoutingOutcome[] {
    const texts = rules.map(describeRuleRequest);
    this.kernelOps.push(`${op} rules ${texts.join(', ')}`);
    return texts.map((description) => {
      const present = this.rulesHeld.has(description);
      if (op === 'add') this.rulesHeld.add(description);
      else this.rulesHeld.delete(description);
      const status = op === 'add' ? (present ? 'already-present' : 'added') : present ? 'removed' : 'already-absent';
      return { description, status, retransmitted: false } as const;
    });
  }

  private async install(op: 'add' | 'remove', vips: readonly VipSpec[]): Promise<VipOutcome[]> {
    if (op === 'remove' && this.removalGate !== undefined) await this.removalGate;
    this.kernelOps.push(`${op} vips ${vips.map((v) => v.address).join(', ')}`);
    this.installs.push({ at: this.clock.nowMs, op, addresses: vips.map((v) => v.address) });
    const outcomes: VipOutcome[] = [];
    for (const vip of vips) {
      const ifindex = typeof vip.interface === 'number' ? vip.interface : (this.indexOf(vip.interface) ?? -1);
      const family = vip.address.includes(':') ? AF_INET6 : AF_INET;
      const prefixLength = vip.prefixLength ?? (family === AF_INET ? 32 : 128);
      const i = this.addresses.findIndex((a) => a.ifindex === ifindex && a.address === canonicalIp(vip.address) && a.prefixLength === prefixLength);
      const request = { ifindex, ifname: String(vip.interface), address: { family, bytes: new Uint8Array(), text: vip.address }, prefixLength, broadcast: null, scope: 0, label: null, flags: 0 } as const;
      if (op === 'add') {
        if (i < 0) this.addresses.push(address(ifindex, family, canonicalIp(vip.address) ?? vip.address, prefixLength, RT_SCOPE_UNIVERSE, family === AF_INET ? IFA_F_SECONDARY : 0));
        outcomes.push({ vip, status: i < 0 ? 'added' : 'already-present', request, retransmitted: false });
      } else {
        const [gone] = i >= 0 ? this.addresses.splice(i, 1) : [];
        if (gone !== undefined && this.reportRemovals) this.engine.onAddressRemoved(gone);
        outcomes.push({ vip, status: i >= 0 ? 'removed' : 'already-absent', request, retransmitted: false });
      }
    }
    this.engine.onAddressChange();
    return outcomes;
  }

  private frameSender(ifname: string): FrameSender {
    return {
      ifname,
      send: (frame) => {
        if (!this.detached) this.frames.push({ at: this.clock.nowMs, ifname, frame: Buffer.from(frame) });
        return Promise.resolve();
      },
      close: () => undefined,
    };
  }
}

/** A transport whose packets are encoded for real and delivered to the other hosts on the LAN. */
export class SimulatedTransport implements AdvertTransport {
  readonly ifname: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly groups: readonly string[];
  closed = false;
  private readonly listeners = new Set<(packet: IncomingAdvertPacket) => void>();
  private nextId = 1;

  constructor(
    readonly host: SimulatedHost,
    request: AdvertTransportRequest,
  ) {
    this.ifname = request.ifname;
    this.family = request.family;
    this.groups = request.groups;
  }

  send(advert: OutgoingAdvert): Promise<void> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (!this.host.detached && this.host.isUsable(this.ifname)) this.host.lan.carry(this, advert, this.nextId++);
    return Promise.resolve();
  }

  onPacket(listener: (packet: IncomingAdvertPacket) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onError(): () => void {
    return () => undefined;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  deliver(packet: IncomingAdvertPacket): void {
    if (this.closed || this.host.detached || !this.host.isUsable(this.ifname)) return;
    for (const l of [...this.listeners]) l(packet);
  }
}

/** Alters what goes on the wire, e.g. a TTL of 254 or a corrupted checksum. */
export type WireTamper = (packet: IncomingAdvertPacket, from: SimulatedHost) => IncomingAdvertPacket;

/**
 * A LAN of simulated directors running real engines over real codecs: every advert is
 * encoded (IPv4 datagram with TTL 255 / IPv6 payload with hop limit 255) and decoded and
 * checked by the receivers. Virtual time moves in small steps, with the promise queues
 * drained between steps, so causality holds across hosts.
 */
export class SimulatedLan {
  readonly hosts: SimulatedHost[] = [];
  readonly wire: SentAdvert[] = [];
  tamper: WireTamper | undefined;
  private now: number;

  constructor(startMs = 1_000_000) {
    this.now = startMs;
  }

  get nowMs(): number {
    return this.now;
  }

  add(spec: SimulatedHostSpec): SimulatedHost {
    const host = new SimulatedHost(this, spec, this.now);
    const created = host.create();
    if (!created.ok) throw new Error(`engine for ${spec.name} refused: ${created.errors.map((e) => e.message).join('; ')}`);
    this.hosts.push(host);
    return host;
  }

  host(name: string): SimulatedHost {
    const h = this.hosts.find((x) => x.name === name);
    if (h === undefined) throw new Error(`no host ${name}`);
    return h;
  }

  async startAll(): Promise<void> {
    for (const h of this.hosts) h.engine.start();
    await settle();
  }

  /** Moves every attached host's clock forward by `ms` in `stepMs` steps. */
  async advance(ms: number, stepMs = 5): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      for (const h of this.hosts) {
        if (h.detached) continue;
        h.clock.advanceTo(this.now, h.engine.timers, (armed) => h.engine.expire(armed));
      }
      await settle();
    }
  }

  /** Advances until `predicate` holds; returns the virtual time it took, or throws after `limitMs`. */
  async until(predicate: () => boolean, limitMs: number, stepMs = 5): Promise<number> {
    const start = this.now;
    while (!predicate()) {
      if (this.now - start >= limitMs) throw new Error(`condition not reached within ${limitMs} ms of virtual time`);
      await this.advance(stepMs, stepMs);
    }
    return this.now - start;
  }

  /** Puts an advert on the wire as the sender's socket would. */
  carry(from: SimulatedTransport, advert: OutgoingAdvert, id: number): void {
    this.wire.push({ at: this.now, host: from.host.name, advert });
    let packet = encode(advert.fields, advert.src, advert.dst, id);
    if (this.tamper) packet = this.tamper(packet, from.host);
    const multicast = advert.dst === '224.0.0.18' || advert.dst.startsWith('ff02::');
    for (const h of this.hosts) {
      if (h === from.host) continue;
      if (!multicast && !h.allAddresses().some((a) => a.address === advert.dst)) continue;
      for (const t of h.transports) if (t.family === from.family && t.ifname === from.ifname) t.deliver(packet);
    }
  }

  /** Delivers a hand-made packet to `host`'s transports of that family. */
  inject(host: SimulatedHost, packet: IncomingAdvertPacket): void {
    const family = packet.kind === 'ipv4-datagram' ? 'ipv4' : 'ipv6';
    for (const t of host.transports) if (t.family === family) t.deliver(packet);
  }

  /** Adverts sent by `host` (optionally only those with `priority`). */
  advertsFrom(host: string, priority?: number): SentAdvert[] {
    return this.wire.filter((w) => w.host === host && (priority === undefined || w.advert.fields.priority === priority));
  }

  /** Names of the hosts whose instance is MASTER. */
  masters(instance = 'VI_1'): string[] {
    return this.hosts.filter((h) => !h.detached && h.state(instance) === 'MASTER').map((h) => h.name);
  }
}

export function encode(fields: AdvertFields, src: string, dst: string, id = 1, hopLimit = 255): IncomingAdvertPacket {
  if (src.includes(':')) {
    return { kind: 'ipv6-payload', payload: encodeAdvertPayload(fields, { src, dst }), ip: { family: 'ipv6', src, dst, hopLimit } };
  }
  return { kind: 'ipv4-datagram', datagram: encodeAdvertIpv4Packet(fields, { src, dst, id, ttl: hopLimit }) };
}

function address(ifindex: number, family: typeof AF_INET | typeof AF_INET6, text: string, prefixLength: number, scope: number, flags: number): InterfaceAddress {
  return { ifindex, family, address: text, prefixLength, peer: null, broadcast: null, label: null, scope, flags };
}

/** Lets every queued promise callback run (the engines' I/O queues). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
