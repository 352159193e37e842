import type { KernelRoute, KernelRule, RoutingMessage } from './RoutingMessageCodec.js';
import { RTPROT_KEEPALIVED } from './RouteConstants.js';

export type RoutingChange = { readonly kind: 'route-removed'; readonly route: KernelRoute } | { readonly kind: 'rule-removed'; readonly rule: KernelRule };

/**
 * The routes and rules with protocol keepalived (18) the kernel holds, as notifications
 * and dumps report them. Pure: `RoutingMonitor` feeds it. Entries of other protocols are
 * not kept, so a full BGP table costs a dump, not memory.
 */
export class RoutingTable {
  private readonly entries = new Map<string, RoutingMessage>();

  get size(): number {
    return this.entries.size;
  }

  /** Applies one decoded notification; a deletion of a kept entry is a change. */
  apply(message: RoutingMessage): RoutingChange | null {
    if (!isOurs(message)) return null;
    const key = keyOf(message);
    if (!message.deleted) {
      this.entries.set(key, { ...message, deleted: false });
      return null;
    }
    this.entries.delete(key);
    return removal(message);
  }

  /** Replaces everything with a dump's entries; what the dump no longer has was deleted meanwhile. */
  replaceAll(dumped: readonly RoutingMessage[]): RoutingChange[] {
    const fresh = new Map<string, RoutingMessage>();
    for (const m of dumped) if (isOurs(m)) fresh.set(keyOf(m), { ...m, deleted: false });
    const changes = [...this.entries].filter(([key]) => !fresh.has(key)).map(([, m]) => removal(m));
    this.entries.clear();
    for (const [key, m] of fresh) this.entries.set(key, m);
    return changes;
  }
}

function isOurs(m: RoutingMessage): boolean {
  return (m.kind === 'route' ? m.route.protocol : m.rule.protocol) === RTPROT_KEEPALIVED;
}

function keyOf(m: RoutingMessage): string {
  return JSON.stringify(m.kind === 'route' ? ['route', m.route] : ['rule', m.rule]);
}

function removal(m: RoutingMessage): RoutingChange {
  return m.kind === 'route' ? { kind: 'route-removed', route: m.route } : { kind: 'rule-removed', rule: m.rule };
}
