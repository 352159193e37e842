import type { Diagnostic } from '../Diagnostic.js';
import type { Statement } from '../ConfigAst.js';
import type { PassThroughKeyword } from './Common.js';
import { buildGlobalDefs } from './buildGlobalDefs.js';
import { buildVirtualServer } from './buildVirtualServer.js';
import { buildVirtualServerGroup } from './buildVirtualServerGroup.js';
import { buildVrrpInstance } from './buildVrrpInstance.js';
import { buildVrrpScript } from './buildVrrpScript.js';
import { buildVrrpSyncGroup } from './buildVrrpSyncGroup.js';
import { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRules } from './KeywordRules.js';
import type { RouteSpec, RuleSpec } from './RoutingPolicy.js';
import { readRoute } from './RouteText.js';
import { RulePreferences } from './RulePreferences.js';
import { readRule } from './RuleText.js';
import type { VigilConfig } from './VigilConfig.js';

/** Top-level statements sorted by kind, in file order. */
interface TopLevel {
  global: Statement[];
  scripts: Statement[];
  syncGroups: Statement[];
  instances: Statement[];
  vsGroups: Statement[];
  virtualServers: Statement[];
  netNamespace: Statement | null;
  staticRoutes: Statement[];
  staticRules: Statement[];
  passThrough: PassThroughKeyword[];
}

const named = (key: 'scripts' | 'syncGroups' | 'instances' | 'vsGroups') => ({
  minArgs: 1,
  block: 'required' as const,
  repeatable: true,
  usage: 'NAME { ... }',
  apply: (s: Statement, t: TopLevel) => t[key].push(s),
});

export const TOP_RULES: KeywordRules<TopLevel> = {
  global_defs: { block: 'required', repeatable: true, apply: (s, t) => t.global.push(s) },
  vrrp_script: { ...named('scripts'), usage: 'vrrp_script NAME { script "..." }' },
  vrrp_sync_group: { ...named('syncGroups'), usage: 'vrrp_sync_group NAME { group { ... } }' },
  vrrp_instance: { ...named('instances'), usage: 'vrrp_instance NAME { ... }' },
  virtual_server_group: { ...named('vsGroups'), usage: 'virtual_server_group NAME { ... }' },
  virtual_server: { maxArgs: 3, block: 'required', repeatable: true, apply: (s, t) => t.virtualServers.push(s) },
  // keepalived global_parser.c: a root keyword; the name of a namespace under /run/netns.
  net_namespace: { minArgs: 1, maxArgs: 1, usage: 'net_namespace NAME', apply: (s, t) => (t.netNamespace = s) },
  static_routes: { block: 'required', repeatable: true, apply: (s, t) => t.staticRoutes.push(s) },
  static_rules: { block: 'required', repeatable: true, apply: (s, t) => t.staticRules.push(s) },
};

/** Top-level keywords keepalived 2.2.7 knows that Vigil accepts without acting on them. */
export const TOP_PASS_THROUGH: ReadonlySet<string> = new Set([
  'static_ipaddress', 'track_group', 'garp_group', 'linkbeat_interfaces',
  'vrrp_track_process', 'vrrp_track_file', 'track_file', 'interface_up_down_delays', 'SSL', 'bfd_instance',
  'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time',
  'linkbeat_use_polling',
]);

/** Every name declared, including objects dropped for errors (so references to them do not cascade). */
export interface DeclaredNames {
  readonly vrrpScripts: ReadonlySet<string>;
  readonly vrrpInstances: ReadonlySet<string>;
  readonly virtualServerGroups: ReadonlySet<string>;
}

export interface BuiltModel {
  readonly config: VigilConfig;
  readonly diagnostics: Diagnostic[];
  readonly declared: DeclaredNames;
}

/** Names must be unique per kind: keepalived keeps the first ("already defined") and drops the rest. */
function uniqueByName<T extends { readonly name: string; readonly pos: Statement['keyword']['pos'] }>(
  items: readonly (T | null)[],
  kind: string,
  sink: DiagnosticSink,
): T[] {
  const byName = new Map<string, T>();
  const out: T[] = [];
  for (const item of items) {
    if (!item) continue;
    const first = byName.get(item.name);
    if (first) {
      sink.error(
        'duplicate-name',
        { pos: item.pos, length: kind.length },
        kind,
        `${kind} ${item.name} is already defined (keepalived ignores this one)`,
        `the first is at ${first.pos.file}:${first.pos.line}; rename one of them`,
      );
      continue;
    }
    byName.set(item.name, item);
    out.push(item);
  }
  return out;
}

