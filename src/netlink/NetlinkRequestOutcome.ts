import type { VigilError } from '../core/VigilError.js';

/** How one pipelined "do" request ended, with the caller's tag. */
export interface NetlinkRequestOutcome<T> {
  readonly tag: T;
  /** 0 when the kernel accepted the request, else the positive errno it (or sendmsg) reported. */
  readonly errno: number;
  /** The kernel's extended-ACK text (NLMSGERR_ATTR_MSG), when it sent one. */
  readonly kernelMessage?: string;
  /**
   * The request went out more than once, because an overrun may have dropped its
   * answer: an EEXIST, ENOENT or EADDRNOTAVAIL may describe the effect of an earlier copy.
   */
  readonly retransmitted: boolean;
  /** Set when no answer came from the kernel: sendmsg failed, the socket broke, or it stalled. */
  readonly transportError?: VigilError;
}
