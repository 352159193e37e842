import { VigilError } from '../../core/VigilError.js';

/** Stable codes of the errors this folder raises or reports. */
export type RtnlErrorCode =
  /** A VIP description the kernel would reject or keepalived would refuse (label, brd, scope, prefix). */
  | 'RTNL_INVALID_VIP'
  /** No interface with that name or index in this network namespace. */
  | 'RTNL_INTERFACE_NOT_FOUND'
  /** The kernel refused to add an address (details carry errno and the address). */
  | 'RTNL_ADDRESS_ADD_FAILED'
  /** The kernel refused to delete an address. */
  | 'RTNL_ADDRESS_DELETE_FAILED'
  /** The kernel refused to add a route, or its interface is missing (details carry errno and the route). */
  | 'RTNL_ROUTE_ADD_FAILED'
  /** The kernel refused to delete a route. */
  | 'RTNL_ROUTE_DELETE_FAILED'
  /** The kernel refused to add a policy rule. */
  | 'RTNL_RULE_ADD_FAILED'
  /** The kernel refused to delete a policy rule. */
  | 'RTNL_RULE_DELETE_FAILED'
  /** A dump ended with an error, or kept being interrupted. */
  | 'RTNL_DUMP_FAILED'
  /** The netlink socket could not be created, bound or subscribed. */
  | 'RTNL_SOCKET_FAILED'
  /** sendmsg(2) failed for a request. */
  | 'RTNL_SEND_FAILED'
  /** The socket failed for good (not an overrun); it has been closed. */
  | 'RTNL_SOCKET_BROKEN'
  /** No reply arrived within the stall limit. */
  | 'RTNL_STALLED'
  /** The client or monitor has been closed. */
  | 'RTNL_CLOSED'
  /** A message from the kernel could not be decoded. */
  | 'RTNL_DECODE_FAILED';

export function rtnlError(
  code: RtnlErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): VigilError {
  return new VigilError(code, message, details, cause === undefined ? undefined : { cause });
}
