import type { SourcePos } from '../SourcePos.js';
import type { NameRef, ScriptCommand, WeightedRef } from './Common.js';

/** `vrrp_sync_group NAME { group { VI_1 VI_2 } ... }`: instances that change state together. */
export interface VrrpSyncGroup {
  readonly name: string;
  readonly pos: SourcePos;
  readonly members: readonly NameRef[];
  readonly trackInterfaces: readonly WeightedRef[];
  readonly trackScripts: readonly WeightedRef[];
  readonly notify: ScriptCommand | null;
  readonly notifyMaster: ScriptCommand | null;
  readonly notifyBackup: ScriptCommand | null;
  readonly notifyFault: ScriptCommand | null;
  readonly notifyStop: ScriptCommand | null;
  readonly smtpAlert: boolean | null;
  /** Deprecated by keepalived (it warns); kept for meaning. */
  readonly globalTracking: boolean;
  readonly syncGroupTrackingWeight: boolean;
}
