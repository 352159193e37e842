import type { ChangeCause } from './ChangeCause.js';
import { isLinkUsable, sameLinkState, type LinkState } from './LinkState.js';

export type LinkChange =
  | { readonly kind: 'added' | 'removed'; readonly link: LinkState; readonly cause: ChangeCause }
  | {
      readonly kind: 'changed';
      readonly link: LinkState;
      readonly previous: LinkState;
      readonly cause: ChangeCause;
      /** IFF_UP && IFF_RUNNING turned false: the VRRP instance goes to FAULT. */
      readonly wentDown: boolean;
      /** IFF_UP && IFF_RUNNING turned true. */
      readonly cameUp: boolean;
    };

/**
 * The links of a namespace as last learnt from the kernel, by ifindex. Pure: feed it
 * notifications or a complete dump and it answers with what changed. RTM_NEWLINK is
 * sent for many reasons (statistics, features); only changes to the tracked fields of
 * `LinkState` count.
 */
export class LinkTable {
  private readonly byIndex = new Map<number, LinkState>();

  get size(): number {
    return this.byIndex.size;
  }

  all(): LinkState[] {
    return [...this.byIndex.values()];
  }

  byIfindex(ifindex: number): LinkState | undefined {
    return this.byIndex.get(ifindex);
  }

  byName(name: string): LinkState | undefined {
    for (const link of this.byIndex.values()) if (link.name === name) return link;
    return undefined;
  }

  upsert(link: LinkState, cause: ChangeCause = 'notification'): LinkChange | null {
    const previous = this.byIndex.get(link.ifindex);
    this.byIndex.set(link.ifindex, link);
    if (previous === undefined) return { kind: 'added', link, cause };
    if (sameLinkState(previous, link)) return null;
    return changed(previous, link, cause);
  }

  remove(ifindex: number, cause: ChangeCause = 'notification'): LinkChange | null {
    const previous = this.byIndex.get(ifindex);
    if (previous === undefined) return null;
    this.byIndex.delete(ifindex);
    return { kind: 'removed', link: previous, cause };
  }

  /** Replaces everything with a complete dump; returns the differences, removals first. */
  replaceAll(dumped: readonly LinkState[], cause: ChangeCause = 'resync'): LinkChange[] {
    const next = new Map<number, LinkState>();
    for (const link of dumped) next.set(link.ifindex, link);
    const removed: LinkChange[] = [];
    const addedOrChanged: LinkChange[] = [];
    for (const [ifindex, previous] of this.byIndex) {
      if (!next.has(ifindex)) removed.push({ kind: 'removed', link: previous, cause });
    }
    for (const [ifindex, link] of next) {
      const previous = this.byIndex.get(ifindex);
      if (previous === undefined) addedOrChanged.push({ kind: 'added', link, cause });
      else if (!sameLinkState(previous, link)) addedOrChanged.push(changed(previous, link, cause));
    }
    this.byIndex.clear();
    for (const [ifindex, link] of next) this.byIndex.set(ifindex, link);
    return [...removed, ...addedOrChanged];
  }
}

function changed(previous: LinkState, link: LinkState, cause: ChangeCause): LinkChange {
  const was = isLinkUsable(previous);
  const is = isLinkUsable(link);
  return { kind: 'changed', link, previous, cause, wentDown: was && !is, cameUp: !was && is };
}
