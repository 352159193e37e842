import type { VigilError } from '../../core/VigilError.js';
import { LINUX_ERRNO } from '../LinuxErrno.js';
import { decodeErrorReply } from '../NetlinkAcknowledgement.js';
import { NLMSG_ERROR } from '../NetlinkConstants.js';
import type { NetlinkMessage } from '../NetlinkMessage.js';
import type { NetlinkRequestOutcome } from '../NetlinkRequestOutcome.js';

/** One "do" request (NLM_F_ACK set) and what the caller wants back with its outcome. */
export interface PipelinedRequest<T> {
  readonly tag: T;
  /** The complete message for sequence number `seq`. */
  encode(seq: number): Uint8Array;
}

/** Shared with the other request pipeline (src/netlink/NetlinkRequestOutcome.ts). */
export type PipelinedOutcome<T> = NetlinkRequestOutcome<T>;

export interface PipelineLimits {
  /** Requests sent and not yet answered, at most. Their ACKs must fit the receive buffer. */
  readonly window: number;
  /** Several requests share one datagram up to this size (the kernel handles each in turn). */
  readonly maxDatagramBytes: number;
}

export interface OutgoingDatagram {
  readonly bytes: Uint8Array;
  readonly seqs: readonly number[];
}

interface Entry<T> {
  readonly request: PipelinedRequest<T>;
  state: 'queued' | 'sent' | 'done';
  readonly seqs: number[];
  outcome?: PipelinedOutcome<T>;
}

/**
 * Many requests in flight on one socket, each answered by its own NLMSG_ERROR matched
 * by sequence number. Pure bookkeeping: it says what to send next, takes the replies,
 * and after an overrun re-queues what is still unanswered under fresh sequence
 * numbers (the old numbers still count if their answer turns up late).
 */
export class RequestPipeline<T> {
  private readonly entries: Entry<T>[];
  private readonly bySeq = new Map<number, Entry<T>>();
  private queue: Entry<T>[];
  private sentCount = 0;
  private doneCount = 0;
  private windowSize: number;

  constructor(
    requests: readonly PipelinedRequest<T>[],
    private readonly limits: PipelineLimits,
    private readonly allocateSeq: () => number,
  ) {
    this.entries = requests.map((request) => ({ request, state: 'queued', seqs: [] }));
    this.queue = [...this.entries];
    this.windowSize = Math.max(1, Math.floor(limits.window));
  }

  get window(): number {
    return this.windowSize;
  }

  /** Halves the window (at least 1): an overrun showed the ACKs of a full window do not fit. */
  shrinkWindow(): number {
    this.windowSize = Math.max(1, Math.floor(this.windowSize / 2));
    return this.windowSize;
  }

  get finished(): boolean {
    return this.doneCount === this.entries.length;
  }

  /** Requests sent whose answer has not arrived. */
  get inFlight(): number {
    return this.sentCount;
  }

  get unanswered(): number {
    return this.entries.length - this.doneCount;
  }

  /**
   * Refills the window once at most half of it is in flight, so requests go out in
   * datagrams of half a window rather than one per ACK read: the datagrams to send now.
   */
  nextDatagrams(): OutgoingDatagram[] {
    const datagrams: OutgoingDatagram[] = [];
    if (this.sentCount > Math.floor(this.windowSize / 2)) return datagrams;
    let parts: Uint8Array[] = [];
    let seqs: number[] = [];
    let size = 0;
    const flush = (): void => {
      if (parts.length === 0) return;
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      datagrams.push({ bytes, seqs });
      parts = [];
      seqs = [];
      size = 0;
    };
    while (this.sentCount < this.windowSize && this.queue.length > 0) {
      const entry = this.queue.shift();
      if (entry === undefined || entry.state !== 'queued') continue;
      const seq = this.allocateSeq();
      const bytes = entry.request.encode(seq);
      if (size > 0 && size + bytes.length > this.limits.maxDatagramBytes) flush();
      entry.seqs.push(seq);
      this.bySeq.set(seq, entry);
      entry.state = 'sent';
      this.sentCount++;
      parts.push(bytes);
      seqs.push(seq);
      size += bytes.length;
    }
    flush();
    return datagrams;
  }

  /** Offers a received message; true when its sequence number is one of ours. */
  accept(message: NetlinkMessage): boolean {
    const entry = this.bySeq.get(message.header.seq);
    if (entry === undefined) return false;
    // A "do" request answers with one NLMSG_ERROR; anything else (an NLM_F_ECHO copy) is not the answer.
    if (message.header.type !== NLMSG_ERROR || entry.state === 'done') return true;
    const reply = decodeErrorReply(message);
    this.complete(entry, {
      tag: entry.request.tag,
      errno: reply.errno,
      ...(reply.extendedAck?.message !== undefined && { kernelMessage: reply.extendedAck.message }),
      retransmitted: entry.seqs[0] !== message.header.seq,
    });
    return true;
  }

  /** sendmsg failed for a datagram: its requests never reached the kernel. */
  sendFailed(seqs: readonly number[], error: VigilError): void {
    for (const seq of seqs) this.failEntry(this.bySeq.get(seq), error);
  }

  /** The socket is gone or silent: everything unanswered fails with `error`. */
  failUnanswered(error: VigilError): void {
    for (const entry of this.entries) this.failEntry(entry, error);
  }

  /**
   * After an overrun (ENOBUFS), ACKs of requests in flight may have been dropped: send
   * those requests again. Adds and deletes are idempotent at the kernel (EEXIST,
   * EADDRNOTAVAIL), so a duplicate does no harm.
   */
  retransmitUnanswered(): number {
    const again = this.entries.filter((e) => e.state === 'sent');
    for (const entry of again) entry.state = 'queued';
    this.sentCount -= again.length;
    this.queue = [...again, ...this.queue];
    return again.length;
  }

  /** Outcomes in request order; only meaningful once `finished`. */
  outcomes(): PipelinedOutcome<T>[] {
    return this.entries.map(
      (entry) => entry.outcome ?? { tag: entry.request.tag, errno: LINUX_ERRNO.EIO, retransmitted: entry.seqs.length > 1 },
    );
  }

  private failEntry(entry: Entry<T> | undefined, error: VigilError): void {
    if (entry === undefined || entry.state === 'done') return;
    const errno = typeof error.details['errno'] === 'number' ? error.details['errno'] : LINUX_ERRNO.EIO;
    this.complete(entry, { tag: entry.request.tag, errno, retransmitted: entry.seqs.length > 1, transportError: error });
  }

  private complete(entry: Entry<T>, outcome: PipelinedOutcome<T>): void {
    if (entry.state === 'sent') this.sentCount--;
    entry.state = 'done';
    entry.outcome = outcome;
    this.doneCount++;
  }
}
