import { VigilError } from '../core/VigilError.js';
import { sameDestSettings, sameServiceSettings } from './IpvsDefaults.js';
import { ipvsDestKey, ipvsServiceDestKey, ipvsServiceKey, type IpvsDestKey, type IpvsServiceKey } from './IpvsKey.js';
import type { IpvsDest, IpvsService, IpvsTable } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';

/** What Vigil created, and so may remove once it is no longer desired. */
export interface IpvsOwnership {
  /** Service keys (`ipvsServiceKey`). */
  readonly services: ReadonlySet<IpvsServiceKey>;
  /** Table-wide dest keys (`ipvsServiceDestKey`). */
  readonly dests: ReadonlySet<string>;
}

export interface ReconcileOptions {
  /** Entries Vigil owns. Entries in `current` that are neither desired nor owned are left alone. */
  readonly owned?: IpvsOwnership;
  /** keepalived's `lvs_flush`: treat everything in `current` as owned. */
  readonly flush?: boolean;
  /**
   * Delete a service's dests one by one before deleting the service. The kernel
   * removes them with the service anyway, so the default plan omits them.
   */
  readonly removeDestsWithService?: boolean;
}

interface IndexedEntry {
  readonly key: IpvsServiceKey;
  readonly service: IpvsService;
  readonly dests: ReadonlyMap<IpvsDestKey, IpvsDest>;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function index(table: IpvsTable, which: string): Map<IpvsServiceKey, IndexedEntry> {
  const entries = new Map<IpvsServiceKey, IndexedEntry>();
  for (const entry of table) {
    const key = ipvsServiceKey(entry.service);
    if (entries.has(key)) throw new VigilError('IPVS_DUPLICATE_SERVICE', `${which} table lists service ${key} twice`, { key });
    const dests = new Map<IpvsDestKey, IpvsDest>();
    for (const dest of entry.dests) {
      const destKey = ipvsDestKey(dest);
      if (dests.has(destKey)) {
        throw new VigilError('IPVS_DUPLICATE_DEST', `${which} table lists dest ${destKey} of service ${key} twice`, { key, destKey });
      }
      dests.set(destKey, dest);
    }
    entries.set(key, { key, service: entry.service, dests });
  }
  return entries;
}

function sortedValues<V>(map: ReadonlyMap<string, V>): V[] {
  return [...map.keys()].sort(byKey).map((key) => map.get(key) as V);
}

/**
 * Plans the IPVS operations that turn `current` into `desired`. Pure and
 * deterministic (ordered by key), and minimal: an entry whose settings differ is
 * edited in place (SET), never deleted and re-added, so its connections survive.
 *
 * Order of the plan:
 * 1. add and edit services;
 * 2. add and edit dests (so every dest's service exists by then);
 * 3. delete dests no longer desired in services that stay;
 * 4. delete services no longer desired (after any of their own dest deletions).
 *
 * Without `flush`, only owned entries are removed; foreign ones stay.
 */
export function reconcileIpvs(desired: IpvsTable, current: IpvsTable, options: ReconcileOptions = {}): IpvsOperation[] {
  const want = index(desired, 'desired');
  const have = index(current, 'current');
  const flush = options.flush === true;
  const ownsService = (key: IpvsServiceKey): boolean => flush || (options.owned?.services.has(key) ?? false);
  const ownsDest = (service: IpvsService, dest: IpvsDest): boolean => flush || (options.owned?.dests.has(ipvsServiceDestKey(service, dest)) ?? false);

  const serviceChanges: IpvsOperation[] = [];
  const destChanges: IpvsOperation[] = [];
  const destRemovals: IpvsOperation[] = [];
  const serviceRemovals: IpvsOperation[] = [];

  for (const target of sortedValues(want)) {
    const existing = have.get(target.key);
    if (existing === undefined) {
      serviceChanges.push({ kind: 'add-service', service: target.service });
    } else if (!sameServiceSettings(target.service, existing.service)) {
      serviceChanges.push({ kind: 'edit-service', service: target.service, previous: existing.service });
    }
    for (const [destKey, dest] of [...target.dests].sort(([a], [b]) => byKey(a, b))) {
      const present = existing?.dests.get(destKey);
      if (present === undefined) {
        destChanges.push({ kind: 'add-dest', service: target.service, dest });
      } else if (!sameDestSettings(dest, present)) {
        destChanges.push({ kind: 'edit-dest', service: target.service, dest, previous: present });
      }
    }
    if (existing === undefined) continue;
    for (const [destKey, dest] of [...existing.dests].sort(([a], [b]) => byKey(a, b))) {
      if (!target.dests.has(destKey) && ownsDest(existing.service, dest)) {
        destRemovals.push({ kind: 'delete-dest', service: target.service, dest });
      }
    }
  }

  for (const stale of sortedValues(have)) {
    if (want.has(stale.key)) continue;
    if (ownsService(stale.key)) {
      if (options.removeDestsWithService === true) {
        for (const dest of sortedValues(stale.dests)) serviceRemovals.push({ kind: 'delete-dest', service: stale.service, dest });
      }
      serviceRemovals.push({ kind: 'delete-service', service: stale.service });
    } else {
      // A foreign service may still hold dests Vigil added to it.
      for (const dest of sortedValues(stale.dests)) {
        if (ownsDest(stale.service, dest)) destRemovals.push({ kind: 'delete-dest', service: stale.service, dest });
      }
    }
  }

  return [...serviceChanges, ...destChanges, ...destRemovals, ...serviceRemovals];
}
