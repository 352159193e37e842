import { VigilError } from '../../core/VigilError.js';
import { errnoNameOfStrerror } from './StrerrorMessage.js';
import { isNativeSystemError } from './VigilNetBinding.js';

/**
 * Stable codes for packet I/O failures. `details.errno` carries the system's reason
 * (`EPERM`, `ENODEV`, ...) when there is one, `details.syscall` the failing call.
 */
export type VrrpIoErrorCode =
  | 'VRRP_IO_OPEN_FAILED'
  | 'VRRP_IO_OPTION_FAILED'
  | 'VRRP_IO_SEND_FAILED'
  | 'VRRP_IO_RECEIVE_FAILED'
  | 'VRRP_IO_CLOSED'
  | 'VRRP_IO_NETNS_FAILED'
  | 'VRRP_IO_INTERFACE_NOT_FOUND'
  | 'VRRP_IO_BAD_ARGUMENT';

/** The errno name behind an addon or `raw-socket` error, if it has one. */
export function systemErrorCodeOf(e: unknown): string | undefined {
  if (isNativeSystemError(e)) return e.code;
  if (e instanceof Error) return errnoNameOfStrerror(e.message);
  return undefined;
}

/** EAGAIN/EWOULDBLOCK: the socket buffer is full; wait for writability and retry. */
export function isWouldBlock(e: unknown): boolean {
  const code = systemErrorCodeOf(e);
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/** Wraps a low-level failure: `"<action>: <cause>"`, with errno/syscall in details. */
export function vrrpIoError(
  code: VrrpIoErrorCode,
  action: string,
  cause: unknown,
  details: Record<string, unknown> = {},
): VigilError {
  if (cause instanceof VigilError) return cause;
  const errno = systemErrorCodeOf(cause);
  const syscall = isNativeSystemError(cause) ? cause.syscall : undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new VigilError(
    code,
    `${action}: ${reason}`,
    { ...details, ...(errno === undefined ? {} : { errno }), ...(syscall === undefined ? {} : { syscall }) },
    { cause },
  );
}

export function closedSocketError(what: string): VigilError {
  return new VigilError('VRRP_IO_CLOSED', `${what} is closed`, {});
}
