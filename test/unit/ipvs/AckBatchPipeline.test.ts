import { describe, expect, it } from 'vitest';
import { AckBatchPipeline, type BatchedRequest } from '../../../src/ipvs/AckBatchPipeline.js';
import { encodeErrorReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { NLM_F_ACK } from '../../../src/netlink/NetlinkConstants.js';
import { decodeNetlinkMessages, encodeNetlinkMessage, type NetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';

function requests(count: number): BatchedRequest<number>[] {
  return Array.from({ length: count }, (_, i) => ({
    tag: i,
    encode: (seq: number, ack: boolean) => encodeNetlinkMessage({ type: 32, flags: 1 | (ack ? NLM_F_ACK : 0), seq, pid: 0 }, new Uint8Array(4)),
  }));
}

function reply(seq: number, errno: number): NetlinkMessage {
  const request = decodeNetlinkMessages(encodeNetlinkMessage({ type: 32, flags: 1, seq, pid: 0 }, new Uint8Array(4)))[0]!;
  return decodeNetlinkMessages(encodeErrorReply(request, errno, { portId: 1 }))[0]!;
}

function pipeline(count: number, groupSize: number, window = 100): { p: AckBatchPipeline<number>; seqs: () => number } {
  let seq = 0;
  return { p: new AckBatchPipeline(requests(count), { window, groupSize, maxDatagramBytes: 65536 }, () => ++seq), seqs: () => seq };
}

describe('AckBatchPipeline', () => {
  it('asks for an ACK on the last request of each group only', () => {
    const { p } = pipeline(10, 4);
    const groups = p.nextGroups();
    expect(groups.map((g) => g.seqs)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    const acked = groups.flatMap((g) => decodeNetlinkMessages(g.bytes).filter((m) => (m.header.flags & NLM_F_ACK) !== 0).map((m) => m.header.seq));
    expect(acked).toEqual([4, 8, 10]);
  });

  it('settles a group on its ACK, and an error on the request it names', () => {
    const { p } = pipeline(4, 4);
    p.nextGroups();
    p.accept(reply(2, 2));
    expect(p.finished).toBe(false);
    p.accept(reply(4, 0));
    expect(p.finished).toBe(true);
    expect(p.outcomes().map((o) => o.errno)).toEqual([0, 2, 0, 0]);
  });

  it('an error on the ACK carrier settles the rest of its group as successes', () => {
    const { p } = pipeline(3, 3);
    p.nextGroups();
    p.accept(reply(3, 17));
    expect(p.outcomes().map((o) => o.errno)).toEqual([0, 0, 17]);
  });

  it('keeps at most a window of requests unsettled', () => {
    const { p } = pipeline(10, 2, 4);
    expect(p.nextGroups().flatMap((g) => g.seqs)).toEqual([1, 2, 3, 4]);
    expect(p.nextGroups()).toEqual([]);
    p.accept(reply(2, 0));
    expect(p.nextGroups().flatMap((g) => g.seqs)).toEqual([5, 6]);
  });

  it('after an overrun resends what is unsettled and ignores replies to the superseded copies', () => {
    const { p } = pipeline(4, 4);
    p.nextGroups();
    p.accept(reply(1, 2));
    expect(p.retransmitUnanswered()).toBe(3);
    const again = p.nextGroups();
    expect(again.map((g) => g.seqs)).toEqual([[5, 6, 7]]);
    // The old group's ACK arrives late: it proves nothing any more.
    p.accept(reply(4, 0));
    expect(p.finished).toBe(false);
    p.accept(reply(7, 0));
    expect(p.outcomes().map((o) => [o.errno, o.retransmitted])).toEqual([
      [2, false],
      [0, true],
      [0, true],
      [0, true],
    ]);
  });
});
