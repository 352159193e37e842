import type { VirtualServerDesiredState } from '../checker/CheckerOutput.js';
import type { AddressFamily, IpAddress } from '../config/model/Common.js';
import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { LvsMethod, LvsProtocol, VirtualServer } from '../config/model/VirtualServer.js';
import { canonicalAddress } from './IpvsAddress.js';
import {
  AF_INET,
  AF_INET6,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IP_VS_SVC_F_SCHED_MH_FALLBACK,
  IP_VS_SVC_F_SCHED_MH_PORT,
  IP_VS_SVC_F_SCHED_SH_FALLBACK,
  IP_VS_SVC_F_SCHED_SH_PORT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from './IpvsConstants.js';
import { ipvsDestKey, ipvsServiceKey, type IpvsServiceKey } from './IpvsKey.js';
import type { IpvsAddressFamily, IpvsDest, IpvsForwardingMethod, IpvsProtocol, IpvsService, IpvsServiceSettings, IpvsTableEntry } from './IpvsModel.js';
import { initialPoolState, type PoolState } from './InitialRealServerStates.js';
import { expandVirtualServerGroup, type GroupMember } from './VirtualServerGroupExpansion.js';

/** Where a kernel service of the desired table comes from. */
export interface ServiceOrigin {
  /** keepalived's text of the virtual server: `[192.0.2.1]:tcp:80`, `FWM 7`, `[web]:0`. */
  readonly vs: string;
  readonly configIndex: number;
}

/** Something in the configuration that cannot become a kernel entry; the rest still does. */
export interface DesiredTableProblem {
  readonly code: 'duplicate-service' | 'duplicate-dest' | 'mixed-family-dest' | 'unknown-group';
  readonly message: string;
  readonly configIndex: number;
}

export interface DesiredIpvs {
  readonly table: readonly IpvsTableEntry[];
  readonly origins: ReadonlyMap<IpvsServiceKey, ServiceOrigin>;
  readonly problems: readonly DesiredTableProblem[];
}

/**
 * Pool states by configuration index: the checker's `VirtualServerDesiredState`s
 * (which are `PoolState`s), or states inferred some other way (`vigil ipvs diff`).
 */
export type RealServerStates = ReadonlyMap<number, PoolState>;

export function statesByConfigIndex(states: readonly VirtualServerDesiredState[]): RealServerStates {
  return new Map(states.map((s) => [s.configIndex, s]));
}

const PROTOCOLS: Readonly<Record<LvsProtocol, IpvsProtocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const FORWARDING: Readonly<Record<LvsMethod['method'], IpvsForwardingMethod>> = { NAT: 'masq', DR: 'droute', TUN: 'tunnel' };

function af(family: AddressFamily): IpvsAddressFamily {
  return family === 'inet' ? AF_INET : AF_INET6;
}

/** keepalived's texts (check_data.c format_vs / format_rs) so logs line up with keepalived's. */
export function virtualServerText(vs: VirtualServer): string {
  const proto = vs.protocol === null ? 'none' : PROTOCOLS[vs.protocol];
  switch (vs.key.kind) {
    case 'address':
      return `[${vs.key.address.address}]:${proto}:${vs.key.port}`;
    case 'fwmark':
      return `FWM ${vs.key.fwmark}`;
    case 'group':
      return `[${vs.key.group}]:0`;
  }
}

/** IP_VS_SVC_F_* for the virtual server's scheduler flags and persistence (ip_vs.h, ip_vs_mh.c). */
function serviceFlags(vs: VirtualServer): number {
  const f = vs.flags;
  let flags = 0;
  if (vs.persistenceTimeoutSeconds !== null || vs.persistenceGranularity !== null) flags |= IP_VS_SVC_F_PERSISTENT;
  // ipvswrapper.c: one-packet scheduling is only kept for UDP services.
  if (f.onePacketScheduling && vs.protocol === 'UDP') flags |= IP_VS_SVC_F_ONEPACKET;
  if (f.flag1) flags |= IP_VS_SVC_F_SCHED1;
  if (f.flag2) flags |= IP_VS_SVC_F_SCHED2;
  if (f.flag3) flags |= IP_VS_SVC_F_SCHED3;
  if (vs.lvsScheduler === 'sh') {
    if (f.shFallback) flags |= IP_VS_SVC_F_SCHED_SH_FALLBACK;
    if (f.shPort) flags |= IP_VS_SVC_F_SCHED_SH_PORT;
  }
  if (vs.lvsScheduler === 'mh') {
    if (f.mhFallback) flags |= IP_VS_SVC_F_SCHED_MH_FALLBACK;
    if (f.mhPort) flags |= IP_VS_SVC_F_SCHED_MH_PORT;
  }
  return flags;
}

/** `persistence_granularity`: an IPv4 netmask (dotted quad) or an IPv6 prefix length, as a prefix length. */
function granularityPrefix(text: string | null, family: IpvsAddressFamily): number {
  if (text === null) return family === AF_INET ? 32 : 128;
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const octets = text.split('.').map(Number);
  const mask = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
  return Math.clz32(~mask >>> 0);
}

function serviceSettings(vs: VirtualServer, family: IpvsAddressFamily): IpvsServiceSettings {
  return {
    af: family,
    scheduler: vs.lvsScheduler,
    flags: serviceFlags(vs),
    timeout: vs.persistenceTimeoutSeconds ?? 0,
    netmask: granularityPrefix(vs.persistenceGranularity, family),
    ...(vs.persistenceEngine !== null && { persistenceEngine: vs.persistenceEngine }),
  };
}

const TUNNEL_FLAGS: Readonly<Record<'nocsum' | 'csum' | 'remcsum', number>> = {
  nocsum: IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  csum: IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  remcsum: IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
};

function destFor(address: IpAddress, port: number, method: LvsMethod, weight: number, thresholds: { upper: number; lower: number }): IpvsDest {
  const forwarding = FORWARDING[method.method];
  return {
    af: af(address.family),
    address: address.address,
    port,
    forwarding,
    weight,
    upperThreshold: thresholds.upper,
    lowerThreshold: thresholds.lower,
    ...(forwarding === 'tunnel' && {
      tunnelType: method.tunnelType ?? 'ipip',
      tunnelPort: method.tunnelPort ?? 0,
      tunnelFlags: method.tunnelChecksum === null ? 0 : TUNNEL_FLAGS[method.tunnelChecksum],
    }),
  };
}

/** One kernel service of a virtual server, with what the dest ports depend on. */
interface ServiceSlot {
  readonly service: IpvsService;
  /** The group entry's port, for dests of a group address entry; null otherwise. */
  readonly groupPort: number | null;
  readonly fromGroup: boolean;
}

function slotsOf(vs: VirtualServer, config: VigilConfig, index: number, problems: DesiredTableProblem[]): ServiceSlot[] {
  const settingsFor = (family: IpvsAddressFamily): IpvsServiceSettings => serviceSettings(vs, family);
  const protocol = PROTOCOLS[vs.protocol ?? 'UDP'];
  switch (vs.key.kind) {
    case 'address': {
      const family = af(vs.key.address.family);
      return [{ service: { kind: 'inet', protocol, address: vs.key.address.address, port: vs.key.port, ...settingsFor(family) }, groupPort: null, fromGroup: false }];
    }
    case 'fwmark':
      return [{ service: { kind: 'fwmark', fwmark: vs.key.fwmark, ...settingsFor(af(vs.family)) }, groupPort: null, fromGroup: false }];
    case 'group': {
      const name = vs.key.group;
      const group = config.virtualServerGroups.find((g) => g.name === name);
      if (group === undefined) {
        problems.push({ code: 'unknown-group', message: `virtual_server_group ${name} does not exist`, configIndex: index });
        return [];
      }
      return expandVirtualServerGroup(group).map((member: GroupMember): ServiceSlot => {
        if (member.kind === 'fwmark') {
          return { service: { kind: 'fwmark', fwmark: member.fwmark, ...settingsFor(af(member.family ?? vs.family)) }, groupPort: null, fromGroup: true };
        }
        return {
          service: { kind: 'inet', protocol, address: member.address, port: member.port, ...settingsFor(af(member.family)) },
          groupPort: member.port,
          fromGroup: true,
        };
      });
    }
  }
}

/**
 * The dest port keepalived sends. Outside groups: the real server's port, else the
 * virtual server's (0 for fwmark services). In groups (ipvswrapper.c ipvs_group_cmd),
 * only NAT keeps the real server's port; other methods use the group entry's port,
 * and 0 for fwmark entries.
 */
function destPort(vs: VirtualServer, slot: ServiceSlot, written: number | null, forwarding: IpvsForwardingMethod): number {
  if (slot.fromGroup) {
    if (forwarding === 'masq') return written ?? slot.groupPort ?? 0;
    return slot.groupPort ?? 0;
  }
  return written ?? (vs.key.kind === 'address' ? vs.key.port : 0);
}

function destsOf(vs: VirtualServer, slot: ServiceSlot, pool: PoolState, index: number, problems: DesiredTableProblem[]): IpvsDest[] {
  const dests: IpvsDest[] = [];
  const seen = new Set<string>();
  const add = (address: IpAddress, written: number | null, method: LvsMethod, weight: number, thresholds: { upper: number; lower: number }, what: string): void => {
    const forwarding = FORWARDING[method.method];
    const dest = destFor(address, destPort(vs, slot, written, forwarding), method, weight, thresholds);
    // Only tunnelling forwards to another family (ip_vs_ctl.c ip_vs_add_dest: EINVAL otherwise).
    // A group mixing families simply pairs each entry with the real servers of its family.
    if (dest.af !== slot.service.af && forwarding !== 'tunnel') {
      if (slot.fromGroup) return;
      problems.push({
        code: 'mixed-family-dest',
        message: `${what} ${address.address} is not of the family of service ${ipvsServiceKey(slot.service)} and is not tunnelled; left out`,
        configIndex: index,
      });
      return;
    }
    const key = ipvsDestKey(dest);
    if (seen.has(key)) {
      problems.push({ code: 'duplicate-dest', message: `${what} ${key} appears twice in service ${ipvsServiceKey(slot.service)}; the first one counts`, configIndex: index });
      return;
    }
    seen.add(key);
    dests.push(dest);
  };
  vs.realServers.forEach((rs, i) => {
    const state = pool.realServers[i];
    // The checker lists real servers in configuration order; a mismatch means it describes another configuration.
    if (state === undefined || canonicalAddress(state.address.address) !== canonicalAddress(rs.address.address) || !state.inPool) return;
    add(rs.address, rs.port, rs.lvsMethod ?? vs.lvsMethod, state.weight, { upper: rs.upperThreshold, lower: rs.lowerThreshold }, 'real server');
  });
  const sorry = vs.sorryServer;
  if (sorry !== null && pool.sorryServer?.inPool === true) {
    add(sorry.address, sorry.port, sorry.lvsMethod ?? vs.lvsMethod, pool.sorryServer.weight, { upper: 0, lower: 0 }, 'sorry server');
  }
  return dests;
}

/**
 * The IPVS table the configuration asks for, given the checker's view of each real
 * server (`states`, by configuration index; a virtual server without one starts as
 * keepalived starts it, see `initialPoolState`). Pure.
 *
 * - `virtual_server IP PORT` → one service of its protocol (keepalived's default UDP
 *   already applied by the model); `fwmark N` → a fwmark service of the model's family;
 *   `group NAME` → one service per group entry, ranges expanded.
 * - Scheduler, its flags (sh-port, sh-fallback, mh-port, mh-fallback, flag-1..3, ops),
 *   persistence (timeout, granularity as netmask, engine), forwarding per real server
 *   (NAT / DR / TUN with ipip, gue + port, gre and checksum flags), weights, thresholds.
 * - Real servers in the pool become dests with the checker's weight (0 for an inhibited
 *   one); the sorry server joins when the checker (or start-up quorum) says so.
 * - A service two virtual servers claim is kept once (the first) and reported.
 */
export function desiredIpvsTable(config: VigilConfig, states: RealServerStates = new Map()): DesiredIpvs {
  const problems: DesiredTableProblem[] = [];
  const origins = new Map<IpvsServiceKey, ServiceOrigin>();
  const table: IpvsTableEntry[] = [];
  config.virtualServers.forEach((vs, index) => {
    const pool = states.get(index) ?? initialPoolState(vs);
    const text = virtualServerText(vs);
    for (const slot of slotsOf(vs, config, index, problems)) {
      const key = ipvsServiceKey(slot.service);
      const owner = origins.get(key);
      if (owner !== undefined) {
        problems.push({ code: 'duplicate-service', message: `service ${key} of ${text} is already configured by ${owner.vs}; the first one counts`, configIndex: index });
        continue;
      }
      origins.set(key, { vs: text, configIndex: index });
      table.push({ service: slot.service, dests: destsOf(vs, slot, pool, index, problems) });
    }
  });
  return { table, origins, problems };
}
