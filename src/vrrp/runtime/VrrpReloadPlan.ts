import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VirtualIpAddress, VrrpInstance } from '../../config/model/VrrpInstance.js';
import type { VrrpScript } from '../../config/model/VrrpScript.js';
import { PRIORITY_OWNER } from '../fsm/InstanceSpec.js';
import { trackingForInstance } from '../track/TrackingPlan.js';
import { equalIgnoringPositions } from './ConfigEquality.js';

/** VIP lines gained and lost by an instance, as `ADDR/LEN` text (a line whose options changed counts as both). */
export interface VipListChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * What a reload does to one `vrrp_instance`:
 * - `unchanged`: nothing (state, timers and VIPs carry over untouched);
 * - `updated`: changed in place, through the running machine and runtime: its VIP lists,
 *   its virtual routes and rules, its base priority (neither side 255), its notify scripts;
 * - `restarted`: stopped as on shutdown and started again through Initialize;
 * - `added` / `removed`: started / stopped.
 */
export type InstanceReloadAction =
  | { readonly kind: 'unchanged'; readonly name: string }
  | {
      readonly kind: 'updated';
      readonly name: string;
      /** `virtual_ipaddress` / `virtual_ipaddress_excluded` changes; null when they are the same. */
      readonly vips: VipListChange | null;
      /** `virtual_routes` / `virtual_rules` changed: a master removes the old entries and adds the new ones in place. */
      readonly routesChanged: boolean;
      readonly priority: { readonly from: number; readonly to: number } | null;
      /** `notify*` / `smtp_alert` changed: the new commands run from the next transition on. */
      readonly notifyChanged: boolean;
    }
  | { readonly kind: 'restarted'; readonly name: string; readonly reasons: readonly string[] }
  | { readonly kind: 'added'; readonly name: string }
  | { readonly kind: 'removed'; readonly name: string };

/**
 * What a reload does to one `vrrp_sync_group`: `kept` (coordinator and its state carry
 * over), `updated` (the same, with new notify scripts), `rebuilt` (a new coordinator over
 * the members, every one of them restarted), `added`, `removed`.
 */
export type SyncGroupReloadAction = { readonly kind: 'kept' | 'updated' | 'rebuilt' | 'added' | 'removed'; readonly name: string };

/**
 * What a reload does to one tracked `vrrp_script` runner: `kept` (runner and current
 * status carry over), `restarted` (its definition or identity changed: a new runner from
 * INIT), `started` (newly tracked), `stopped` (no longer tracked). Scripts nobody tracks
 * have no runner and are not listed.
 */
export type ScriptReloadAction = { readonly kind: 'kept' | 'restarted' | 'started' | 'stopped'; readonly name: string };

export interface VrrpReloadPlan {
  /** The new configuration's instances in its order, then the removed ones. */
  readonly instances: readonly InstanceReloadAction[];
  readonly syncGroups: readonly SyncGroupReloadAction[];
  readonly scripts: readonly ScriptReloadAction[];
}

type InstanceField = keyof VrrpInstance;

/** Applied in place by replacing the VIP list (adverts, installer, announcements). */
const VIP_FIELDS: readonly InstanceField[] = ['virtualIpAddresses', 'virtualIpAddressesExcluded'];
/** Applied in place by difference (a master removes the lines gone, then adds the new ones), like the VIPs. */
const ROUTE_FIELDS: readonly InstanceField[] = ['virtualRoutes', 'virtualRules'];
/** Read when a transition runs its scripts, so the new ones simply apply from then on. */
const NOTIFY_FIELDS: readonly InstanceField[] = ['notify', 'notifyMaster', 'notifyBackup', 'notifyFault', 'notifyStop', 'notifyMasterRxLowerPri', 'smtpAlert'];
const IN_PLACE_FIELDS = new Set<InstanceField>(['name', 'pos', 'priority', ...VIP_FIELDS, ...ROUTE_FIELDS, ...NOTIFY_FIELDS]);

