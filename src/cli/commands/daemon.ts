import { readFileSync } from 'node:fs';
import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { formatDiagnosticLine } from '../../config/Diagnostic.js';
import { createLogger, type Logger } from '../../log/Logger.js';
import { dirname, join } from 'node:path';
import { DaemonStatusSource } from '../../supervisor/DaemonStatusSource.js';
import { VigilMetrics } from '../../supervisor/Metrics.js';
import { DEFAULT_METRICS_ENDPOINT } from '../../supervisor/MetricsHttpServer.js';
import { startOperations } from '../../supervisor/Operations.js';
import { createSdNotify } from '../../supervisor/SdNotify.js';
import type { ReloadOutcome } from '../../supervisor/StatusSource.js';
import { PidFile } from '../../vrrp/runtime/PidFile.js';
import { VrrpDaemon } from '../../vrrp/runtime/VrrpDaemon.js';
import type { DaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS, EXIT_USAGE } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { parseOptions } from './configTest.js';

/** The daemon could not start (sockets, interfaces, pid file) or failed while running. */
export const EXIT_RUNTIME_FAILURE = 1;

/** After a graceful stop the process should end by itself; this catches a handle left open. */
const EXIT_FALLBACK_MS = 3_000;

/**
 * `vigil [-n] [-l] [-D] [-P] -f FILE [-p PIDFILE] [-r VRRP_PIDFILE]`: loads and validates
 * the configuration, then runs the VRRP engine in this process, in the foreground, until
 * SIGTERM or SIGINT (Vigil never forks; `-n` is accepted for compatibility). The checker
 * side is not part of this runtime yet: `-C` is refused and virtual servers are ignored
 * with a warning. Exits non-zero with a clear log line when it cannot start.
 */
export async function runDaemon(options: DaemonOptions, _io: CommandIo): Promise<number> {
  // Node opens its inspector (a debugger port) on SIGUSR1 when nothing listens for it, and Vigil
  // runs as root: claim the signal before anything else. The state dump takes it over later.
  const earlyUsr1 = (): void => undefined;
  process.on('SIGUSR1', earlyUsr1);
  const log = createLogger({ console: options.logConsole || Boolean(process.stdout.isTTY), detail: options.logDetail, proc: 'vrrp' });
  log.info({ configFile: options.configFile }, `Starting Vigil, reading ${options.configFile}`);
  const loaded = modelFromParsed(parseAnyConfigFile(options.configFile, parseOptions(options)));
  for (const d of loaded.diagnostics) {
    const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info';
    log[level]({ code: d.code, ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}) }, formatDiagnosticLine(d));
  }
  const config = loaded.model;
  if (!config) {
    log.error({ reason: 'config-invalid' }, 'Configuration refused, not starting');
    return EXIT_CONFIG_ERRORS;
  }
  if (options.checkOnly) {
    log.error({ reason: 'runtime-unavailable' }, 'The checker runtime (-C) is not part of this Vigil release yet');
    return EXIT_USAGE;
  }
  if (!options.vrrpOnly && config.virtualServers.length > 0) {
    log.warn({ reason: 'runtime-unavailable' }, `Ignoring ${config.virtualServers.length} virtual_server block(s): only the VRRP side runs in this Vigil release`);
  }
  if (config.vrrpInstances.length === 0) {
    log.info({ reason: 'no-instances' }, 'No vrrp_instance configured - nothing to run');
    return 0;
  }

  const pidFiles: PidFile[] = [];
  const releasePidFiles = (): void => {
    for (const p of pidFiles.splice(0)) p.release();
  };
  for (const path of new Set([options.pidFile, options.vrrpPidFile])) {
    const acquired = PidFile.acquire(path);
    if (!acquired.ok) {
      log.error({ code: acquired.error.code, path }, acquired.error.message);
      releasePidFiles();
      return EXIT_RUNTIME_FAILURE;
    }
    pidFiles.push(acquired.pidFile);
  }

  log.info({}, 'Starting VRRP');
  const started = await VrrpDaemon.start({ config, log, releaseVipsOnStop: !options.dontReleaseVrrp });
  if (!started.ok) {
    for (const error of started.errors) log.error({ code: error.code, ...error.details }, error.message);
    log.error({ reason: 'start-failed' }, 'VRRP could not start - exiting');
    releasePidFiles();
    return EXIT_RUNTIME_FAILURE;
  }
  const daemon = started.daemon;

  // Operations: control socket and state dump beside the pid file, metrics on loopback.
  const version = vigilVersion();
  const metrics = new VigilMetrics({ version, nodeVersion: process.versions.node });
  const reloadUnsupported = async (): Promise<ReloadOutcome> => ({
    outcome: 'failed',
    message: 'Reload is not supported yet - configuration unchanged',
    diagnostics: [],
  });
  const status = new DaemonStatusSource({
    version,
    configFile: options.configFile,
    config: () => config,
    vrrp: daemon.engine,
    checker: null,
    ipvs: null,
    reload: reloadUnsupported,
    metrics,
  });
  const runDir = dirname(options.pidFile);
  const ops = await startOperations({
    status,
    metrics,
    log,
    metricsEndpoint: DEFAULT_METRICS_ENDPOINT,
    paths: { controlSocket: join(runDir, 'control.sock'), stateDump: join(runDir, 'state.json') },
  });
  process.off('SIGUSR1', earlyUsr1);
  const notify = createSdNotify();
  await notify.ready(`${config.vrrpInstances.length} VRRP instance(s)`);

  await waitForStopSignal(log);
  log.info({}, 'Stopping');
  await notify.stopping();
  await ops.stop();
  status.close();
  await daemon.stop();
  releasePidFiles();
  log.info({}, 'Stopped Vigil');
  setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_FALLBACK_MS).unref();
  return 0;
}

function vigilVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Resolves on the first SIGTERM or SIGINT; SIGHUP (keepalived's reload) is answered with a log line. */
function waitForStopSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    // Signal listeners do not keep Node running; a FAULT instance may have no timer armed.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const onHup = (): void => log.warn({ signal: 'SIGHUP' }, 'Reload (SIGHUP) is not supported yet - configuration unchanged');
    const onStop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHup);
      clearInterval(keepAlive);
      // A second signal during the (bounded) stop is ignored rather than killing us half-way.
      const ignore = (): void => log.info({ signal }, 'Already stopping');
      process.on('SIGTERM', ignore);
      process.on('SIGINT', ignore);
      log.info({ signal }, `Received ${signal}`);
      resolve(signal);
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', onHup);
  });
}
