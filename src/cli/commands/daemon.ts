import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDiagnosticLine } from '../../config/Diagnostic.js';
import { modelFromParsed, type LoadedConfig } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { createLogger, type Logger } from '../../log/Logger.js';
import { VigilMetrics } from '../../supervisor/Metrics.js';
import { startOperations } from '../../supervisor/Operations.js';
import { DaemonSupervisor } from '../../supervisor/process/DaemonSupervisor.js';
import { SupervisedStatusSource } from '../../supervisor/process/SupervisedStatusSource.js';
import { createSdNotify } from '../../supervisor/SdNotify.js';
import { PidFile } from '../../vrrp/runtime/PidFile.js';
import type { DaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { parseOptions } from './configTest.js';

/** The daemon could not start (sockets, interfaces, pid file) or failed while running. */
export const EXIT_RUNTIME_FAILURE = 1;

/** Where `ip netns add` binds named network namespaces (iproute2's NETNS_RUN_DIR). */
const NETNS_RUN_DIR = '/run/netns';

/** After a graceful stop the process should end by itself; this catches a handle left open. */
const EXIT_FALLBACK_MS = 3_000;

/**
 * `vigil [-n] [-l] [-D] [-P|-C] -f FILE [-p PID] [-r VRRP_PID] [-c CHECKERS_PID]`: the
 * parent process. It loads and validates the configuration, starts the VRRP child and
 * the checker + IPVS child for the sides the configuration uses (keepalived's split: a
 * busy checker never delays an advert), restarts a crashed child, serves status and
 * metrics, reloads on SIGHUP and stops everything on SIGTERM / SIGINT. It never
 * daemonises (`-n` is accepted): systemd's Type=notify unit runs it in the foreground.
 */
export async function runDaemon(options: DaemonOptions, _io: CommandIo): Promise<number> {
  // Node opens its inspector (a debugger port) on SIGUSR1 when nothing listens for it, and Vigil
  // runs as root: claim the signal before anything else. The state dump takes it over later.
  const earlyUsr1 = (): void => undefined;
  process.on('SIGUSR1', earlyUsr1);
  // A SIGHUP during start-up is not a reason to die (Node's default): it is answered once running.
  let hupDuringStart = false;
  const earlyHup = (): void => {
    hupDuringStart = true;
  };
  process.on('SIGHUP', earlyHup);
  // SIGTERM / SIGINT during start-up must not kill the parent by Node's default action
  // (the children would then stop without it, and the exit status would be a signal): it is
  // remembered, and Vigil stops gracefully as soon as it has started.
  let stopDuringStart: NodeJS.Signals | null = null;
  const earlyStop = (signal: NodeJS.Signals): void => {
    stopDuringStart ??= signal;
  };
  process.on('SIGTERM', earlyStop);
  process.on('SIGINT', earlyStop);
  const log = createLogger({ console: options.logConsole || Boolean(process.stdout.isTTY), detail: options.logDetail, proc: 'parent' });
  log.info({ configFile: options.configFile }, `Starting Vigil, reading ${options.configFile}`);
  const load = (): LoadedConfig => modelFromParsed(parseAnyConfigFile(options.configFile, parseOptions(options)));
  const loaded = load();
  logDiagnostics(log, loaded);
  const config = loaded.model;
  if (!config) {
    log.error({ reason: 'config-invalid' }, 'Configuration refused, not starting');
    return EXIT_CONFIG_ERRORS;
  }
  const sides = { vrrp: !options.checkOnly, checker: !options.vrrpOnly };
  const vrrpWork = sides.vrrp && config.vrrpInstances.length > 0;
  const checkerWork = sides.checker && config.virtualServers.length > 0;
  if (!vrrpWork && !checkerWork) {
    log.info({ reason: 'no-instances' }, `Nothing to run: no ${sides.vrrp ? 'vrrp_instance' : ''}${sides.vrrp && sides.checker ? ' and no ' : ''}${sides.checker ? 'virtual_server' : ''} configured`);
    return 0;
  }

  // net_namespace: the children run inside it; like keepalived, Vigil does not create it.
  const namespace = config.netNamespace;
  if (namespace !== null && !existsSync(join(NETNS_RUN_DIR, namespace.name))) {
    log.error(
      { reason: 'netns-missing', netns: namespace.name, file: namespace.pos.file, line: namespace.pos.line },
      `Unable to set network namespace ${namespace.name}: ${join(NETNS_RUN_DIR, namespace.name)} does not exist (create it with 'ip netns add ${namespace.name}') - exiting`,
    );
    return EXIT_RUNTIME_FAILURE;
  }
  if (namespace !== null) log.info({ netns: namespace.name }, `Running VRRP and checkers in network namespace ${namespace.name}`);

  const pid = PidFile.acquire(options.pidFile);
  if (!pid.ok) {
    log.error({ code: pid.error.code, path: options.pidFile }, pid.error.message);
    return EXIT_RUNTIME_FAILURE;
  }
  const version = vigilVersion();
  const metrics = new VigilMetrics({ version, nodeVersion: process.versions.node });
  let gaveUp: ((why: string) => void) | null = null;
  const gaveUpEarly: string[] = [];
  const childBase = {
    logConsole: options.logConsole || Boolean(process.stdout.isTTY),
    logDetail: options.logDetail,
    dontReleaseVrrp: options.dontReleaseVrrp,
    dontReleaseIpvs: options.dontReleaseIpvs,
    runDir: dirname(options.pidFile),
  };
  const started = await DaemonSupervisor.start({
    config,
    load,
    log,
    metrics,
    sides,
    childOptions: { vrrp: { ...childBase, pidFile: options.vrrpPidFile }, checker: { ...childBase, pidFile: options.checkersPidFile } },
    respawn: !options.dontRespawn,
    onGaveUp: (why) => (gaveUp ? gaveUp(why) : gaveUpEarly.push(why)),
  });
  if (!started.ok) {
    // A child logs its own start-up errors; the parent adds only what happened around it.
    for (const e of started.errors) if (e.code.startsWith('CHILD_')) log.error({ code: e.code, ...e.details }, e.message);
    log.error({ reason: 'start-failed' }, 'Vigil could not start - exiting');
    pid.pidFile.release();
    return EXIT_RUNTIME_FAILURE;
  }
  const supervisor = started.supervisor;

  const status = new SupervisedStatusSource({
    version,
    configFile: options.configFile,
    config: () => supervisor.config,
    children: () => supervisor.children(),
    reload: () => supervisor.reload(),
    metrics,
  });
  const runDir = dirname(options.pidFile);
  const ops = await startOperations({
    status,
    metrics,
    log,
    metricsEndpoint: options.metrics,
    paths: { controlSocket: join(runDir, 'control.sock'), stateDump: join(runDir, 'state.json') },
  });
  process.off('SIGUSR1', earlyUsr1);
  const notify = createSdNotify();
  const readyText = (): string => {
    const c = supervisor.config;
    return `${c.vrrpInstances.length} VRRP instance(s), ${c.virtualServers.length} virtual server(s)`;
  };
  await notify.ready(readyText());

  const onHup = (): void => {
    log.info({ signal: 'SIGHUP' }, 'Received SIGHUP');
    void (async () => {
      await notify.reloading();
      const outcome = await status.reload();
      await notify.ready(`${readyText()}; last reload ${outcome.outcome}`);
    })();
  };
  process.off('SIGHUP', earlyHup);
  process.on('SIGHUP', onHup);
  if (hupDuringStart) onHup();

  // Signals are delivered from the event loop: nothing arrives between these two lines.
  process.off('SIGTERM', earlyStop);
  process.off('SIGINT', earlyStop);
  const reason = await waitForStop(log, stopDuringStart, (resolve) => {
    gaveUp = (why) => resolve(why);
    for (const why of gaveUpEarly) resolve(why);
  });
  process.off('SIGHUP', onHup);
  // Keep answering (and ignoring) SIGHUP while stopping: Node's default would kill us half-way.
  process.on('SIGHUP', () => log.info({ signal: 'SIGHUP' }, 'Stopping - reload ignored'));
  log.info({ reason }, 'Stopping');
  await notify.stopping();
  await ops.stop();
  await supervisor.stop();
  pid.pidFile.release();
  log.info({}, 'Stopped Vigil');
  setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_FALLBACK_MS).unref();
  return reason === 'SIGTERM' || reason === 'SIGINT' ? 0 : EXIT_RUNTIME_FAILURE;
}

