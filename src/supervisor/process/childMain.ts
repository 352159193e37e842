import { createLogger } from '../../log/Logger.js';
import { PidFile } from '../../vrrp/runtime/PidFile.js';
import type { ChildMessage, ParentMessage } from './ChildMessages.js';
import { childLabel } from './ChildRole.js';
import type { ChildSide } from './ChildSide.js';
import { ParentChannel } from './ParentChannel.js';

/** Exit codes the parent understands (ChildSupervisor). */
export const CHILD_EXIT_STOPPED = 0;
export const CHILD_EXIT_START_FAILED = 1;
/** The fork channel was not there or the first message was not `start`: not started by Vigil. */
export const CHILD_EXIT_PROTOCOL = 2;

/** A graceful stop that takes longer than this is cut short (the parent's own bound is longer). */
const STOP_DEADLINE_MS = 15_000;

/**
 * Entry point of a child process (forked by the parent with this module as its script).
 * Waits for `start`, runs its side, answers the parent, and stops on `stop`, SIGTERM,
 * SIGINT or the parent vanishing (children die with the parent).
 */
async function main(): Promise<void> {
  // Node opens its inspector on an unhandled SIGUSR1, and a SIGHUP would kill us: the
  // parent owns both signals (reload and dump), the children only ignore them.
  process.on('SIGUSR1', () => undefined);
  process.on('SIGHUP', () => undefined);
  const channel = new ParentChannel();
  if (!channel.connected) {
    process.stderr.write('vigil: this module is started by the Vigil daemon, not by hand\n');
    process.exit(CHILD_EXIT_PROTOCOL);
  }
  const start = await new Promise<Extract<ParentMessage, { type: 'start' }> | null>((resolve) => {
    const off = channel.onMessage(
      (m) => {
        off();
        resolve(m.type === 'start' ? m : null);
      },
      () => {
        off();
        resolve(null);
      },
    );
    channel.onParentGone(() => resolve(null));
  });
  if (start === null) process.exit(CHILD_EXIT_PROTOCOL);

  const role = start.role;
  const log = createLogger({ console: start.options.logConsole, detail: start.options.logDetail, proc: role });
  (await import('./ProcessTuningChild.js')).startProcessTuning(start.config, role, log);
  const send = (m: ChildMessage): void => channel.send(m);
  const pid = PidFile.acquire(start.options.pidFile);
  if (!pid.ok) {
    log.error({ code: pid.error.code, path: start.options.pidFile }, pid.error.message);
    send({ type: 'start-failed', errors: [{ code: pid.error.code, message: pid.error.message }] });
    process.exit(CHILD_EXIT_START_FAILED);
  }
  log.info({ pid: process.pid }, `Starting ${childLabel(role)}`);
  // Each child loads only its own side's code (the VRRP child starts faster without the checkers').
  const started =
    role === 'vrrp'
      ? await (await import('./VrrpChild.js')).startVrrpChild(start.config, start.options, log, send)
      : await (await import('./CheckerChild.js')).startCheckerChild(start.config, start.options, start.carryOver, log, send);
  if (!started.ok) {
    for (const e of started.errors) log.error({ code: e.code, ...e.details }, e.message);
    log.error({ reason: 'start-failed' }, `${childLabel(role)} could not start`);
    send({ type: 'start-failed', errors: started.errors });
    pid.pidFile.release();
    process.exit(CHILD_EXIT_START_FAILED);
  }
  const side = started.side;
  send({ type: 'started', pid: process.pid });
  send({ type: 'status', id: null, part: side.statusPart() });

  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping: Promise<void> | null = null;
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason: why }, `Stopping ${childLabel(role)}`);
      const deadline = setTimeout(() => {
        log.error({ reason: 'stop-timeout' }, `${childLabel(role)} did not stop within ${STOP_DEADLINE_MS} ms - exiting anyway`);
        process.exit(CHILD_EXIT_STOPPED);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      await side.stop().catch((e: unknown) => log.error({ reason: 'stop-failed' }, `${childLabel(role)} stop: ${String(e)}`));
      pid.pidFile.release();
      clearInterval(keepAlive);
      log.info({}, `${childLabel(role)} stopped`);
      process.exit(CHILD_EXIT_STOPPED);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  channel.onParentGone(() => void stop('parent-gone'));
  channel.onMessage(
    (m) => void handle(m),
    (value) => log.warn({ reason: 'ipc-invalid' }, `ignoring a malformed message from the parent: ${describe(value)}`),
  );

  async function handle(m: ParentMessage): Promise<void> {
    switch (m.type) {
      case 'reload': {
        if (stopping) return send({ type: 'reloaded', id: m.id, result: { ok: false, errors: [{ code: 'CHILD_STOPPING', message: `${childLabel(role)} is stopping` }] } });
        const result = await side.reload(m.config).catch((e: unknown) => ({
          ok: false as const,
          errors: [{ code: 'CHILD_RELOAD_FAILED', message: e instanceof Error ? e.message : String(e) }],
        }));
        send({ type: 'reloaded', id: m.id, result });
        send({ type: 'status', id: null, part: side.statusPart() });
        return;
      }
      case 'status-request':
        return send({ type: 'status', id: m.id, part: side.statusPart(m.detail) });
      case 'vrrp-role':
        return side.vrrpRole(m.event);
      case 'stop':
        return stop('parent-request');
      case 'start':
        log.warn({ reason: 'ipc-invalid' }, 'ignoring a second start message');
    }
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 200);
  } catch {
    return String(value);
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`vigil child: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});