/** A namespace name is a file name under /run/netns (iproute2 refuses '/' and the dot names). */
function netNamespaceOf(stmt: Statement | null, sink: DiagnosticSink): VigilConfig['netNamespace'] {
  const word = stmt?.args[0];
  if (!stmt || !word) return null;
  if (!/^[A-Za-z0-9_.-]{1,255}$/.test(word.text) || word.text === '.' || word.text === '..') {
    sink.error('invalid-value', word, 'net_namespace', `'${word.text}' is not a network namespace name`, 'a name as `ip netns add` takes it: letters, digits, _ . -');
    return null;
  }
  return { name: word.text, pos: stmt.keyword.pos };
}

/**
 * Builds the typed model from the parsed statements. Reports syntax-level problems of each block
 * (unknown keywords, bad values, missing settings); cross-references are checked by
 * validateConfigModel.
 */
export function buildConfigModel(statements: readonly Statement[]): BuiltModel {
  const sink = new DiagnosticSink();
  const top: TopLevel = { global: [], scripts: [], syncGroups: [], instances: [], vsGroups: [], virtualServers: [], netNamespace: null, staticRoutes: [], staticRules: [], passThrough: [] };
  walkBlock(statements, TOP_RULES, top, sink, {
    blockName: 'the top level of the configuration',
    passThrough: TOP_PASS_THROUGH,
    onPassThrough: (p) => top.passThrough.push({ keyword: p.keyword.text, args: p.args.map((a) => a.text), pos: p.keyword.pos }),
  });
  const global = buildGlobalDefs(top.global, sink);
  // Rules without a preference are numbered in file order across static_rules and every
  // virtual_rules, so instances and static rules are built in the order they were written.
  const preferences = new RulePreferences();
  const staticRules: RuleSpec[] = [];
  const instances = new Map<Statement, ReturnType<typeof buildVrrpInstance>>();
  for (const s of statements) {
    if (top.staticRules.includes(s)) {
      for (const item of s.block?.statements ?? []) {
        const rule = readRule(item, 'static_rules', sink);
        if (rule) staticRules.push(preferences.complete(rule, 'static_rules', sink));
      }
    } else if (top.instances.includes(s)) instances.set(s, buildVrrpInstance(s, global, sink, preferences));
  }
  const staticRoutes: RouteSpec[] = top.staticRoutes.flatMap((s) => (s.block?.statements ?? []).map((item) => readRoute(item, 'static_routes', sink)).filter((r) => r !== null));
  const config: VigilConfig = {
    global,
    vrrpScripts: uniqueByName(top.scripts.map((s) => buildVrrpScript(s, sink)), 'vrrp_script', sink),
    vrrpSyncGroups: uniqueByName(top.syncGroups.map((s) => buildVrrpSyncGroup(s, sink)), 'vrrp_sync_group', sink),
    vrrpInstances: uniqueByName(top.instances.map((s) => instances.get(s) ?? null), 'vrrp_instance', sink),
    virtualServerGroups: uniqueByName(top.vsGroups.map((s) => buildVirtualServerGroup(s, sink)), 'virtual_server_group', sink),
    virtualServers: top.virtualServers.map((s) => buildVirtualServer(s, sink)).filter((v) => v !== null),
    netNamespace: netNamespaceOf(top.netNamespace, sink),
    staticRoutes,
    staticRules,
    passThrough: top.passThrough,
  };
  const namesOf = (list: readonly Statement[]) => new Set(list.map((s) => s.args[0]?.text).filter((n) => n !== undefined));
  const declared: DeclaredNames = {
    vrrpScripts: namesOf(top.scripts),
    vrrpInstances: namesOf(top.instances),
    virtualServerGroups: namesOf(top.vsGroups),
  };
  return { config, diagnostics: sink.diagnostics, declared };
}
