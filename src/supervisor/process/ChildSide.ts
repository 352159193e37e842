import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VrrpRoleEvent } from '../../ipvs/LvsSyncDaemonController.js';
import type { ChildReloadResult, ChildStatusPart } from './ChildMessages.js';

/** What a child runs (the VRRP side or the checker + IPVS side), as the child's main loop sees it. */
export interface ChildSide {
  /** `detail`: include what only the state dump needs. */
  statusPart(detail?: boolean): ChildStatusPart;
  /** Applies a configuration the parent already validated; `ok: false` means nothing changed. */
  reload(config: VigilConfig): Promise<ChildReloadResult>;
  /** A VRRP instance changed role (for lvs_sync_daemon); only the checker side listens. */
  vrrpRole(event: VrrpRoleEvent): void;
  /** Graceful, bounded stop. */
  stop(): Promise<void>;
}
