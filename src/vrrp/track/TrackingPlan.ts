import type { WeightedRef } from '../../config/model/Common.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import { InstanceTracking, type TrackedObject } from './InstanceTracking.js';

/**
 * The tracked objects of an instance from the configuration (keepalived vrrp_track.c):
 * - `track_script NAME [weight W [reverse]]`: the line's weight, else the script's own;
 * - `track_interface NAME [weight W [reverse]]`: weight 0 (fault) unless given;
 * - the instance's sync group's tracks apply to every member. Inside a sync group,
 *   weights (the group's and the member's own) only count with
 *   `sync_group_tracking_weight`; otherwise every tracked object faults the group
 *   (keepalived vrrp_sync.c ignores them so the members cannot drift apart).
 */
export function trackingForInstance(config: Pick<VigilConfig, 'vrrpScripts' | 'vrrpSyncGroups'>, instance: VrrpInstance): InstanceTracking {
  const scriptWeight = (ref: WeightedRef): { weight: number; reverse: boolean } => {
    if (ref.weight !== null) return { weight: ref.weight, reverse: ref.reverse };
    const script = config.vrrpScripts.find((s) => s.name === ref.name);
    return { weight: script?.weight ?? 0, reverse: script?.weightReverse ?? false };
  };
  const group = config.vrrpSyncGroups.find((g) => g.members.some((m) => m.name === instance.name));
  const keep = (o: { weight: number; reverse: boolean }): { weight: number; reverse: boolean } =>
    group === undefined || group.syncGroupTrackingWeight ? o : { weight: 0, reverse: false };
  const interfaceWeight = (ref: WeightedRef): { weight: number; reverse: boolean } => ({ weight: ref.weight ?? 0, reverse: ref.reverse });
  const objects: TrackedObject[] = [
    ...instance.trackScripts.map((ref) => ({ kind: 'script' as const, name: ref.name, ...keep(scriptWeight(ref)) })),
    ...instance.trackInterfaces.map((ref) => ({ kind: 'interface' as const, name: ref.name, ...keep(interfaceWeight(ref)) })),
  ];
  if (group !== undefined) {
    for (const ref of group.trackScripts) objects.push({ kind: 'script', name: ref.name, ...keep(scriptWeight(ref)) });
    for (const ref of group.trackInterfaces) objects.push({ kind: 'interface', name: ref.name, ...keep(interfaceWeight(ref)) });
  }
  return new InstanceTracking(objects);
}
