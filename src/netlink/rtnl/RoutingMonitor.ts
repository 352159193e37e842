import type { NetlinkMessage } from '../NetlinkMessage.js';
import { MirrorSession } from './MirrorSession.js';
import { MirroredMonitor } from './MirroredMonitor.js';
import {
  RTM_DELROUTE,
  RTM_DELRULE,
  RTM_NEWROUTE,
  RTM_NEWRULE,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_IPV6_RULE,
  RTPROT_KEEPALIVED,
} from './RouteConstants.js';
import { decodeRoutingMessage, encodeRoutingDumpRequest, type KernelRoute, type KernelRule, type RoutingMessage } from './RoutingMessageCodec.js';
import type { RtnlMonitorOptions } from './RtnlMonitorOptions.js';

export type RoutingChange = { readonly kind: 'route-removed'; readonly route: KernelRoute } | { readonly kind: 'rule-removed'; readonly rule: KernelRule };

/**
 * Routes and rules with protocol keepalived (18) - the ones Vigil installs - kept current
 * through the route and rule groups of both families, put right by a dump after a lost
 * notification (a deletion missed in an overrun still comes out as `removed`). Only
 * protocol-18 entries are kept, so a full BGP table costs a dump, not memory.
 */
export class RoutingMonitor extends MirroredMonitor<RoutingChange> {
  static async start(options: RtnlMonitorOptions = {}): Promise<RoutingMonitor> {
    const table = new Map<string, RoutingMessage>();
    const session = await MirrorSession.start<RoutingChange>(
      {
        what: 'routing',
        groups: [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE],
        dumps: [
          { what: 'route', encode: (seq) => encodeRoutingDumpRequest('route', { seq }) },
          { what: 'rule', encode: (seq) => encodeRoutingDumpRequest('rule', { seq }) },
        ],
        applyNotification: (message) => applyNotification(table, message),
        replaceWithDump: (messages) => replaceWithDump(table, messages),
      },
      options,
    );
    return new RoutingMonitor(session);
  }
}

function keyOf(m: RoutingMessage): string {
  return JSON.stringify(m.kind === 'route' ? ['route', m.route] : ['rule', m.rule]);
}

function ours(m: RoutingMessage): boolean {
  return (m.kind === 'route' ? m.route.protocol : m.rule.protocol) === RTPROT_KEEPALIVED;
}

function removal(m: RoutingMessage): RoutingChange {
  return m.kind === 'route' ? { kind: 'route-removed', route: m.route } : { kind: 'rule-removed', rule: m.rule };
}

function decodeOurs(message: NetlinkMessage): RoutingMessage | null {
  const t = message.header.type;
  if (t !== RTM_NEWROUTE && t !== RTM_DELROUTE && t !== RTM_NEWRULE && t !== RTM_DELRULE) return null;
  const decoded = decodeRoutingMessage(message);
  return decoded !== null && ours(decoded) ? decoded : null;
}

function applyNotification(table: Map<string, RoutingMessage>, message: NetlinkMessage): RoutingChange | null {
  const decoded = decodeOurs(message);
  if (decoded === null) return null;
  const key = keyOf({ ...decoded, deleted: false });
  if (!decoded.deleted) {
    table.set(key, { ...decoded, deleted: false });
    return null;
  }
  table.delete(key);
  return removal(decoded);
}

function replaceWithDump(table: Map<string, RoutingMessage>, messages: readonly NetlinkMessage[]): RoutingChange[] {
  const fresh = new Map<string, RoutingMessage>();
  for (const message of messages) {
    const decoded = decodeOurs(message);
    if (decoded !== null) fresh.set(keyOf({ ...decoded, deleted: false }), { ...decoded, deleted: false });
  }
  const changes = [...table].filter(([key]) => !fresh.has(key)).map(([, m]) => removal(m));
  table.clear();
  for (const [key, m] of fresh) table.set(key, m);
  return changes;
}
