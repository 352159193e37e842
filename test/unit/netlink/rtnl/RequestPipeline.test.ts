import { describe, expect, it } from 'vitest';
import { rtnlError } from '../../../../src/netlink/rtnl/RtnlError.js';
import { encodeErrorReply } from '../../../../src/netlink/NetlinkAcknowledgement.js';
import { decodeNetlinkMessages, encodeNetlinkMessage, type NetlinkMessage } from '../../../../src/netlink/NetlinkMessage.js';
import { RequestPipeline, type PipelinedRequest } from '../../../../src/netlink/rtnl/RequestPipeline.js';

/** A 24-byte request (header + 8 payload bytes) tagged with its index. */
const requests = (n: number): PipelinedRequest<number>[] =>
  Array.from({ length: n }, (_, i) => ({
    tag: i,
    encode: (seq: number) => encodeNetlinkMessage({ type: 20, flags: 5, seq, pid: 0 }, new Uint8Array(8).fill(i & 0xff)),
  }));

function counter(): () => number {
  let seq = 100;
  return () => ++seq;
}

/** The kernel's answer to one request message. */
const ack = (request: NetlinkMessage, errno = 0): NetlinkMessage =>
  decodeNetlinkMessages(encodeErrorReply(request, errno, { portId: 42 }))[0]!;

const sentMessages = (datagrams: { bytes: Uint8Array }[]): NetlinkMessage[] => datagrams.flatMap((d) => decodeNetlinkMessages(d.bytes));

describe('RequestPipeline', () => {
  it('keeps at most `window` requests in flight and packs them into datagrams', () => {
    const p = new RequestPipeline(requests(10), { window: 4, maxDatagramBytes: 48 }, counter());
    const first = p.nextDatagrams();
    expect(first.map((d) => d.seqs.length)).toEqual([2, 2]);
    expect(p.inFlight).toBe(4);
    expect(p.nextDatagrams()).toEqual([]);
    const sent = sentMessages(first);
    p.accept(ack(sent[0]!));
    p.accept(ack(sent[1]!));
    const second = p.nextDatagrams();
    expect(second.flatMap((d) => d.seqs)).toEqual([105, 106]);
    expect(p.inFlight).toBe(4);
  });

  it('matches ACKs by sequence number in any order and reports outcomes in request order', () => {
    const p = new RequestPipeline(requests(3), { window: 10, maxDatagramBytes: 4096 }, counter());
    const sent = sentMessages(p.nextDatagrams());
    expect(sent).toHaveLength(3);
    p.accept(ack(sent[2]!, 17));
    p.accept(ack(sent[0]!));
    expect(p.finished).toBe(false);
    p.accept(ack(sent[1]!, 99));
    expect(p.finished).toBe(true);
    expect(p.outcomes().map((o) => [o.tag, o.errno, o.retransmitted])).toEqual([
      [0, 0, false],
      [1, 99, false],
      [2, 17, false],
    ]);
  });

  it('ignores messages with foreign sequence numbers and duplicate answers', () => {
    const p = new RequestPipeline(requests(1), { window: 1, maxDatagramBytes: 4096 }, counter());
    const [sent] = sentMessages(p.nextDatagrams());
    const foreign = decodeNetlinkMessages(encodeErrorReply(decodeNetlinkMessages(encodeNetlinkMessage({ type: 20, flags: 5, seq: 7, pid: 0 }, new Uint8Array(0)))[0]!, 0, { portId: 1 }))[0]!;
    expect(p.accept(foreign)).toBe(false);
    expect(p.accept(ack(sent!, 17))).toBe(true);
    expect(p.accept(ack(sent!, 0))).toBe(true);
    expect(p.outcomes()[0]?.errno).toBe(17);
  });

  it('after an overrun resends what is unanswered under new sequence numbers; a late first answer still counts', () => {
    const p = new RequestPipeline(requests(4), { window: 4, maxDatagramBytes: 4096 }, counter());
    const sent = sentMessages(p.nextDatagrams());
    p.accept(ack(sent[0]!));
    expect(p.retransmitUnanswered()).toBe(3);
    expect(p.inFlight).toBe(0);
    const resent = sentMessages(p.nextDatagrams());
    expect(resent.map((m) => m.header.seq)).toEqual([105, 106, 107]);
    // Request 1's first ACK was only queued behind the error; request 2 and 3 answer through the resend.
    p.accept(ack(sent[1]!));
    p.accept(ack(resent[1]!, 17));
    p.accept(ack(resent[2]!));
    p.accept(ack(resent[0]!, 17)); // the duplicate's answer is ignored
    expect(p.outcomes().map((o) => [o.errno, o.retransmitted])).toEqual([
      [0, false],
      [0, false],
      [17, true],
      [0, true],
    ]);
  });

  it('a failed send fails exactly the requests of that datagram', () => {
    const p = new RequestPipeline(requests(4), { window: 4, maxDatagramBytes: 48 }, counter());
    const [d1, d2] = p.nextDatagrams();
    p.sendFailed(d1!.seqs, rtnlError('RTNL_SEND_FAILED', 'sendmsg failed', { errno: 105 }));
    for (const m of sentMessages([d2!])) p.accept(ack(m));
    expect(p.finished).toBe(true);
    const outcomes = p.outcomes();
    expect(outcomes.map((o) => o.errno)).toEqual([105, 105, 0, 0]);
    expect(outcomes[0]?.transportError?.code).toBe('RTNL_SEND_FAILED');
  });

  it('failUnanswered ends the batch with the transport error on what was left', () => {
    const p = new RequestPipeline(requests(3), { window: 2, maxDatagramBytes: 4096 }, counter());
    const sent = sentMessages(p.nextDatagrams());
    p.accept(ack(sent[0]!));
    p.failUnanswered(rtnlError('RTNL_SOCKET_BROKEN', 'gone'));
    expect(p.finished).toBe(true);
    expect(p.outcomes().map((o) => o.transportError?.code ?? 'ok')).toEqual(['ok', 'RTNL_SOCKET_BROKEN', 'RTNL_SOCKET_BROKEN']);
    expect(p.outcomes()[1]?.errno).toBe(5);
  });

  it('one request larger than the datagram limit still goes out alone', () => {
    const p = new RequestPipeline(requests(2), { window: 2, maxDatagramBytes: 8 }, counter());
    expect(p.nextDatagrams().map((d) => d.seqs.length)).toEqual([1, 1]);
  });
});
