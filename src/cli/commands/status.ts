import { callControlSocket } from '../../supervisor/ControlClient.js';
import { DEFAULT_CONTROL_SOCKET_PATH } from '../../supervisor/ControlProtocol.js';
import type { VigilStatus } from '../../supervisor/StatusSource.js';
import { formatStatusReport } from '../../supervisor/StatusReport.js';
import type { CommandIo } from './CommandIo.js';

/** LSB init-script status codes (LSB Core, "Init Script Actions"), which monitoring scripts already know. */
export const STATUS_EXIT_OK = 0;
export const STATUS_EXIT_FAILED = 1;
export const STATUS_EXIT_NOT_RUNNING = 3;
export const STATUS_EXIT_NO_PERMISSION = 4;

export interface StatusCommandOptions {
  readonly json: boolean;
  /** Defaults to $VIGIL_CONTROL_SOCKET, then /run/vigil/control.sock. */
  readonly socketPath?: string;
  readonly timeoutMs?: number;
}

/** `vigil status [--json]`: asks the running daemon over its control socket. */
export async function runStatus(options: StatusCommandOptions, io: CommandIo): Promise<number> {
  const path = options.socketPath ?? process.env['VIGIL_CONTROL_SOCKET'] ?? DEFAULT_CONTROL_SOCKET_PATH;
  const called = await callControlSocket(path, { command: 'status' }, options.timeoutMs);
  if (!called.ok) {
    io.stderr(`vigil status: ${called.error.message}\n`);
    switch (called.error.code) {
      case 'CONTROL_NOT_RUNNING':
        return STATUS_EXIT_NOT_RUNNING;
      case 'CONTROL_PERMISSION_DENIED':
        return STATUS_EXIT_NO_PERMISSION;
      default:
        return STATUS_EXIT_FAILED;
    }
  }
  const response = called.response;
  if (!response.ok) {
    io.stderr(`vigil status: ${response.error.code}: ${response.error.message}\n`);
    return STATUS_EXIT_FAILED;
  }
  if (options.json) io.stdout(JSON.stringify(response.result, null, 2) + '\n');
  else io.stdout(formatStatusReport(response.result as VigilStatus));
  return STATUS_EXIT_OK;
}
