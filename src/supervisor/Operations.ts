import { renameSync, writeFileSync } from 'node:fs';
import { redactSecrets } from '../config/redactSecrets.js';
import { VigilError } from '../core/VigilError.js';
import type { Logger } from '../log/Logger.js';
import { DEFAULT_CONTROL_SOCKET_PATH, type ControlRequest, type ControlResponse } from './ControlProtocol.js';
import { startControlServer, type RunningControlServer } from './ControlServer.js';
import type { VigilMetrics } from './Metrics.js';
import { startMetricsHttpServer, type MetricsEndpoint, type RunningMetricsServer } from './MetricsHttpServer.js';
import { buildStateDump, DEFAULT_STATE_DUMP_PATH } from './StateDump.js';
import type { StatusSource } from './StatusSource.js';

export interface OperationsPaths {
  readonly controlSocket: string;
  readonly stateDump: string;
}

export const DEFAULT_OPERATIONS_PATHS: OperationsPaths = { controlSocket: DEFAULT_CONTROL_SOCKET_PATH, stateDump: DEFAULT_STATE_DUMP_PATH };

export interface OperationsOptions {
  readonly status: StatusSource;
  readonly metrics: VigilMetrics;
  /** `null` switches the metrics endpoint off. */
  readonly metricsEndpoint: MetricsEndpoint | null;
  readonly log: Logger;
  readonly paths?: Partial<OperationsPaths>;
  /** Write the state dump on SIGUSR1 (keepalived writes its text data dump on SIGUSR1; Vigil's is JSON). Default true. */
  readonly dumpOnSigusr1?: boolean;
  readonly now?: () => number;
}

export type StateDumpWrite = { ok: true; path: string } | { ok: false; error: VigilError };

export interface RunningOperations {
  readonly controlSocketPath: string | null;
  /** Where metrics are served, `null` when switched off or the port could not be bound. */
  readonly metricsAddress: { host: string; port: number } | null;
  /** Writes the redacted state dump (mode 0600, atomically replaced). */
  writeStateDump(): StateDumpWrite;
  stop(): Promise<void>;
}

/**
 * Starts the operator-facing side: control socket, metrics endpoint, SIGUSR1 dump.
 * Neither failing stops Vigil (VRRP and health checks matter more than observability):
 * each failure is logged at error level and that part stays off.
 */
export async function startOperations(opts: OperationsOptions): Promise<RunningOperations> {
  const paths: OperationsPaths = { ...DEFAULT_OPERATIONS_PATHS, ...opts.paths };
  const now = opts.now ?? Date.now;
  const log = opts.log;

  const refresh = async (detail = false): Promise<void> => {
    await opts.status.refresh?.(detail).catch(() => undefined);
  };
  const writeStateDump = (): StateDumpWrite => {
    try {
      const dump = buildStateDump(opts.status, now);
      const tmp = `${paths.stateDump}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(dump, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, paths.stateDump);
      return { ok: true, path: paths.stateDump };
    } catch (err) {
      return { ok: false, error: err instanceof VigilError ? err : new VigilError('STATE_DUMP_FAILED', `cannot write state dump ${paths.stateDump}: ${String(err)}`, { path: paths.stateDump }, { cause: err }) };
    }
  };

  const handle = async (request: ControlRequest): Promise<ControlResponse> => {
    log.debug({ command: request.command }, `Control request: ${request.command}`);
    if (request.command !== 'reload') await refresh(request.command === 'dump');
    switch (request.command) {
      case 'status':
        return { ok: true, command: 'status', result: redactSecrets(opts.status.status()) };
      case 'dump':
        return { ok: true, command: 'dump', result: buildStateDump(opts.status, now) };
      case 'reload': {
        log.info({ reason: 'control-socket' }, 'Reload requested on the control socket');
        return { ok: true, command: 'reload', result: redactSecrets(await opts.status.reload()) };
      }
    }
  };

  let control: RunningControlServer | null = null;
  const controlStart = await startControlServer(paths.controlSocket, handle);
  if (controlStart.ok) {
    control = controlStart.server;
    log.info({ path: control.path }, `Control socket listening on ${control.path}`);
  } else {
    log.error({ code: controlStart.error.code, ...controlStart.error.details }, `${controlStart.error.message} - vigil status unavailable`);
  }

  let metricsServer: RunningMetricsServer | null = null;
  if (opts.metricsEndpoint) {
    const metricsStart = await startMetricsHttpServer(opts.metricsEndpoint, async () => {
      await refresh();
      return opts.metrics.render(opts.status.status());
    });
    if (metricsStart.ok) {
      metricsServer = metricsStart.server;
      log.info({ ...metricsServer.address }, `Metrics on http://${metricsServer.address.host}:${metricsServer.address.port}/metrics`);
    } else {
      log.error({ code: metricsStart.error.code, ...metricsStart.error.details }, `${metricsStart.error.message} - metrics unavailable`);
    }
  }

  const onSigusr1 = async (): Promise<void> => {
    await refresh(true);
    const written = writeStateDump();
    if (written.ok) log.info({ signal: 'SIGUSR1', path: written.path }, `State dumped to ${written.path}`);
    else log.error({ signal: 'SIGUSR1', code: written.error.code }, written.error.message);
  };
  const dumpOnSignal = opts.dumpOnSigusr1 ?? true;
  const onSignal = (): void => void onSigusr1();
  if (dumpOnSignal) process.on('SIGUSR1', onSignal);

  return {
    controlSocketPath: control?.path ?? null,
    metricsAddress: metricsServer?.address ?? null,
    writeStateDump,
    stop: async () => {
      if (dumpOnSignal) process.off('SIGUSR1', onSignal);
      await Promise.all([control?.close(), metricsServer?.close()]);
    },
  };
}
