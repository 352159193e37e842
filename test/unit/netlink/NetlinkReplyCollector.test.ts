import { describe, expect, it } from 'vitest';
import { encodeDoneReply, encodeErrorReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_OVERRUN } from '../../../src/netlink/NetlinkConstants.js';
import { decodeNetlinkMessages, encodeNetlinkMessage, type NetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';
import { NetlinkReplyCollector } from '../../../src/netlink/NetlinkReplyCollector.js';
import { kernelExchange } from '../ipvs/support/Fixtures.js';

const messagesOf = (datagrams: readonly Uint8Array[]): NetlinkMessage[] => datagrams.flatMap((d) => decodeNetlinkMessages(d));
const request = (seq: number): NetlinkMessage => decodeNetlinkMessages(encodeNetlinkMessage({ type: 0x20, flags: 5, seq, pid: 0 }, new Uint8Array(4)))[0]!;
const data = (seq: number, flags = 0): NetlinkMessage => decodeNetlinkMessages(encodeNetlinkMessage({ type: 0x20, flags, seq, pid: 1 }, new Uint8Array(4)))[0]!;

describe('NetlinkReplyCollector with real kernel replies', () => {
  it('collects a GET_SERVICE "do" answer: the reply, then the ACK', () => {
    const exchange = kernelExchange('GET_SERVICE one');
    const seq = decodeNetlinkMessages(exchange.request)[0]!.header.seq;
    const collector = new NetlinkReplyCollector({ seq, dump: false, ack: true });
    const messages = messagesOf(exchange.replies);
    collector.accept(messages[0]!);
    expect(collector.complete).toBe(false);
    collector.accept(messages[1]!);
    expect(collector.outcome).toMatchObject({ status: 'ok', interrupted: false });
    if (collector.outcome.status === 'ok') expect(collector.outcome.messages).toHaveLength(1);
  });

  it('collects a multi-part dump across datagrams until NLMSG_DONE', () => {
    const exchange = kernelExchange('GET_DEST dump tcp');
    const seq = decodeNetlinkMessages(exchange.request)[0]!.header.seq;
    const collector = new NetlinkReplyCollector({ seq, dump: true, ack: true });
    for (const message of messagesOf(exchange.replies)) collector.accept(message);
    expect(collector.outcome.status).toBe('ok');
    if (collector.outcome.status === 'ok') expect(collector.outcome.messages).toHaveLength(4);
  });

  it('reports the errno of a failed request', () => {
    const exchange = kernelExchange('DEL_SERVICE missing');
    const seq = decodeNetlinkMessages(exchange.request)[0]!.header.seq;
    const collector = new NetlinkReplyCollector({ seq, dump: false, ack: true });
    for (const message of messagesOf(exchange.replies)) collector.accept(message);
    expect(collector.outcome).toMatchObject({ status: 'error', errno: 3 });
  });
});

describe('NetlinkReplyCollector rules', () => {
  it('leaves messages of other sequence numbers to the caller', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: false, ack: true });
    expect(collector.accept(data(6))).toBe(false);
    expect(collector.complete).toBe(false);
  });

  it('ignores an ACK that arrives in the middle of a dump (only NLMSG_DONE ends it)', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: true, ack: true });
    collector.accept(data(5, NLM_F_MULTI));
    collector.accept(decodeNetlinkMessages(encodeErrorReply(request(5), 0, { portId: 1 }))[0]!);
    expect(collector.complete).toBe(false);
    collector.accept(decodeNetlinkMessages(encodeDoneReply(5, 1))[0]!);
    expect(collector.outcome.status).toBe('ok');
  });

  it('marks a dump interrupted when a part carries NLM_F_DUMP_INTR', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: true, ack: false });
    collector.accept(data(5, NLM_F_MULTI | NLM_F_DUMP_INTR));
    collector.accept(decodeNetlinkMessages(encodeDoneReply(5, 1))[0]!);
    expect(collector.outcome).toMatchObject({ status: 'ok', interrupted: true });
  });

  it('fails a dump whose NLMSG_DONE carries an errno', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: true, ack: false });
    collector.accept(decodeNetlinkMessages(encodeDoneReply(5, 1, 105))[0]!);
    expect(collector.outcome).toMatchObject({ status: 'error', errno: 105 });
  });

  it('completes a "do" request without NLM_F_ACK on its single reply', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: false, ack: false });
    collector.accept(data(5));
    expect(collector.outcome.status).toBe('ok');
  });

  it('turns NLMSG_OVERRUN into ENOBUFS', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: true, ack: false });
    collector.accept(decodeNetlinkMessages(encodeNetlinkMessage({ type: NLMSG_OVERRUN, flags: 0, seq: 5, pid: 0 }, new Uint8Array(0)))[0]!);
    expect(collector.outcome).toMatchObject({ status: 'error', errno: 105 });
  });

  it('keeps its outcome once complete', () => {
    const collector = new NetlinkReplyCollector({ seq: 5, dump: false, ack: true });
    collector.accept(decodeNetlinkMessages(encodeErrorReply(request(5), 2, { portId: 1 }))[0]!);
    expect(collector.accept(decodeNetlinkMessages(encodeErrorReply(request(5), 0, { portId: 1 }))[0]!)).toBe(true);
    expect(collector.outcome).toMatchObject({ status: 'error', errno: 2 });
  });
});
