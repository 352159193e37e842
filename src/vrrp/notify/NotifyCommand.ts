import type { ScriptCommand, ScriptUser } from '../../config/model/Common.js';
import type { NotifyState } from '../fsm/VrrpState.js';

/** The notify scripts of an instance or a sync group. */
export interface NotifyScripts {
  readonly notify: ScriptCommand | null;
  readonly notifyMaster: ScriptCommand | null;
  readonly notifyBackup: ScriptCommand | null;
  readonly notifyFault: ScriptCommand | null;
  readonly notifyStop: ScriptCommand | null;
}

/** One script to run for a transition. */
export interface NotifyCommand {
  readonly argv: readonly string[];
  /** For the log: `notify_master`, `notify`. */
  readonly keyword: string;
  /** `notify_* COMMAND USER [GROUP]`; null: the global `script_user`. */
  readonly runAs: ScriptUser | null;
}

const SPECIFIC: Record<NotifyState, { key: keyof NotifyScripts; keyword: string }> = {
  MASTER: { key: 'notifyMaster', keyword: 'notify_master' },
  BACKUP: { key: 'notifyBackup', keyword: 'notify_backup' },
  FAULT: { key: 'notifyFault', keyword: 'notify_fault' },
  STOP: { key: 'notifyStop', keyword: 'notify_stop' },
};

/**
 * The scripts keepalived runs for an instance entering `state` (vrrp_notify.c
 * `notify_instance_exec`): the state's own script as written, then the generic `notify`
 * with `INSTANCE <name> <state> <priority>` appended.
 */
export function instanceNotifyCommands(name: string, scripts: NotifyScripts, state: NotifyState, priority: number): NotifyCommand[] {
  return commands(scripts, state, ['INSTANCE', name, state, String(priority)]);
}

/** The same for a sync group (`notify_group_exec`): the generic script gets `GROUP <name> <state>`. */
export function groupNotifyCommands(name: string, scripts: NotifyScripts, state: NotifyState): NotifyCommand[] {
  return commands(scripts, state, ['GROUP', name, state]);
}

function commands(scripts: NotifyScripts, state: NotifyState, genericArgs: readonly string[]): NotifyCommand[] {
  const out: NotifyCommand[] = [];
  const specific = SPECIFIC[state];
  const own = scripts[specific.key];
  if (own !== null) out.push({ argv: own.argv, keyword: specific.keyword, runAs: own.runAs ?? null });
  if (scripts.notify !== null) {
    out.push({ argv: [...scripts.notify.argv, ...genericArgs], keyword: 'notify', runAs: scripts.notify.runAs ?? null });
  }
  return out;
}
