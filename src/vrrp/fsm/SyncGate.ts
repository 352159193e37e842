/**
 * What an instance asks its sync group before moving on its own (keepalived vrrp_sync.c).
 * The `SyncGroupCoordinator` implements it; a standalone instance has no gate.
 */
export interface SyncGate {
  /** Name of the group, for logs. */
  readonly groupName: string;
  /**
   * May `instance` become master on its own (timer expiry, owner startup)? keepalived's
   * `vrrp_sync_can_goto_master`: yes if the group is already master, otherwise only when every
   * other member also wants to be master — it prefers Backup "to avoid thrashing".
   */
  mayBecomeMaster(instance: string): boolean;
  /** May `instance` leave (or avoid) Fault? Only when no member of the group has a fault of its own. */
  mayLeaveFault(instance: string): boolean;
}
