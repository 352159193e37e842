import type { RouteSpec, RuleSpec } from '../../config/model/RoutingPolicy.js';
import type { RoutingOutcome } from '../../netlink/rtnl/RoutingInstaller.js';
import { instanceRouteFromConfig, instanceRuleFromConfig, type InstanceRoute, type InstanceRule } from './RoutingSpecMapping.js';
import { SerialTaskQueue } from './SerialTaskQueue.js';
import type { RoutingInstallerPort } from './VrrpInstanceRuntime.js';
import type { VrrpLog } from './VrrpLog.js';

/**
 * `static_routes` / `static_rules`, as keepalived 2.2.7 handles them: installed when the
 * VRRP side starts (before any instance), changed by difference on reload, removed when
 * it stops (rules first), and never put back when deleted from outside (keepalived only
 * lets a `track_group` react to that, which Vigil does not implement).
 */
export class StaticRouting {
  private routes: readonly InstanceRoute[] = [];
  private rules: readonly InstanceRule[] = [];
  private readonly queue: SerialTaskQueue;

  constructor(
    private readonly routing: RoutingInstallerPort,
    private readonly log: VrrpLog,
  ) {
    this.queue = new SerialTaskQueue((error, label) => {
      this.log.warn({ task: label, error: error instanceof Error ? error.message : String(error) }, `${label} failed`);
    });
  }

  /** Resolves once they are installed (at once when there are none). */
  install(routes: readonly RouteSpec[], rules: readonly RuleSpec[]): Promise<void> {
    return this.replace(routes, rules);
  }

  /** Removes what is no longer configured, then adds what is new; resolves when done. */
  replace(routes: readonly RouteSpec[], rules: readonly RuleSpec[]): Promise<void> {
    const nextRoutes = routes.map(instanceRouteFromConfig);
    const nextRules = rules.map(instanceRuleFromConfig);
    const missing = <T extends { key: string }>(from: readonly T[], to: readonly T[]): T[] => from.filter((x) => !to.some((y) => y.key === x.key));
    const gone = { routes: missing(this.routes, nextRoutes), rules: missing(this.rules, nextRules) };
    const added = { routes: missing(nextRoutes, this.routes), rules: missing(nextRules, this.rules) };
    this.routes = nextRoutes;
    this.rules = nextRules;
    if (gone.routes.length + gone.rules.length + added.routes.length + added.rules.length === 0) return Promise.resolve();
    return this.queue.push('static routes and rules', async () => {
      if (gone.rules.length > 0) this.check('remove', await this.routing.removeRules(gone.rules.map((r) => r.request)));
      if (gone.routes.length > 0) this.check('remove', await this.routing.removeRoutes(gone.routes.map((r) => r.entry)));
      if (added.routes.length > 0) this.check('add', await this.routing.addRoutes(added.routes.map((r) => r.entry)));
      if (added.rules.length > 0) this.check('add', await this.routing.addRules(added.rules.map((r) => r.request)));
    });
  }

  /** Removes every static rule and route; resolves when done. */
  remove(): Promise<void> {
    return this.replace([], []);
  }

  private check(operation: 'add' | 'remove', outcomes: readonly RoutingOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.status === 'failed') {
        this.log.error({ entry: outcome.description, code: outcome.error.code, reason: `static-routing-${operation}-failed` }, outcome.error.message);
      }
    }
  }
}
