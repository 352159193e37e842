import type { VigilError } from '../core/VigilError.js';
import { LINUX_ERRNO } from '../netlink/LinuxErrno.js';
import { decodeErrorReply } from '../netlink/NetlinkAcknowledgement.js';
import { HOST_IS_LITTLE_ENDIAN } from '../netlink/HostByteOrder.js';
import { NLMSG_ERROR, NLM_F_ACK } from '../netlink/NetlinkConstants.js';
import type { NetlinkMessage } from '../netlink/NetlinkMessage.js';
import type { NetlinkRequestOutcome } from '../netlink/NetlinkRequestOutcome.js';

/** One "do" request; `ack` says whether this copy carries NLM_F_ACK. */
export interface BatchedRequest<T> {
  readonly tag: T;
  encode(seq: number, ack: boolean): Uint8Array;
}

/** Shared with the other request pipeline (src/netlink/NetlinkRequestOutcome.ts). */
export type BatchedOutcome<T> = NetlinkRequestOutcome<T>;

export interface AckBatchLimits {
  /** Requests sent and not yet settled, at most. Their error replies must fit the receive buffer. */
  readonly window: number;
  /** Requests per group: one datagram whose last request alone asks for an ACK. 1 = ACK every request. */
  readonly groupSize: number;
  /** A group is cut short before its datagram would exceed this size. */
  readonly maxDatagramBytes: number;
}

export interface OutgoingGroup {
  readonly bytes: Uint8Array;
  readonly seqs: readonly number[];
}

interface Entry<T> {
  readonly request: BatchedRequest<T>;
  state: 'queued' | 'sent' | 'done';
  sends: number;
  /** The group of the latest copy sent. */
  group?: Group<T>;
  outcome?: BatchedOutcome<T>;
}

interface Group<T> {
  readonly members: Entry<T>[];
  /** Sequence number of the member that carries NLM_F_ACK (the last). */
  ackSeq: number;
}

/**
 * Pipelined "do" requests whose acknowledgements are batched. The kernel handles one
 * socket's requests strictly in order and answers a request without NLM_F_ACK only
 * when it fails (net/netlink/af_netlink.c netlink_rcv_skb: an error is always
 * reported). So each datagram ("group") carries NLM_F_ACK on its last request only:
 * an error reply settles the request it names (matched by sequence number), and the
 * ACK (or error) of the last request settles every other member of its group as a
 * success, since their errors would have been queued before it.
 *
 * After a receive-buffer overrun a later ACK no longer proves that no error was lost,
 * so every unsettled request is sent again under a new sequence number, and replies to
 * the old numbers are ignored. Pure bookkeeping: no I/O, no clock.
 */
export class AckBatchPipeline<T> {
  private readonly entries: Entry<T>[];
  private readonly bySeq = new Map<number, { entry: Entry<T>; group: Group<T> }>();
  /** Requests to send, from `head` on (an index, because Array.shift is O(n) on 100,000 entries). */
  private queue: Entry<T>[];
  private head = 0;
  private sentCount = 0;
  private doneCount = 0;

  constructor(
    requests: readonly BatchedRequest<T>[],
    private readonly limits: AckBatchLimits,
    private readonly allocateSeq: () => number,
  ) {
    this.entries = requests.map((request) => ({ request, state: 'queued', sends: 0 }));
    this.queue = [...this.entries];
  }

  get finished(): boolean {
    return this.doneCount === this.entries.length;
  }

  /** Requests sent and not yet settled. */
  get inFlight(): number {
    return this.sentCount;
  }

