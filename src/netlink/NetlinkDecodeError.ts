import { VigilError } from '../core/VigilError.js';

/**
 * Stable codes for malformed netlink input. Decoders throw only
 * `NetlinkDecodeError`, never a RangeError from a typed-array view.
 */
export type NetlinkDecodeErrorCode =
  /** Fewer bytes left than a `struct nlmsghdr` (16). */
  | 'NETLINK_TRUNCATED_HEADER'
  /** `nlmsg_len` smaller than the header it belongs to. */
  | 'NETLINK_BAD_MESSAGE_LENGTH'
  /** `nlmsg_len` or `nla_len` reaches past the end of the buffer. */
  | 'NETLINK_LENGTH_PAST_BUFFER'
  /** A payload too short for its fixed header (genlmsghdr, nlmsgerr). */
  | 'NETLINK_TRUNCATED_PAYLOAD'
  /** 1..3 stray bytes where an attribute header should start. */
  | 'NETLINK_TRUNCATED_ATTRIBUTE'
  /** `nla_len` < 4, which would never advance. */
  | 'NETLINK_BAD_ATTRIBUTE_LENGTH'
  /** An attribute inside a nest runs past the nest's own length. */
  | 'NETLINK_NESTED_OVERFLOW'
  /** Nesting deeper than any kernel family produces. */
  | 'NETLINK_NESTING_TOO_DEEP'
  /** An attribute payload of the wrong size for its declared type. */
  | 'NETLINK_ATTRIBUTE_SIZE'
  /** A string attribute that is not valid for its policy (no NUL, too long). */
  | 'NETLINK_BAD_STRING'
  /** A required attribute is absent. */
  | 'NETLINK_MISSING_ATTRIBUTE'
  /** A message of an unexpected type or command for the context. */
  | 'NETLINK_UNEXPECTED_MESSAGE';

export class NetlinkDecodeError extends VigilError {
  declare readonly code: NetlinkDecodeErrorCode;

  constructor(code: NetlinkDecodeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'NetlinkDecodeError';
  }
}

export function isNetlinkDecodeError(e: unknown): e is NetlinkDecodeError {
  return e instanceof NetlinkDecodeError;
}
