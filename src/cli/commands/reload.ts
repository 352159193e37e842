import { callControlSocket } from '../../supervisor/ControlClient.js';
import { DEFAULT_CONTROL_SOCKET_PATH } from '../../supervisor/ControlProtocol.js';
import type { ReloadOutcome } from '../../supervisor/StatusSource.js';
import { EXIT_CONFIG_ERRORS } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { STATUS_EXIT_FAILED, STATUS_EXIT_NOT_RUNNING, STATUS_EXIT_NO_PERMISSION } from './status.js';

/** A reload waits for both children (bounded there at 60 s each). */
const RELOAD_CALL_TIMEOUT_MS = 150_000;

export interface ReloadCommandOptions {
  readonly json: boolean;
  readonly socketPath?: string;
}

/**
 * `vigil reload`: the SIGHUP reload over the control socket, with its outcome. Exits 0
 * when applied or unchanged, 5 when the new configuration was refused (as `vigil -t`),
 * 1 when applying failed, 3 when no daemon runs, 4 without permission.
 */
export async function runReload(options: ReloadCommandOptions, io: CommandIo): Promise<number> {
  const path = options.socketPath ?? process.env['VIGIL_CONTROL_SOCKET'] ?? DEFAULT_CONTROL_SOCKET_PATH;
  const called = await callControlSocket(path, { command: 'reload' }, RELOAD_CALL_TIMEOUT_MS);
  if (!called.ok) {
    io.stderr(`vigil reload: ${called.error.message}\n`);
    if (called.error.code === 'CONTROL_NOT_RUNNING') return STATUS_EXIT_NOT_RUNNING;
    if (called.error.code === 'CONTROL_PERMISSION_DENIED') return STATUS_EXIT_NO_PERMISSION;
    return STATUS_EXIT_FAILED;
  }
  const response = called.response;
  if (!response.ok) {
    io.stderr(`vigil reload: ${response.error.code}: ${response.error.message}\n`);
    return STATUS_EXIT_FAILED;
  }
  const outcome = response.result as ReloadOutcome;
  if (options.json) io.stdout(JSON.stringify(outcome, null, 2) + '\n');
  else {
    const out = outcome.outcome === 'applied' || outcome.outcome === 'unchanged' ? io.stdout : io.stderr;
    out(`${outcome.outcome}: ${outcome.message}\n${outcome.diagnostics.map((d) => `  ${d}\n`).join('')}`);
  }
  switch (outcome.outcome) {
    case 'applied':
    case 'unchanged':
      return 0;
    case 'refused':
      return EXIT_CONFIG_ERRORS;
    case 'failed':
      return STATUS_EXIT_FAILED;
  }
}
