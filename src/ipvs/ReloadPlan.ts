import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VirtualServer } from '../config/model/VirtualServer.js';
import { canonicalAddress } from './IpvsAddress.js';
import { desiredIpvsTable, type DesiredTableProblem, type RealServerStates } from './DesiredIpvsTable.js';
import { initialPoolState, type PoolState } from './InitialRealServerStates.js';
import { ipvsServiceDestKey, ipvsServiceKey } from './IpvsKey.js';
import type { IpvsDest, IpvsService, IpvsTable, IpvsTableEntry } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { reconcileIpvs, type IpvsOwnership } from './IpvsReconciler.js';

/** A previous run's entry the plan removes: a whole service, or one dest of a service Vigil does not own. */
export interface IpvsLeftover {
  readonly service: IpvsService;
  readonly dest?: IpvsDest;
}

export interface ReloadPlan {
  /** Exactly the operations a reload with this configuration would send, in order. */
  readonly operations: readonly IpvsOperation[];
  /** Services in the kernel neither the configuration nor the ownership record mentions: left alone. */
  readonly unmanaged: readonly IpvsService[];
  /** Entries the ownership record names that the configuration no longer has: the plan removes them. */
  readonly leftovers: readonly IpvsLeftover[];
  readonly problems: readonly DesiredTableProblem[];
}

/**
 * The health a running Vigil would carry over into a reload, read off the live table:
 * a real server present in its service is up (at the configured weight) unless it sits at
 * weight 0 under inhibit_on_failure; one absent from the kernel starts as at a fresh
 * start (alpha: down). Virtual servers with no service in the kernel start fresh too.
 */
export function poolStatesFromKernel(config: VigilConfig, live: IpvsTable): RealServerStates {
  const byKey = new Map(live.map((e) => [ipvsServiceKey(e.service), e]));
  const fresh = desiredIpvsTable(config, new Map());
  const states = new Map<number, PoolState>();
  config.virtualServers.forEach((vs: VirtualServer, index) => {
    const firstService = fresh.table.find((e) => fresh.origins.get(ipvsServiceKey(e.service))?.configIndex === index);
    const present: IpvsTableEntry | undefined = firstService && byKey.get(ipvsServiceKey(firstService.service));
    if (present === undefined) return;
    const initial = initialPoolState(vs);
    const find = (address: string) => present.dests.find((d) => canonicalAddress(d.address) === canonicalAddress(address));
    states.set(index, {
      realServers: vs.realServers.map((rs, i) => {
        const dest = find(rs.address.address);
        if (dest === undefined) return initial.realServers[i] ?? { address: rs.address, port: rs.port, inPool: false, weight: 0 };
        const down = dest.weight === 0 && rs.inhibitOnFailure;
        return { address: rs.address, port: rs.port, inPool: true, weight: down ? 0 : rs.weight };
      }),
      sorryServer:
        vs.sorryServer === null
          ? null
          : (() => {
              const dest = find(vs.sorryServer.address.address);
              return dest === undefined ? { inPool: vs.sorryServer.inhibit, weight: 0 } : { inPool: true, weight: dest.weight };
            })(),
    });
  });
  return states;
}

export interface ReloadPlanOptions {
  /** Real server health to plan with (default: read off the live table, `poolStatesFromKernel`). */
  readonly states?: RealServerStates;
  /** The ownership record (IpvsOwnershipStore): what it names is Vigil's, so a service or dest it names that is no longer configured goes. */
  readonly recorded?: IpvsOwnership | null;
}

/**
 * What `vigil ipvs diff` shows: the plan a reload (or a restart) would apply to the live
 * table. The configured services are Vigil's (so dests the configuration no longer lists in
 * them would go); so is what the ownership record names (a previous run's leftovers go);
 * services neither mentions are reported, not touched.
 */
export function planReload(config: VigilConfig, live: IpvsTable, options: ReloadPlanOptions = {}): ReloadPlan {
  const desired = desiredIpvsTable(config, options.states ?? poolStatesFromKernel(config, live));
  const wanted = new Set(desired.table.map((e) => ipvsServiceKey(e.service)));
  const recorded = options.recorded ?? null;
  const owned = { services: new Set<string>(), dests: new Set<string>() };
  const unmanaged: IpvsService[] = [];
  const leftovers: IpvsLeftover[] = [];
  for (const entry of live) {
    const key = ipvsServiceKey(entry.service);
    if (wanted.has(key)) {
      owned.services.add(key);
      for (const dest of entry.dests) owned.dests.add(ipvsServiceDestKey(entry.service, dest));
    } else if (recorded?.services.has(key) === true) {
      owned.services.add(key);
      leftovers.push({ service: entry.service });
    } else {
      unmanaged.push(entry.service);
      // A dest Vigil added to another tool's service goes on its own.
      for (const dest of entry.dests) {
        const destKey = ipvsServiceDestKey(entry.service, dest);
        if (recorded?.dests.has(destKey) !== true) continue;
        owned.dests.add(destKey);
        leftovers.push({ service: entry.service, dest });
      }
    }
  }
  return { operations: reconcileIpvs(desired.table, live, { owned }), unmanaged, leftovers, problems: desired.problems };
}