/**
 * Decides, from the running and the new configuration alone, what a reload must do to each
 * instance, sync group and tracked script. Pure: the engine and the daemon carry it out.
 *
 * An instance restarts when anything the machine, its sockets or its receive checks were
 * built from changes: any field outside the in-place ones, a priority moving to or from
 * 255 (the address owner has its own start-up, accept and preempt rules, RFC 5798 §6.4.1),
 * its tracked objects (which include its script weights and its group's tracks), the sync
 * group it belongs to, the `global_defs` multicast group of its family (multicast instances)
 * or the GARP/NA spacing. A sync group whose membership changed, or which loses, gains or
 * restarts a member, is rebuilt and all of its members restart with it, so the group and
 * its members go through Initialize together instead of mixing a fresh coordinator with
 * machines that are already MASTER.
 */
export function planVrrpReload(old: VigilConfig, next: VigilConfig): VrrpReloadPlan {
  const oldByName = new Map(old.vrrpInstances.map((i) => [i.name, i]));
  const nextNames = new Set(next.vrrpInstances.map((i) => i.name));
  const decided = new Map<string, InstanceReloadAction>();
  for (const instance of next.vrrpInstances) {
    const before = oldByName.get(instance.name);
    decided.set(instance.name, before === undefined ? { kind: 'added', name: instance.name } : compareInstance(old, before, next, instance));
  }

  const syncGroups: SyncGroupReloadAction[] = [];
  const oldGroups = new Map(old.vrrpSyncGroups.map((g) => [g.name, g]));
  for (const group of next.vrrpSyncGroups) {
    const before = oldGroups.get(group.name);
    if (before === undefined) {
      syncGroups.push({ kind: 'added', name: group.name });
      continue;
    }
    const sameMembers = equalIgnoringPositions(memberSet(before), memberSet(group));
    const memberMoved = group.members.some((m) => {
      const kind = decided.get(m.name)?.kind;
      return kind === 'restarted' || kind === 'added';
    });
    if (!sameMembers || memberMoved) syncGroups.push({ kind: 'rebuilt', name: group.name });
    else syncGroups.push({ kind: equalIgnoringPositions(before, group) ? 'kept' : 'updated', name: group.name });
  }
  for (const group of old.vrrpSyncGroups) {
    if (!next.vrrpSyncGroups.some((g) => g.name === group.name)) syncGroups.push({ kind: 'removed', name: group.name });
  }
  // Every member of a new or rebuilt group starts afresh with it.
  for (const group of next.vrrpSyncGroups) {
    const action = syncGroups.find((g) => g.name === group.name);
    if (action?.kind !== 'rebuilt' && action?.kind !== 'added') continue;
    for (const member of group.members) {
      const current = decided.get(member.name);
      if (current === undefined || current.kind === 'added') continue;
      const reason = `sync group ${group.name} ${action.kind === 'added' ? 'created' : 'rebuilt'}`;
      if (current.kind === 'restarted') {
        if (!current.reasons.includes(reason)) decided.set(member.name, { ...current, reasons: [...current.reasons, reason] });
      } else {
        decided.set(member.name, { kind: 'restarted', name: member.name, reasons: [reason] });
      }
    }
  }

  const instances: InstanceReloadAction[] = [...decided.values()];
  for (const instance of old.vrrpInstances) if (!nextNames.has(instance.name)) instances.push({ kind: 'removed', name: instance.name });
  return { instances, syncGroups, scripts: planScripts(old, next) };
}

/** keepalived runs only the `vrrp_script`s some instance or sync group tracks. */
export function trackedScriptNames(config: Pick<VigilConfig, 'vrrpInstances' | 'vrrpSyncGroups'>): Set<string> {
  return new Set([
    ...config.vrrpInstances.flatMap((i) => i.trackScripts.map((r) => r.name)),
    ...config.vrrpSyncGroups.flatMap((g) => g.trackScripts.map((r) => r.name)),
  ]);
}

