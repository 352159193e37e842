import type { ScriptJob } from '../../checker/script/OrderedScriptQueue.js';
import type { ScriptUser } from '../../config/model/Common.js';
import type { ScriptOutcome } from '../../checker/script/ScriptProcess.js';
import type { NotifyState } from '../fsm/VrrpState.js';
import type { VrrpLog } from '../runtime/VrrpLog.js';
import { groupNotifyCommands, instanceNotifyCommands, type NotifyCommand, type NotifyScripts } from './NotifyCommand.js';

/** What the dispatcher needs of a queue: `OrderedScriptQueue` (src/checker/script) fits. */
export interface ScriptQueue {
  enqueue(queueKey: string, job: ScriptJob): Promise<ScriptOutcome>;
  drain(): Promise<void>;
  pending(queueKey?: string): number;
}

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

/** keepalived puts no bound on notify scripts; ours is generous but finite so a hung one cannot wedge the queue. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 30_000;

export interface NotifyDispatcherOptions {
  readonly queue: ScriptQueue;
  /** uid/gid of the global `script_user`; null runs as ourselves. */
  readonly runAs: UserIds | null;
  /** uid/gid of a script's own `USER [GROUP]`; undefined when the name does not exist. */
  readonly resolveUser?: (user: ScriptUser) => UserIds | undefined;
  readonly timeoutMs?: number;
  readonly log: VrrpLog;
}

/**
 * Notify scripts for instance and sync-group transitions. Each owner (an instance or a
 * group) has its own queue, so its scripts run one at a time in transition order, each
 * awaited with a timeout and its outcome logged; keepalived forks them all at once and a
 * slow notify_backup can finish after the notify_master that followed it.
 */
export class NotifyDispatcher {
  private readonly timeoutMs: number;
  private identities: Pick<NotifyDispatcherOptions, 'runAs' | 'resolveUser'>;

  constructor(private readonly options: NotifyDispatcherOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
    this.identities = { runAs: options.runAs, ...(options.resolveUser ? { resolveUser: options.resolveUser } : {}) };
  }

  /** A reload's re-resolved `script_user` and notify users, for scripts queued from now on. */
  useIdentities(identities: Pick<NotifyDispatcherOptions, 'runAs' | 'resolveUser'>): void {
    this.identities = identities;
  }

  instance(name: string, scripts: NotifyScripts, state: NotifyState, priority: number): void {
    this.enqueue(`instance:${name}`, `(${name})`, instanceNotifyCommands(name, scripts, state, priority), { instance: name, state });
  }

  group(name: string, scripts: NotifyScripts, state: NotifyState): void {
    this.enqueue(`group:${name}`, `VRRP_Group(${name})`, groupNotifyCommands(name, scripts, state), { group: name, state });
  }

  /** Scripts queued or running. */
  get pending(): number {
    return this.options.queue.pending();
  }

  /** Resolves true once every queued script has finished, false if `timeoutMs` ran out first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.options.queue.drain().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private enqueue(key: string, who: string, commands: readonly NotifyCommand[], fields: Record<string, unknown>): void {
    const { queue, log } = this.options;
    for (const command of commands) {
      const label = `${who} ${command.keyword} ${command.argv.join(' ')}`;
      const ids = command.runAs === null ? this.identities.runAs : this.identities.resolveUser?.(command.runAs);
      if (command.runAs !== null && ids === undefined) {
        // Never fall back to our own (root) identity for a script meant to run as someone else.
        log.error({ ...fields, script: command.keyword, user: command.runAs.user }, `${label} not run: user ${command.runAs.user} is unknown`);
        continue;
      }
      const job: ScriptJob = { argv: command.argv, uid: ids?.uid ?? null, gid: ids?.gid ?? null, timeoutMs: this.timeoutMs, label };
      log.debug({ ...fields, script: command.keyword }, `${who} queueing ${command.keyword}: ${command.argv.join(' ')}`);
      void queue.enqueue(key, job).then((outcome) => logOutcome(log, label, fields, command.keyword, outcome));
    }
  }
}

function logOutcome(log: VrrpLog, label: string, fields: Record<string, unknown>, keyword: string, outcome: ScriptOutcome): void {
  const base = { ...fields, script: keyword, durationMs: 'durationMs' in outcome ? Math.round(outcome.durationMs) : undefined };
  switch (outcome.kind) {
    case 'exited':
      if (outcome.code === 0) log.debug({ ...base, code: 0 }, `${label} exited with status 0`);
      else log.warn({ ...base, code: outcome.code }, `${label} exited with status ${outcome.code}`);
      return;
    case 'signaled':
      log.warn(
        { ...base, signal: outcome.signal, timedOut: outcome.timedOut },
        outcome.timedOut ? `${label} timed out and was killed` : `${label} was killed by ${outcome.signal}`,
      );
      return;
    case 'spawn-failed':
      log.error({ ...base, error: outcome.error }, `${label} could not be run: ${outcome.error}`);
      return;
  }
}
