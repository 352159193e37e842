import { execFile } from 'node:child_process';
import { VigilError } from '../core/VigilError.js';

/**
 * sd_notify(3) messages for `Type=notify` (systemd/vigil.service). Node has no unix
 * datagram sockets, so each message is sent by `systemd-notify --pid=<our pid>`, which
 * also waits on a BARRIER=1 so that systemd reads the message while the helper is still
 * alive (the unit sets NotifyAccess=all because the sender is the helper, not us).
 * Without $NOTIFY_SOCKET (not started by systemd) every call is a no-op.
 */
export interface SdNotify {
  /** READY=1: configuration loaded, sockets open. */
  ready(status?: string): Promise<SdNotifyResult>;
  /** RELOADING=1 with MONOTONIC_USEC (systemd >= 253 requires it; older ones ignore it). */
  reloading(status?: string): Promise<SdNotifyResult>;
  stopping(status?: string): Promise<SdNotifyResult>;
  status(text: string): Promise<SdNotifyResult>;
}

export type SdNotifyResult = { ok: true; sent: boolean } | { ok: false; error: VigilError };

/** Runs the helper; injected so that tests see the exact arguments. */
export type NotifyCommandRunner = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<{ exitCode: number; stderr: string }>;

export interface SdNotifyOptions {
  env?: NodeJS.ProcessEnv;
  pid?: number;
  command?: string;
  run?: NotifyCommandRunner;
  /** CLOCK_MONOTONIC in microseconds (libuv's hrtime is CLOCK_MONOTONIC on Linux). */
  monotonicMicros?: () => bigint;
}

/** systemd-notify waits at most 5 s for its barrier; this bounds a stuck helper. */
const HELPER_TIMEOUT_MS = 10_000;

export const runNotifyCommand: NotifyCommandRunner = (command, args, env) =>
  new Promise((resolve) => {
    execFile(command, [...args], { env, timeout: HELPER_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (!err) return resolve({ exitCode: 0, stderr: String(stderr) });
      const code = (err as { code?: unknown }).code;
      // A missing binary is an errno string (ENOENT), not an exit status.
      resolve({ exitCode: typeof code === 'number' ? code : -1, stderr: String(stderr) || err.message });
    });
  });

export function createSdNotify(opts: SdNotifyOptions = {}): SdNotify {
  const env = opts.env ?? process.env;
  const pid = opts.pid ?? process.pid;
  const command = opts.command ?? 'systemd-notify';
  const run = opts.run ?? runNotifyCommand;
  const monotonicMicros = opts.monotonicMicros ?? (() => process.hrtime.bigint() / 1000n);

  const send = async (assignments: string[], status: string | undefined): Promise<SdNotifyResult> => {
    const socket = env['NOTIFY_SOCKET'];
    if (socket === undefined || socket === '') return { ok: true, sent: false };
    // One message per line; a newline in STATUS= would start a new assignment.
    if (status !== undefined) assignments.push(`STATUS=${status.replace(/[\r\n]+/g, ' ')}`);
    const result = await run(command, [`--pid=${pid}`, ...assignments], env);
    if (result.exitCode === 0) return { ok: true, sent: true };
    return {
      ok: false,
      error: new VigilError('SD_NOTIFY_FAILED', `${command} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, { assignments, exitCode: result.exitCode }),
    };
  };

  return {
    ready: (status) => send(['READY=1'], status),
    reloading: (status) => send(['RELOADING=1', `MONOTONIC_USEC=${monotonicMicros()}`], status),
    stopping: (status) => send(['STOPPING=1'], status),
    status: (text) => send([], text),
  };
}
