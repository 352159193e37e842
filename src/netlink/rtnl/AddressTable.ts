import type { ChangeCause } from './ChangeCause.js';
import { addressKey, sameAddressState, type InterfaceAddress } from './InterfaceAddress.js';

export type AddressChange =
  | {
      readonly kind: 'added' | 'removed';
      readonly address: InterfaceAddress;
      readonly cause: ChangeCause;
      /** nlmsg_pid of the notification: the port of the socket whose request made the change (0: the kernel itself). */
      readonly originPortId: number | null;
    }
  | {
      readonly kind: 'changed';
      readonly address: InterfaceAddress;
      readonly previous: InterfaceAddress;
      readonly cause: ChangeCause;
      readonly originPortId: number | null;
    };

/**
 * The addresses of a namespace as last learnt from the kernel. Pure: feed it
 * notifications or a complete dump and it answers with what changed.
 */
export class AddressTable {
  private readonly byKey = new Map<string, InterfaceAddress>();

  get size(): number {
    return this.byKey.size;
  }

  all(): InterfaceAddress[] {
    return [...this.byKey.values()];
  }

  get(key: Pick<InterfaceAddress, 'ifindex' | 'family' | 'address' | 'prefixLength'>): InterfaceAddress | undefined {
    return this.byKey.get(addressKey(key));
  }

  onInterface(ifindex: number): InterfaceAddress[] {
    return this.all().filter((a) => a.ifindex === ifindex);
  }

  /** RTM_NEWADDR: an address appeared or changed. */
  upsert(address: InterfaceAddress, originPortId: number | null = null, cause: ChangeCause = 'notification'): AddressChange | null {
    const key = addressKey(address);
    const previous = this.byKey.get(key);
    this.byKey.set(key, address);
    if (previous === undefined) return { kind: 'added', address, cause, originPortId };
    if (sameAddressState(previous, address)) return null;
    return { kind: 'changed', address, previous, cause, originPortId };
  }

  /** RTM_DELADDR: an address went away. */
  remove(address: InterfaceAddress, originPortId: number | null = null, cause: ChangeCause = 'notification'): AddressChange | null {
    const key = addressKey(address);
    const previous = this.byKey.get(key);
    if (previous === undefined) return null;
    this.byKey.delete(key);
    return { kind: 'removed', address: previous, cause, originPortId };
  }

  /** All addresses of a link that disappeared (the kernel sends no RTM_DELADDR for them on every path). */
  removeInterface(ifindex: number, cause: ChangeCause = 'notification'): AddressChange[] {
    const changes: AddressChange[] = [];
    for (const address of this.onInterface(ifindex)) {
      const change = this.remove(address, null, cause);
      if (change !== null) changes.push(change);
    }
    return changes;
  }

  /**
   * Replaces everything with a complete dump and returns the differences, removals
   * first: what a missed stretch of notifications would have reported.
   */
  replaceAll(dumped: readonly InterfaceAddress[], cause: ChangeCause = 'resync'): AddressChange[] {
    const next = new Map<string, InterfaceAddress>();
    for (const address of dumped) next.set(addressKey(address), address);
    const removed: AddressChange[] = [];
    const addedOrChanged: AddressChange[] = [];
    for (const [key, previous] of this.byKey) {
      if (!next.has(key)) removed.push({ kind: 'removed', address: previous, cause, originPortId: null });
    }
    for (const [key, address] of next) {
      const previous = this.byKey.get(key);
      if (previous === undefined) addedOrChanged.push({ kind: 'added', address, cause, originPortId: null });
      else if (!sameAddressState(previous, address)) addedOrChanged.push({ kind: 'changed', address, previous, cause, originPortId: null });
    }
    this.byKey.clear();
    for (const [key, address] of next) this.byKey.set(key, address);
    return [...removed, ...addedOrChanged];
  }
}
