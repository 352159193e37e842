import type { IpvsOwnership } from '../../../../src/ipvs/IpvsReconciler.js';
import type { IpvsOwnershipLoad, IpvsOwnershipPersistence } from '../../../../src/ipvs/IpvsOwnershipStore.js';

/** An ownership record kept in memory: what was saved, in order, and what a load returns. */
export class MemoryOwnershipRecord implements IpvsOwnershipPersistence {
  readonly location = 'memory:ipvs-owned.json';
  /** Every record saved, as sorted key lists. */
  readonly saves: { services: string[]; dests: string[] }[] = [];
  /** What the next load returns; a save makes it `found`. */
  stored: IpvsOwnershipLoad = { kind: 'missing' };
  /** Set to make saves fail with this error. */
  failWith: Error | null = null;
  /** Told of each save, e.g. to record its order among kernel calls. */
  onSave: (() => void) | null = null;

  load(): Promise<IpvsOwnershipLoad> {
    return Promise.resolve(this.stored);
  }

  save(owned: IpvsOwnership): Promise<void> {
    this.onSave?.();
    if (this.failWith !== null) return Promise.reject(this.failWith);
    this.saves.push({ services: [...owned.services].sort(), dests: [...owned.dests].sort() });
    this.stored = { kind: 'found', owned: { services: new Set(owned.services), dests: new Set(owned.dests) } };
    return Promise.resolve();
  }

  /** The record as it stands (the last save, or what was stored by hand). */
  current(): { services: string[]; dests: string[] } | null {
    const s = this.stored;
    return s.kind === 'found' ? { services: [...s.owned.services].sort(), dests: [...s.owned.dests].sort() } : null;
  }
}
