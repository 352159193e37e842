import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { formatDiagnosticLine } from '../../config/Diagnostic.js';
import { createLogger, type Logger } from '../../log/Logger.js';
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
  await waitForStopSignal(log);
  log.info({}, 'Stopping');
  await daemon.stop();
  releasePidFiles();
  log.info({}, 'Stopped Vigil');
  setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_FALLBACK_MS).unref();
  return 0;
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
