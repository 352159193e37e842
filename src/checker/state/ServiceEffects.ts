import type { ScriptCommand } from '../../config/model/Common.js';

export type NotifyKind = 'notify_up' | 'notify_down' | 'quorum_up' | 'quorum_down';

/** A notify script the service logic wants run (in order with the others of `queueKey`). */
export interface NotifyRequest {
  readonly kind: NotifyKind;
  /** Scripts with the same key run one after the other: the real server for notify_*, the virtual server for quorum_*. */
  readonly queueKey: string;
  readonly command: ScriptCommand;
  readonly vs: string;
  readonly rs: string | null;
}

export type LogLevel = 'info' | 'warn';

/** Where the pure service logic sends what it decides besides state: log lines and scripts. */
export interface ServiceEffects {
  log(level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>>): void;
  notify(request: NotifyRequest): void;
}
