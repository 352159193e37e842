import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VirtualServer } from '../config/model/VirtualServer.js';
import { canonicalAddress } from './IpvsAddress.js';
import { desiredIpvsTable, type DesiredTableProblem, type RealServerStates } from './DesiredIpvsTable.js';
import { initialPoolState, type PoolState } from './InitialRealServerStates.js';
import { ipvsServiceDestKey, ipvsServiceKey } from './IpvsKey.js';
import type { IpvsService, IpvsTable, IpvsTableEntry } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { reconcileIpvs } from './IpvsReconciler.js';

export interface ReloadPlan {
  /** Exactly the operations a reload with this configuration would send, in order. */
  readonly operations: readonly IpvsOperation[];
  /** Services in the kernel the configuration does not mention: a reload leaves them alone. */
  readonly unmanaged: readonly IpvsService[];
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

/**
 * What `vigil ipvs diff` shows: the plan a reload would apply to the live table. The
 * configured services are Vigil's (so dests the configuration no longer lists in them
 * would go); services it does not mention are reported, not touched.
 */
export function planReload(config: VigilConfig, live: IpvsTable, states: RealServerStates = poolStatesFromKernel(config, live)): ReloadPlan {
  const desired = desiredIpvsTable(config, states);
  const wanted = new Set(desired.table.map((e) => ipvsServiceKey(e.service)));
  const owned = { services: new Set<string>(), dests: new Set<string>() };
  const unmanaged: IpvsService[] = [];
  for (const entry of live) {
    const key = ipvsServiceKey(entry.service);
    if (!wanted.has(key)) {
      unmanaged.push(entry.service);
      continue;
    }
    owned.services.add(key);
    for (const dest of entry.dests) owned.dests.add(ipvsServiceDestKey(entry.service, dest));
  }
  return { operations: reconcileIpvs(desired.table, live, { owned }), unmanaged, problems: desired.problems };
}
