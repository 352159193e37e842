import { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';
import { formatConsoleLine } from './ConsoleLineFormat.js';
import { DEFAULT_REPEAT_LIMIT, RepeatedMessageLimiter, type HeldBack, type RepeatLimitPolicy } from './RepeatedMessageLimiter.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Human-readable keepalived-style lines instead of JSON (`-l`, or stdout is a TTY). */
  console: boolean;
  /** Debug level and extra fields (`-D`). */
  detail: boolean;
  /** Which Vigil process writes (`parent`, `vrrp`, `checker`); a stable field on every line. */
  proc?: string;
  /** Where lines go; defaults to stdout (journald reads it under systemd). */
  destination?: NodeJS.WritableStream;
  /** Repeated identical warnings/errors; `null` disables the limit. */
  repeatLimit?: RepeatLimitPolicy | null;
}

/** pino's numeric levels (pino docs, "Logger Level"): warn 40, error 50. */
const WARN_LEVEL = 40;
const ERROR_LEVEL = 50;

/**
 * One JSON object per line with stable fields (`instance`, `vrid`, `from`, `to`, `reason`
 * are set by callers) and a keepalived-familiar `msg`.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.destination ?? process.stdout;
  const level = opts.detail ? 'debug' : 'info';
  const base = { pid: process.pid, ...(opts.proc ? { proc: opts.proc } : {}) };
  const policy = opts.repeatLimit === undefined ? DEFAULT_REPEAT_LIMIT : opts.repeatLimit;
  const limit = policy === null ? null : repeatLimitHooks(policy);
  const options = { level, base, timestamp: pino.stdTimeFunctions.epochTime, ...(limit ? { hooks: limit.hooks } : {}) };
  if (!opts.console) {
    const logger = pino(options, out as DestinationStream);
    limit?.attach(logger);
    return logger;
  }
  const detail = opts.detail;
  const pretty = new Writable({
    write(chunk: Buffer | string, _enc, done): void {
      const text = chunk.toString();
      for (const line of text.split('\n')) {
        if (line.length > 0) out.write(formatConsoleLine(line, detail) + '\n');
      }
      done();
    },
  });
  const logger = pino(options, pretty);
  limit?.attach(logger);
  return logger;
}

/** pino hooks that pass warnings and errors through a RepeatedMessageLimiter. */
function repeatLimitHooks(policy: RepeatLimitPolicy): { hooks: { logMethod: (this: Logger, args: unknown[], method: (...a: unknown[]) => void, level: number) => void }; attach(logger: Logger): void } {
  const limiter = new RepeatedMessageLimiter(policy);
  let bypass = false;
  let root: Logger | null = null;
  const report = (logger: Logger, held: HeldBack): void => {
    bypass = true;
    try {
      const text = `${held.msg} (repeated ${held.count} more time(s) within ${Math.round(held.windowMs / 1000)} s, not logged)`;
      logger[held.level >= ERROR_LEVEL ? 'error' : 'warn']({ repeated: held.count, reason: 'rate-limited' }, text);
    } finally {
      bypass = false;
    }
  };
  return {
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void, level: number): void {
        if (bypass || level < WARN_LEVEL) return method.apply(this, args);
        const msg = typeof args[0] === 'string' ? args[0] : typeof args[1] === 'string' ? args[1] : '';
        const { write, closed } = limiter.admit(level, msg);
        for (const held of closed) report(this, held);
        if (write) method.apply(this, args);
      },
    },
    attach(logger: Logger): void {
      root = logger;
      // The count of a burst that then stops is reported when its window ends.
      setInterval(() => {
        for (const held of limiter.expire()) if (root) report(root, held);
      }, policy.windowMs).unref();
    },
  };
}
