/** A VRRP state of a director's instance, as the daemon logs it in `from`/`to`. */
export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** One line of a director's JSON log (pino), reduced to what the lab shows. */
export type DirectorLogEvent =
  | {
      kind: 'transition';
      timeMs: number;
      instance: string;
      from: string;
      to: VrrpStateName;
      reason: string;
      /** keepalived's wording, e.g. `(FRONT) Entering MASTER STATE`. */
      msg: string;
    }
  | { kind: 'message'; timeMs: number; level: number; msg: string };

const STATES: ReadonlySet<string> = new Set(['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP']);

/**
 * Reads one line of `vigil -n -P` output (JSON, see src/log/Logger.ts). Undefined for lines
 * that are not a JSON log object (a stack trace on stderr, a partial line), so the caller can
 * show them raw. A line with `to` and `instance` is a state transition: the runtime puts
 * from/to/reason on its `Entering X STATE` lines.
 */
export function parseDirectorLogLine(line: string): DirectorLogEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.msg !== 'string' || typeof o.time !== 'number') return undefined;
  if (typeof o.instance === 'string' && typeof o.to === 'string' && STATES.has(o.to)) {
    return {
      kind: 'transition',
      timeMs: o.time,
      instance: o.instance,
      from: typeof o.from === 'string' ? o.from : '?',
      to: o.to as VrrpStateName,
      reason: typeof o.reason === 'string' ? o.reason : '',
      msg: o.msg,
    };
  }
  return { kind: 'message', timeMs: o.time, level: typeof o.level === 'number' ? o.level : 30, msg: o.msg };
}

/** pino's numeric levels (pino docs, "levels"): 40 warn, 50 error, 60 fatal. */
export const PINO_LEVEL_WARN = 40;
