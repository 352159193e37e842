import type { NetlinkMessage } from '../NetlinkMessage.js';
import { MirrorSession } from './MirrorSession.js';
import { MirroredMonitor } from './MirroredMonitor.js';
import { RTM_DELROUTE, RTM_DELRULE, RTM_NEWROUTE, RTM_NEWRULE, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE } from './RouteConstants.js';
import { decodeRoutingMessage, encodeRoutingDumpRequest, type RoutingMessage } from './RoutingMessageCodec.js';
import { RoutingTable, type RoutingChange } from './RoutingTable.js';
import type { RtnlMonitorOptions } from './RtnlMonitorOptions.js';

export type { RoutingChange } from './RoutingTable.js';

/**
 * Routes and rules with protocol keepalived (18), the ones Vigil installs, kept current
 * through the route and rule groups of both families (rtnetlink.h RTNLGRP_IPV4_ROUTE,
 * RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE) and put right by a dump after
 * a lost notification, so a deletion missed in an overrun still comes out as a change.
 */
export class RoutingMonitor extends MirroredMonitor<RoutingChange> {
  static async start(options: RtnlMonitorOptions = {}): Promise<RoutingMonitor> {
    const table = new RoutingTable();
    const session = await MirrorSession.start<RoutingChange>(
      {
        what: 'routing',
        groups: [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE],
        dumps: [
          { what: 'route', encode: (seq) => encodeRoutingDumpRequest('route', { seq }) },
          { what: 'rule', encode: (seq) => encodeRoutingDumpRequest('rule', { seq }) },
        ],
        applyNotification: (message) => {
          const decoded = decodeRouting(message);
          return decoded === null ? null : table.apply(decoded);
        },
        replaceWithDump: (messages) => table.replaceAll(messages.map(decodeRouting).filter((m) => m !== null)),
      },
      options,
    );
    return new RoutingMonitor(session);
  }
}

function decodeRouting(message: NetlinkMessage): RoutingMessage | null {
  const t = message.header.type;
  if (t !== RTM_NEWROUTE && t !== RTM_DELROUTE && t !== RTM_NEWRULE && t !== RTM_DELRULE) return null;
  return decodeRoutingMessage(message);
}
