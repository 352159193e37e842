import { ipvsDestKey, ipvsServiceDestKey, ipvsServiceKey, type IpvsDestKey, type IpvsServiceKey } from './IpvsKey.js';
import type { IpvsDest, IpvsService, IpvsTable, IpvsTableEntry } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';

interface MirrorEntry {
  service: IpvsService;
  readonly dests: Map<IpvsDestKey, IpvsDest>;
}

/**
 * What Vigil believes the kernel table holds: the last dump, with every operation the
 * kernel has since acknowledged applied to it. Plans between two dumps are made against
 * it, so a checker event costs no dump; drift repair replaces it with a fresh dump.
 */
export class IpvsTableMirror {
  private readonly entries = new Map<IpvsServiceKey, MirrorEntry>();

  constructor(table: IpvsTable = []) {
    this.replace(table);
  }

  replace(table: IpvsTable): void {
    this.entries.clear();
    for (const entry of table) {
      this.entries.set(ipvsServiceKey(entry.service), { service: entry.service, dests: new Map(entry.dests.map((d) => [ipvsDestKey(d), d])) });
    }
  }

  /** Records an operation the kernel accepted. */
  apply(operation: IpvsOperation): void {
    const key = ipvsServiceKey(operation.service);
    switch (operation.kind) {
      case 'add-service':
        this.entries.set(key, { service: operation.service, dests: new Map() });
        return;
      case 'edit-service': {
        const entry = this.entries.get(key);
        if (entry) entry.service = operation.service;
        else this.entries.set(key, { service: operation.service, dests: new Map() });
        return;
      }
      case 'delete-service':
        this.entries.delete(key);
        return;
      case 'add-dest':
      case 'edit-dest':
        this.entries.get(key)?.dests.set(ipvsDestKey(operation.dest), operation.dest);
        return;
      case 'delete-dest':
        this.entries.get(key)?.dests.delete(ipvsDestKey(operation.dest));
        return;
    }
  }

  hasService(key: IpvsServiceKey): boolean {
    return this.entries.has(key);
  }

  /** Table-wide dest keys (`ipvsServiceDestKey`) present. */
  hasDest(service: IpvsService, dest: IpvsDest): boolean {
    return this.entries.get(ipvsServiceKey(service))?.dests.has(ipvsDestKey(dest)) ?? false;
  }

  table(): IpvsTableEntry[] {
    return [...this.entries.values()].map((e) => ({ service: e.service, dests: [...e.dests.values()] }));
  }

  get serviceCount(): number {
    return this.entries.size;
  }

  get destCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.dests.size;
    return count;
  }

  /** Every table-wide dest key, for ownership bookkeeping. */
  destKeys(): string[] {
    const keys: string[] = [];
    for (const entry of this.entries.values()) for (const dest of entry.dests.values()) keys.push(ipvsServiceDestKey(entry.service, dest));
    return keys;
  }
}
