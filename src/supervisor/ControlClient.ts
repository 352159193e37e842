import { connect } from 'node:net';
import { VigilError } from '../core/VigilError.js';
import { parseControlResponse, type ControlRequest, type ControlResponse } from './ControlProtocol.js';

export type ControlCallResult = { ok: true; response: ControlResponse } | { ok: false; error: VigilError };

/** A reload can take a while (the whole config is parsed and validated); status answers at once. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 30_000;

/** Sends one request and reads one response line. */
export function callControlSocket(path: string, request: ControlRequest, timeoutMs = DEFAULT_CONTROL_TIMEOUT_MS): Promise<ControlCallResult> {
  return new Promise((resolve) => {
    let settled = false;
    let buffered = '';
    const socket = connect(path);
    const finish = (result: ControlCallResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: new VigilError('CONTROL_TIMEOUT', `no answer from ${path} within ${timeoutMs} ms`, { path }) }), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      const response = parseControlResponse(buffered.slice(0, newline));
      finish(response ? { ok: true, response } : { ok: false, error: new VigilError('CONTROL_BAD_RESPONSE', `unreadable answer from ${path}`, { path }) });
    });
    socket.once('end', () => finish({ ok: false, error: new VigilError('CONTROL_BAD_RESPONSE', `${path} closed the connection without an answer`, { path }) }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: connectError(path, err) }));
  });
}

function connectError(path: string, err: NodeJS.ErrnoException): VigilError {
  switch (err.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return new VigilError('CONTROL_NOT_RUNNING', `Vigil is not running (nothing listens on ${path})`, { path, errno: err.code });
    case 'EACCES':
    case 'EPERM':
      return new VigilError('CONTROL_PERMISSION_DENIED', `permission denied on ${path}: the control socket is root-only`, { path, errno: err.code });
    default:
      return new VigilError('CONTROL_CONNECT_FAILED', `cannot connect to ${path}: ${err.code ?? err.message}`, { path, errno: err.code ?? null });
  }
}