function compareInstance(oldConfig: VigilConfig, before: VrrpInstance, nextConfig: VigilConfig, after: VrrpInstance): InstanceReloadAction {
  const name = after.name;
  const reasons: string[] = [];
  const fields = new Set<InstanceField>([...(Object.keys(before) as InstanceField[]), ...(Object.keys(after) as InstanceField[])]);
  for (const field of fields) {
    if (IN_PLACE_FIELDS.has(field)) continue;
    if (!equalIgnoringPositions(before[field], after[field])) reasons.push(field);
  }
  if (before.priority !== after.priority && (before.priority === PRIORITY_OWNER || after.priority === PRIORITY_OWNER)) {
    reasons.push('priority (address owner)');
  }
  if (!equalIgnoringPositions(trackingForInstance(oldConfig, before).objects, trackingForInstance(nextConfig, after).objects)) {
    reasons.push('tracking');
  }
  if (groupNameOf(oldConfig, name) !== groupNameOf(nextConfig, name)) reasons.push('sync group membership');
  if (after.unicastPeers.length === 0) {
    const key = after.family === 'inet6' ? 'vrrpMcastGroup6' : 'vrrpMcastGroup4';
    if (oldConfig.global[key] !== nextConfig.global[key]) reasons.push(key);
  }
  for (const key of ['vrrpGarpIntervalSeconds', 'vrrpGnaIntervalSeconds'] as const) {
    if (oldConfig.global[key] !== nextConfig.global[key]) reasons.push(key);
  }
  if (reasons.length > 0) return { kind: 'restarted', name, reasons };

  const vipsSame = VIP_FIELDS.every((f) => equalIgnoringPositions(before[f], after[f]));
  const routesSame = ROUTE_FIELDS.every((f) => equalIgnoringPositions(before[f], after[f]));
  const notifySame = NOTIFY_FIELDS.every((f) => equalIgnoringPositions(before[f], after[f]));
  if (vipsSame && routesSame && notifySame && before.priority === after.priority) return { kind: 'unchanged', name };
  return {
    kind: 'updated',
    name,
    vips: vipsSame ? null : vipListChange(before, after),
    routesChanged: !routesSame,
    priority: before.priority === after.priority ? null : { from: before.priority, to: after.priority },
    notifyChanged: !notifySame,
  };
}

function vipListChange(before: VrrpInstance, after: VrrpInstance): VipListChange {
  const lines = (i: VrrpInstance): VirtualIpAddress[] => [...i.virtualIpAddresses, ...i.virtualIpAddressesExcluded];
  const missingFrom = (list: readonly VirtualIpAddress[], from: readonly VirtualIpAddress[]): string[] =>
    list.filter((v) => !from.some((w) => equalIgnoringPositions(v, w))).map((v) => `${v.address}/${v.prefixLength}`);
  return { added: missingFrom(lines(after), lines(before)), removed: missingFrom(lines(before), lines(after)) };
}

function memberSet(group: VigilConfig['vrrpSyncGroups'][number]): string[] {
  return group.members.map((m) => m.name).sort();
}

function groupNameOf(config: VigilConfig, instance: string): string | undefined {
  return config.vrrpSyncGroups.find((g) => g.members.some((m) => m.name === instance))?.name;
}

function planScripts(old: VigilConfig, next: VigilConfig): ScriptReloadAction[] {
  const wasTracked = trackedScriptNames(old);
  const isTracked = trackedScriptNames(next);
  const definition = (config: VigilConfig, name: string): { script: VrrpScript; runAs: unknown } | undefined => {
    const script = config.vrrpScripts.find((s) => s.name === name);
    return script === undefined ? undefined : { script, runAs: script.user ?? config.global.scriptUser };
  };
  const actions: ScriptReloadAction[] = [];
  for (const script of next.vrrpScripts) {
    if (!isTracked.has(script.name)) continue;
    if (!wasTracked.has(script.name)) {
      actions.push({ kind: 'started', name: script.name });
      continue;
    }
    const same = equalIgnoringPositions(definition(old, script.name), definition(next, script.name));
    actions.push({ kind: same ? 'kept' : 'restarted', name: script.name });
  }
  for (const script of old.vrrpScripts) {
    if (wasTracked.has(script.name) && !(isTracked.has(script.name) && next.vrrpScripts.some((s) => s.name === script.name))) {
      actions.push({ kind: 'stopped', name: script.name });
    }
  }
  return actions;
}