function logDiagnostics(log: Logger, loaded: LoadedConfig): void {
  for (const d of loaded.diagnostics) {
    const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info';
    log[level]({ code: d.code, ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}) }, formatDiagnosticLine(d));
  }
}

function vigilVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Resolves with the signal name on the first SIGTERM or SIGINT (or at once with one that
 * arrived during start-up), or with the reason `other` gives.
 */
function waitForStop(log: Logger, pending: NodeJS.Signals | null, other: (resolve: (why: string) => void) => void): Promise<string> {
  return new Promise((resolve) => {
    // Signal listeners do not keep Node running.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    let done = false;
    const finish = (why: string): void => {
      if (done) return;
      done = true;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      clearInterval(keepAlive);
      // A second signal during the (bounded) stop is ignored rather than killing us half-way.
      const ignore = (signal: NodeJS.Signals): void => log.info({ signal }, 'Already stopping');
      process.on('SIGTERM', ignore);
      process.on('SIGINT', ignore);
      resolve(why);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      log.info({ signal }, `Received ${signal}`);
      finish(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (pending !== null) {
      log.info({ signal: pending }, `Received ${pending} during start-up`);
      finish(pending);
      return;
    }
    other((why) => {
      log.error({ reason: 'child-gave-up' }, `${why} - stopping Vigil`);
      finish(why);
    });
  });
}
