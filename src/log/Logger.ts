import { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';
import { formatConsoleLine } from './ConsoleLineFormat.js';

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
}

/**
 * One JSON object per line with stable fields (`instance`, `vrid`, `from`, `to`, `reason`
 * are set by callers) and a keepalived-familiar `msg`.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.destination ?? process.stdout;
  const level = opts.detail ? 'debug' : 'info';
  const base = { pid: process.pid, ...(opts.proc ? { proc: opts.proc } : {}) };
  if (!opts.console) {
    return pino({ level, base, timestamp: pino.stdTimeFunctions.epochTime }, out as DestinationStream);
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
  return pino({ level, base, timestamp: pino.stdTimeFunctions.epochTime }, pretty);
}
