import type { SourcePos } from '../SourcePos.js';
import type { GlobalDefs } from './GlobalDefs.js';
import type { PassThroughKeyword } from './Common.js';
import type { RouteSpec, RuleSpec } from './RoutingPolicy.js';
import type { VirtualServer } from './VirtualServer.js';
import type { VirtualServerGroup } from './VirtualServerGroup.js';
import type { VrrpInstance } from './VrrpInstance.js';
import type { VrrpScript } from './VrrpScript.js';
import type { VrrpSyncGroup } from './VrrpSyncGroup.js';

/**
 * Everything a keepalived.conf says, typed, with keepalived 2.2.7's defaults filled in.
 * Plain readonly data (JSON-serialisable): every object carries the `pos` of its keyword.
 */
export interface VigilConfig {
  readonly global: GlobalDefs;
  readonly vrrpScripts: readonly VrrpScript[];
  readonly vrrpSyncGroups: readonly VrrpSyncGroup[];
  readonly vrrpInstances: readonly VrrpInstance[];
  readonly virtualServerGroups: readonly VirtualServerGroup[];
  readonly virtualServers: readonly VirtualServer[];
  /**
   * `net_namespace NAME` (top level): keepalived runs in the named network namespace
   * (`/run/netns/NAME`); Vigil runs its children there. `null`: the current namespace.
   */
  readonly netNamespace: { readonly name: string; readonly pos: SourcePos } | null;
  /** `static_routes`: installed when the VRRP side starts, removed when it stops, never put back (as keepalived 2.2.7). */
  readonly staticRoutes: readonly RouteSpec[];
  /** `static_rules`: as `staticRoutes`. */
  readonly staticRules: readonly RuleSpec[];
  /** Top-level blocks keepalived knows and Vigil does not act on (static_ipaddress, track_file ...). */
  readonly passThrough: readonly PassThroughKeyword[];
}
