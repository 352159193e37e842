import { decodeDoneReply, decodeErrorReply, type NetlinkExtendedAck } from './NetlinkAcknowledgement.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR, NLM_F_MULTI } from './NetlinkConstants.js';
import type { NetlinkMessage } from './NetlinkMessage.js';

/** errno the collector reports for NLMSG_OVERRUN (ENOBUFS, asm-generic/errno.h). */
const ENOBUFS = 105;

export type NetlinkReplyOutcome =
  | { readonly status: 'pending' }
  /** ACK (a "do" request) or NLMSG_DONE (a dump) received; `messages` are the data messages before it. */
  | { readonly status: 'ok'; readonly messages: readonly NetlinkMessage[]; readonly interrupted: boolean }
  | {
      readonly status: 'error';
      /** Positive errno from the NLMSG_ERROR or NLMSG_DONE. */
      readonly errno: number;
      readonly extendedAck?: NetlinkExtendedAck;
      readonly messages: readonly NetlinkMessage[];
    };

export interface NetlinkReplyExpectation {
  readonly seq: number;
  /** The request carried NLM_F_DUMP: the answer ends with NLMSG_DONE. */
  readonly dump: boolean;
  /** The request carried NLM_F_ACK: a "do" answer ends with an NLMSG_ERROR of 0. */
  readonly ack: boolean;
}

/**
 * Gathers the reply to one request from the messages a socket receives, however
 * they are split into datagrams. Pure: feed it messages, read `outcome`.
 *
 * - Messages with another sequence number are left to the caller (`accept` returns false).
 * - A dump ends at NLMSG_DONE; the kernel sends no ACK after it even if NLM_F_ACK was set.
 * - NLM_F_DUMP_INTR on any part marks the dump `interrupted` (the table changed mid-dump).
 */
export class NetlinkReplyCollector {
  private readonly messages: NetlinkMessage[] = [];
  private interrupted = false;
  private result: NetlinkReplyOutcome = { status: 'pending' };

  constructor(readonly expectation: NetlinkReplyExpectation) {}

  get outcome(): NetlinkReplyOutcome {
    return this.result;
  }

  get complete(): boolean {
    return this.result.status !== 'pending';
  }

  /** Offers one message; returns true when it belonged to this request. */
  accept(message: NetlinkMessage): boolean {
    if (message.header.seq !== this.expectation.seq >>> 0) return false;
    if (this.complete) return true;
    const { type, flags } = message.header;
    if ((flags & NLM_F_DUMP_INTR) !== 0) this.interrupted = true;
    switch (type) {
      case NLMSG_NOOP:
        return true;
      case NLMSG_OVERRUN:
        this.result = { status: 'error', errno: ENOBUFS, messages: this.messages };
        return true;
      case NLMSG_ERROR: {
        const reply = decodeErrorReply(message);
        if (reply.errno !== 0) {
          this.result = {
            status: 'error',
            errno: reply.errno,
            ...(reply.extendedAck && { extendedAck: reply.extendedAck }),
            messages: this.messages,
          };
        } else if (!this.expectation.dump) {
          this.finish();
        }
        return true;
      }
      case NLMSG_DONE: {
        const done = decodeDoneReply(message);
        if (done.errno !== 0) {
          this.result = {
            status: 'error',
            errno: done.errno,
            ...(done.extendedAck && { extendedAck: done.extendedAck }),
            messages: this.messages,
          };
        } else {
          this.finish();
        }
        return true;
      }
      default:
        this.messages.push(message);
        // A "do" request without NLM_F_ACK is answered by a single, non-multipart message.
        if (!this.expectation.dump && !this.expectation.ack && (flags & NLM_F_MULTI) === 0) this.finish();
        return true;
    }
  }

  private finish(): void {
    this.result = { status: 'ok', messages: this.messages, interrupted: this.interrupted };
  }
}
