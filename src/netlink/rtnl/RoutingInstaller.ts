import type { VigilError } from '../../core/VigilError.js';
import { LINUX_ERRNO, errnoName } from '../LinuxErrno.js';
import type { PipelinedOutcome, PipelinedRequest } from './RequestPipeline.js';
import { encodeAddRouteRequest, encodeDeleteRouteRequest } from './RouteCodec.js';
import { describeRouteRequest, type RouteRequest } from './RouteRequest.js';
import type { RtnlClient } from './RtnlClient.js';
import { rtnlError, type RtnlErrorCode } from './RtnlError.js';
import { encodeAddRuleRequest, encodeDeleteRuleRequest } from './RuleCodec.js';
import { describeRuleRequest, type RuleRequest } from './RuleRequest.js';
import type { InterfaceDirectory } from './VipSpec.js';

/** A route as configured: its interface by name, resolved to an index when it is sent. */
export type RouteEntry = Omit<RouteRequest, 'ifindex'>;

export type RoutingOutcome =
  | {
      readonly description: string;
      /** `already-present` / `already-absent`: EEXIST on add; ESRCH/ENOENT/ENODEV on delete. Not errors. */
      readonly status: 'added' | 'already-present' | 'removed' | 'already-absent';
      readonly retransmitted: boolean;
    }
  | {
      readonly description: string;
      readonly status: 'failed';
      /** RTNL_ROUTE_ADD_FAILED, RTNL_ROUTE_DELETE_FAILED, RTNL_RULE_ADD_FAILED or RTNL_RULE_DELETE_FAILED. */
      readonly error: VigilError;
    };

type Operation = 'add' | 'delete';

interface Prepared {
  readonly description: string;
  readonly encode: (seq: number) => Uint8Array;
}

/**
 * Adds and deletes routes and policy rules, a batch in flight at once, as `VipInstaller`
 * does for addresses: idempotent (adding what is there or deleting what is not is
 * reported, not failed), every failure naming the route or rule it belongs to.
 */
export class RoutingInstaller {
  constructor(
    private readonly client: Pick<RtnlClient, 'execute'>,
    private readonly interfaces: InterfaceDirectory,
  ) {}

  addRoutes(routes: readonly RouteEntry[]): Promise<RoutingOutcome[]> {
    return this.runRoutes('add', routes);
  }

  removeRoutes(routes: readonly RouteEntry[]): Promise<RoutingOutcome[]> {
    return this.runRoutes('delete', routes);
  }

  addRules(rules: readonly RuleRequest[]): Promise<RoutingOutcome[]> {
    return this.run('rule', 'add', rules.map((r) => ({ description: describeRuleRequest(r), encode: (seq: number) => encodeAddRuleRequest(r, { seq }) })));
  }

  removeRules(rules: readonly RuleRequest[]): Promise<RoutingOutcome[]> {
    return this.run('rule', 'delete', rules.map((r) => ({ description: describeRuleRequest(r), encode: (seq: number) => encodeDeleteRuleRequest(r, { seq }) })));
  }

  private runRoutes(operation: Operation, routes: readonly RouteEntry[]): Promise<RoutingOutcome[]> {
    const prepared: (Prepared | RoutingOutcome)[] = routes.map((entry) => {
      const ifindex = entry.ifname === null ? null : this.interfaces.indexOf(entry.ifname);
      const request: RouteRequest = { ...entry, ifindex: ifindex ?? null };
      const description = describeRouteRequest(request);
      if (entry.ifname !== null && ifindex === undefined) {
        // Nothing to delete on an interface that is gone; nothing can be added to it.
        if (operation === 'delete') return { description, status: 'already-absent', retransmitted: false };
        return {
          description,
          status: 'failed',
          error: rtnlError('RTNL_ROUTE_ADD_FAILED', `Netlink: cannot add route ${description}: no interface ${entry.ifname}`, { route: description, interface: entry.ifname }),
        };
      }
      return { description, encode: (seq: number) => (operation === 'add' ? encodeAddRouteRequest(request, { seq }) : encodeDeleteRouteRequest(request, { seq })) };
    });
    return this.run('route', operation, prepared);
  }

  private async run(kind: 'route' | 'rule', operation: Operation, items: readonly (Prepared | RoutingOutcome)[]): Promise<RoutingOutcome[]> {
    const outcomes: (RoutingOutcome | undefined)[] = items.map((item) => ('status' in item ? item : undefined));
    const requests: PipelinedRequest<number>[] = [];
    items.forEach((item, index) => {
      if (!('status' in item)) requests.push({ tag: index, encode: item.encode });
    });
    for (const outcome of await this.client.execute(requests)) {
      const item = items[outcome.tag];
      if (item !== undefined) outcomes[outcome.tag] = interpret(kind, operation, item.description, outcome);
    }
    return items.map(
      (item, index) =>
        outcomes[index] ?? { description: item.description, status: 'failed', error: rtnlError('RTNL_STALLED', `Netlink: no outcome for ${kind} ${item.description}`) },
    );
  }
}

function interpret(kind: 'route' | 'rule', operation: Operation, description: string, outcome: PipelinedOutcome<unknown>): RoutingOutcome {
  const { errno, retransmitted } = outcome;
  if (errno === 0) return { description, status: operation === 'add' ? 'added' : 'removed', retransmitted };
  if (operation === 'add' && errno === LINUX_ERRNO.EEXIST) return { description, status: 'already-present', retransmitted };
  // fib_table_delete answers ESRCH, fib_nl_delrule ENOENT; ENODEV: the interface went with it.
  if (operation === 'delete' && (errno === LINUX_ERRNO.ESRCH || errno === LINUX_ERRNO.ENOENT || errno === LINUX_ERRNO.ENODEV)) {
    return { description, status: 'already-absent', retransmitted };
  }
  const code: RtnlErrorCode =
    kind === 'route' ? (operation === 'add' ? 'RTNL_ROUTE_ADD_FAILED' : 'RTNL_ROUTE_DELETE_FAILED') : operation === 'add' ? 'RTNL_RULE_ADD_FAILED' : 'RTNL_RULE_DELETE_FAILED';
  const reason = outcome.transportError?.message ?? outcome.kernelMessage ?? errnoName(errno);
  return {
    description,
    status: 'failed',
    error: rtnlError(
      code,
      `Netlink: cannot ${operation} ${kind} ${description}: ${reason}`,
      { [kind]: description, errno, errnoName: errnoName(errno), ...(outcome.kernelMessage !== undefined && { kernelMessage: outcome.kernelMessage }) },
      outcome.transportError,
    ),
  };
}