  /** Fills the window with groups, each one datagram, in order. */
  nextGroups(): OutgoingGroup[] {
    const groups: OutgoingGroup[] = [];
    const groupSize = Math.max(1, this.limits.groupSize);
    // Leave room for the largest request: the group closes before its datagram could overflow.
    const closeAt = this.limits.maxDatagramBytes - 4096;
    while (this.sentCount < this.limits.window && this.head < this.queue.length) {
      const room = Math.min(groupSize, this.limits.window - this.sentCount);
      const group: Group<T> = { members: [], ackSeq: 0 };
      const parts: Uint8Array[] = [];
      const seqs: number[] = [];
      let size = 0;
      while (group.members.length < room && this.head < this.queue.length) {
        const entry = this.queue[this.head++] as Entry<T>;
        if (entry.state !== 'queued') continue;
        const seq = this.allocateSeq();
        const last = group.members.length === room - 1 || this.head === this.queue.length;
        let bytes = entry.request.encode(seq, last);
        const closing = !last && size + bytes.length > closeAt;
        // This member becomes the group's ACK carrier.
        if (closing) bytes = entry.request.encode(seq, true);
        this.track(entry, group, seq);
        parts.push(bytes);
        seqs.push(seq);
        size += bytes.length;
        if (closing) break;
      }
      if (group.members.length === 0) break;
      const lastSeq = seqs[seqs.length - 1] as number;
      if (!this.carriesAck(parts[parts.length - 1] as Uint8Array)) {
        // The queue's tail held only settled entries: re-encode the last member with the ACK.
        const lastEntry = group.members[group.members.length - 1] as Entry<T>;
        parts[parts.length - 1] = lastEntry.request.encode(lastSeq, true);
      }
      group.ackSeq = lastSeq;
      const datagram = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        datagram.set(part, at);
        at += part.length;
      }
      groups.push({ bytes: datagram, seqs });
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return groups;
  }

  /** Whether an encoded request has NLM_F_ACK (nlmsghdr flags, host order, offset 6). */
  private carriesAck(request: Uint8Array): boolean {
    return (new DataView(request.buffer, request.byteOffset, 8).getUint16(6, HOST_IS_LITTLE_ENDIAN) & NLM_F_ACK) !== 0;
  }

  private track(entry: Entry<T>, group: Group<T>, seq: number): void {
    entry.state = 'sent';
    entry.sends++;
    entry.group = group;
    group.members.push(entry);
    this.bySeq.set(seq, { entry, group });
    this.sentCount++;
  }

  /** Offers a received message; true when its sequence number is one of ours. */
  accept(message: NetlinkMessage): boolean {
    const found = this.bySeq.get(message.header.seq);
    if (found === undefined) return false;
    if (message.header.type !== NLMSG_ERROR) return true;
    const { entry, group } = found;
    // A reply to a copy that has since been superseded (after an overrun) proves nothing.
    if (entry.group !== group) return true;
    const reply = decodeErrorReply(message);
    if (reply.errno !== 0 && entry.state !== 'done') {
      this.complete(entry, {
        tag: entry.request.tag,
        errno: reply.errno,
        ...(reply.extendedAck?.message !== undefined && { kernelMessage: reply.extendedAck.message }),
        retransmitted: entry.sends > 1,
      });
    }
    if (message.header.seq === group.ackSeq) {
      for (const member of group.members) {
        if (member.state !== 'done' && member.group === group) this.complete(member, { tag: member.request.tag, errno: 0, retransmitted: member.sends > 1 });
      }
    }
    return true;
  }

  /** sendmsg failed for a group: its requests never reached the kernel. */
  sendFailed(seqs: readonly number[], error: VigilError): void {
    for (const seq of seqs) this.failEntry(this.bySeq.get(seq)?.entry, error);
  }

  /** The socket is gone or silent: everything unsettled fails with `error`. */
  failUnanswered(error: VigilError): void {
    for (const entry of this.entries) this.failEntry(entry, error);
  }

  /** After an overrun: every sent, unsettled request goes out again. Returns how many. */
  retransmitUnanswered(): number {
    const again = this.entries.filter((e) => e.state === 'sent');
    for (const entry of again) {
      entry.state = 'queued';
      delete entry.group;
    }
    this.sentCount -= again.length;
    this.queue = [...again, ...this.queue.slice(this.head)];
    this.head = 0;
    return again.length;
  }

  /** Outcomes in request order; only meaningful once `finished`. */
  outcomes(): BatchedOutcome<T>[] {
    return this.entries.map((entry) => entry.outcome ?? { tag: entry.request.tag, errno: LINUX_ERRNO.EIO, retransmitted: entry.sends > 1 });
  }

  private failEntry(entry: Entry<T> | undefined, error: VigilError): void {
    if (entry === undefined || entry.state === 'done') return;
    const errno = typeof error.details['errno'] === 'number' ? error.details['errno'] : LINUX_ERRNO.EIO;
    this.complete(entry, { tag: entry.request.tag, errno, retransmitted: entry.sends > 1, transportError: error });
  }

  private complete(entry: Entry<T>, outcome: BatchedOutcome<T>): void {
    if (entry.state === 'sent') this.sentCount--;
    entry.state = 'done';
    entry.outcome = outcome;
    this.doneCount++;
  }
}
