/**
 * The control socket's protocol: newline-delimited JSON, one request object per line,
 * one response line per request, in order.
 *
 *   → {"command":"status"}
 *   ← {"ok":true,"command":"status","result":{...VigilStatus}}
 *   ← {"ok":false,"error":{"code":"CONTROL_UNKNOWN_COMMAND","message":"..."}}
 */
export const CONTROL_COMMANDS = ['status', 'dump', 'reload'] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

export interface ControlRequest {
  readonly command: ControlCommand;
}

export interface ControlErrorBody {
  readonly code: string;
  readonly message: string;
}

export type ControlResponse = { readonly ok: true; readonly command: ControlCommand; readonly result: unknown } | { readonly ok: false; readonly error: ControlErrorBody };

/** A request line longer than this is refused and the connection closed (bounds memory per client). */
export const MAX_REQUEST_LINE_BYTES = 64 * 1024;

export const DEFAULT_CONTROL_SOCKET_PATH = '/run/vigil/control.sock';

export type ParsedControlRequest = { ok: true; request: ControlRequest } | { ok: false; error: ControlErrorBody };

export function parseControlRequest(line: string): ParsedControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: { code: 'CONTROL_BAD_JSON', message: 'request is not a JSON object' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { code: 'CONTROL_BAD_JSON', message: 'request is not a JSON object' } };
  }
  const command = (value as { command?: unknown }).command;
  if (typeof command !== 'string' || !(CONTROL_COMMANDS as readonly string[]).includes(command)) {
    return { ok: false, error: { code: 'CONTROL_UNKNOWN_COMMAND', message: `unknown command ${JSON.stringify(command)}; expected one of ${CONTROL_COMMANDS.join(', ')}` } };
  }
  return { ok: true, request: { command: command as ControlCommand } };
}

/** Reads a response line from the daemon; anything else is a protocol error. */
export function parseControlResponse(line: string): ControlResponse | null {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const r = v as { ok?: unknown; command?: unknown; error?: { code?: unknown; message?: unknown } };
    if (r.ok === true && typeof r.command === 'string') return v as ControlResponse;
    if (r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string') return v as ControlResponse;
    return null;
  } catch {
    return null;
  }
}
