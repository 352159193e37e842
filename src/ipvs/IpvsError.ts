import { VigilError } from '../core/VigilError.js';

/** Stable codes of the errors the IPVS client and its runtime raise or report. */
export type IpvsErrorCode =
  /** The kernel has no IPVS (no generic netlink family "IPVS"), or no netlink socket could be opened. */
  | 'IPVS_UNAVAILABLE'
  /** The kernel refused an IPVS command for lack of CAP_NET_ADMIN (EPERM). */
  | 'IPVS_PERMISSION_DENIED'
  /** A single query (GET_INFO, GET_CONFIG, SET_CONFIG, FLUSH, daemon start/stop) failed; details carry errno. */
  | 'IPVS_COMMAND_FAILED'
  /** A dump ended with an error, or kept being interrupted. */
  | 'IPVS_DUMP_FAILED'
  /** sendmsg(2) failed for a request. */
  | 'IPVS_SEND_FAILED'
  /** The socket failed for good (not an overrun). */
  | 'IPVS_SOCKET_BROKEN'
  /** No reply arrived within the stall limit. */
  | 'IPVS_STALLED'
  /** The client has been closed. */
  | 'IPVS_CLOSED'
  /** A reply could not be decoded. */
  | 'IPVS_DECODE_FAILED'
  /** One or more table operations of a batch failed (details list them). */
  | 'IPVS_OPERATIONS_FAILED'
  /** The ownership record (ipvs-owned.json) could not be replaced; the previous one stays. */
  | 'IPVS_OWNERSHIP_WRITE_FAILED';

export function ipvsError(code: IpvsErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown): VigilError {
  return new VigilError(code, message, details, cause === undefined ? undefined : { cause });
}
