import { VigilError } from '../../core/VigilError.js';
import type { Action } from './Action.js';
import type { InstanceEvent, SyncGroupTarget } from './InstanceEvent.js';
import { PRIORITY_OWNER } from './InstanceSpec.js';
import type { SyncGate } from './SyncGate.js';
import type { VrrpInstanceMachine } from './VrrpInstanceMachine.js';
import type { VrrpState } from './VrrpState.js';

export type SyncGroupState = 'BACKUP' | 'MASTER' | 'FAULT';

/** What a group itself asks for: its own notify (`notify_master` etc. of the sync group) and logs. */
export type GroupAction =
  | { readonly type: 'group-notify'; readonly state: SyncGroupState }
  | Extract<Action, { type: 'log' }>;

/**
 * Actions produced while handling one event, by whom, and (for members moved by the group)
 * the forced event that moved them.
 */
export type ActionBatch =
  | { readonly origin: 'instance'; readonly name: string; readonly event: InstanceEvent; readonly actions: readonly Action[] }
  | { readonly origin: 'group'; readonly name: string; readonly actions: readonly GroupAction[] };

/**
 * A `vrrp_sync_group`: its members change state together. Follows keepalived 2.2.7
 * (vrrp_sync.c and the TSM table in vrrp_scheduler.c):
 *
 * - To MASTER: a member may only take over on its own (timer expiry, owner start, owner leaving
 *   Fault) when the group is already MASTER or every other member also wants MASTER (its own
 *   Master_Down_Timer has expired too); otherwise it stays Backup "wanting MASTER" and retries
 *   after another Master_Down_Interval. When one member does become master, all others are
 *   forced to Master at once.
 * - To BACKUP: when a master member steps down (a higher-priority advert), all other masters are
 *   forced to Backup (no priority 0 advert: keepalived calls leave_master without advF).
 * - To FAULT: the first member with a fault of its own forces every other member into Fault;
 *   a forced master resigns with a priority 0 advert.
 * - Out of FAULT: members leave Fault only when no member has a fault of its own; the last one
 *   to recover goes to Backup (or Master, for an owner) and pulls the others to Backup.
 * - The group starts MASTER only when every member is an address owner wanting MASTER
 *   (vrrp_sync.c `vrrp_sync_set_group`), otherwise BACKUP.
 *
 * Forced members do not trigger further propagation, as in keepalived.
 */
export class SyncGroupCoordinator implements SyncGate {
  readonly groupName: string;
  private readonly members: ReadonlyMap<string, VrrpInstanceMachine>;
  private groupState: SyncGroupState;

  constructor(name: string, members: readonly VrrpInstanceMachine[]) {
    if (members.length === 0) throw new VigilError('VRRP_SYNC_GROUP_EMPTY', `sync group ${name} has no members`);
    const byName = new Map<string, VrrpInstanceMachine>();
    for (const member of members) {
      if (byName.has(member.name)) {
        throw new VigilError('VRRP_SYNC_GROUP_DUPLICATE', `instance ${member.name} listed twice in sync group ${name}`);
      }
      byName.set(member.name, member);
    }
    this.groupName = name;
    this.members = byName;
    const allOwnersWantingMaster = members.every(
      (m) => m.spec.basePriority === PRIORITY_OWNER && m.spec.initialState === 'MASTER',
    );
    this.groupState = allOwnersWantingMaster ? 'MASTER' : 'BACKUP';
    for (const member of members) member.attachSyncGroup(this);
  }

  get state(): SyncGroupState {
    return this.groupState;
  }

  get memberNames(): readonly string[] {
    return [...this.members.keys()];
  }

  has(instance: string): boolean {
    return this.members.has(instance);
  }

  mayBecomeMaster(instance: string): boolean {
    if (this.groupState === 'MASTER') return true;
    for (const [name, member] of this.members) {
      if (name !== instance && !member.wantsMaster) return false;
    }
    return true;
  }

  mayLeaveFault(instance: string): boolean {
    for (const [name, member] of this.members) {
      if (name !== instance && member.hasOwnFault) return false;
    }
    return true;
  }

  /** Delivers `event` to member `instance`, then applies the group's propagation rules. */
  handle(instance: string, event: InstanceEvent, nowMs: number): ActionBatch[] {
    const member = this.members.get(instance);
    if (!member) {
      throw new VigilError('VRRP_SYNC_GROUP_UNKNOWN_MEMBER', `instance ${instance} is not in sync group ${this.groupName}`);
    }
    const before = member.state;
    const batches: ActionBatch[] = [{ origin: 'instance', name: instance, event, actions: member.handle(event, nowMs) }];
    const after = member.state;
    if (before === after) return batches;

    const target = this.propagationTarget(before, after, event);
    if (target === undefined || target === this.groupState) return batches;
    this.groupState = target;
    batches.push({
      origin: 'group',
      name: this.groupName,
      actions: [{ type: 'log', level: 'info', message: `VRRP_Group(${this.groupName}) Syncing instances to ${target} state` }],
    });
    for (const [name, other] of this.members) {
      if (name === instance || other.state === target || other.state === 'INIT') continue;
      const forced: InstanceEvent = { type: 'sync-group', group: this.groupName, to: target };
      batches.push({ origin: 'instance', name, event: forced, actions: other.handle(forced, nowMs) });
    }
    batches.push({
      origin: 'group',
      name: this.groupName,
      actions: [{ type: 'group-notify', state: target }],
    });
    return batches;
  }

  /** keepalived's TSM: which group transition a member's own transition triggers. */
  private propagationTarget(before: VrrpState, after: VrrpState, event: InstanceEvent): SyncGroupState | undefined {
    if (event.type === 'shutdown') return undefined; // every member is stopped on its own
    if (after === 'MASTER') return 'MASTER'; // B→M, F→M: vrrp_sync_master
    if (after === 'FAULT') return 'FAULT'; // down_instance → vrrp_sync_fault
    if (after === 'BACKUP' && (before === 'MASTER' || before === 'FAULT')) return 'BACKUP'; // M→B, try_up_instance
    return undefined; // INIT → BACKUP at startup
  }
}
