import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/core/VigilError.js';
import { encodeDoneReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { NLM_F_DUMP_INTR, NLM_F_MULTI } from '../../../src/netlink/NetlinkConstants.js';
import { encodeNetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';
import { NetlinkOperationChannel, type NetlinkChannelErrors } from '../../../src/netlink/NetlinkOperationChannel.js';
import type { NetlinkTransport, NetlinkTransportHandler } from '../../../src/netlink/NetlinkTransport.js';
import { ManualTimers } from './rtnl/support/ManualTimers.js';

const PORT_BASE = 4000;
const DATA_TYPE = 0x20;

const errors: NetlinkChannelErrors = {
  closed: () => new VigilError('TEST_CLOSED', 'closed'),
  closedWhileRunning: () => new VigilError('TEST_CLOSED', 'closed while running'),
  decodeFailed: (reason) => new VigilError('TEST_DECODE_FAILED', reason),
  stalled: (ms) => new VigilError('TEST_STALLED', `stalled ${ms}`, { stallTimeoutMs: ms }),
};

/** In-memory sockets: records what is sent, lets the test answer. */
class ScriptedSockets {
  readonly opened: { handler: NetlinkTransportHandler; sent: Uint8Array[]; closed: boolean; alive: boolean; portId: number }[] = [];
  readonly open = (handler: NetlinkTransportHandler): NetlinkTransport => {
    const socket = { handler, sent: [] as Uint8Array[], closed: false, alive: false, portId: PORT_BASE + this.opened.length };
    this.opened.push(socket);
    return {
      portId: socket.portId,
      receiveBufferSize: 64 * 1024,
      send: (datagram, onSent) => {
        socket.sent.push(datagram);
        queueMicrotask(() => onSent(null));
      },
      keepEventLoopAlive: (alive) => {
        socket.alive = alive;
      },
      close: () => {
        socket.closed = true;
      },
    };
  };
  get last(): ScriptedSockets['opened'][number] {
    const socket = this.opened[this.opened.length - 1];
    if (socket === undefined) throw new Error('no socket opened');
    return socket;
  }
}

function channelWith(sockets: ScriptedSockets, timers: ManualTimers, idleOverrun: 'replace-socket' | 'ignore' = 'ignore'): NetlinkOperationChannel {
  const ignore = (): void => undefined;
  return new NetlinkOperationChannel({
    open: sockets.open,
    receiveBufferSize: 64 * 1024,
    stallTimeoutMs: 500,
    timers,
    log: { debug: ignore, warn: ignore },
    logPrefix: 'Test',
    overrunWarning: 'Test: overrun',
    errors,
    idleOverrun,
  });
}

const dumpRequest = (seqs: number[]) => ({
  what: 'thing',
  encode: (seq: number): Uint8Array => {
    seqs.push(seq);
    return encodeNetlinkMessage({ type: DATA_TYPE, flags: 0, seq, pid: 0 }, new Uint8Array(4));
  },
});

const dataPart = (seq: number, flags = NLM_F_MULTI): Uint8Array => encodeNetlinkMessage({ type: DATA_TYPE, flags, seq, pid: 0 }, Uint8Array.of(1, 2, 3, 4));
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('NetlinkOperationChannel', () => {
  it('collects a dump to NLMSG_DONE and releases the event loop afterwards', async () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const seqs: number[] = [];
    const result = channel.serialise(() => channel.dump(dumpRequest(seqs), { ack: false, retries: 0, failed: () => errors.closed(), keptFailing: () => errors.closed() }));
    await flush();
    expect(sockets.last.alive).toBe(true);
    const seq = seqs[0]!;
    sockets.last.handler.datagram(dataPart(seq));
    sockets.last.handler.datagram(encodeDoneReply(seq, sockets.last.portId));
    const messages = await result;
    expect(messages.map((m) => m.header.type)).toEqual([DATA_TYPE]);
    expect(sockets.last.alive).toBe(false);
  });

  it('repeats an interrupted dump under a new sequence number, then gives up with keptFailing', async () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const seqs: number[] = [];
    const keptFailing = (problem: string, attempts: number): VigilError => new VigilError('TEST_DUMP_FAILED', problem, { attempts });
    const result = channel.serialise(() => channel.dump(dumpRequest(seqs), { ack: false, retries: 1, failed: () => errors.closed(), keptFailing }));
    for (let attempt = 0; attempt < 2; attempt++) {
      await flush();
      const seq = seqs[attempt]!;
      sockets.last.handler.datagram(dataPart(seq, NLM_F_MULTI | NLM_F_DUMP_INTR));
      sockets.last.handler.datagram(encodeDoneReply(seq, sockets.last.portId));
    }
    await expect(result).rejects.toMatchObject({ code: 'TEST_DUMP_FAILED', details: { attempts: 2 } });
    expect(seqs).toEqual([1, 2]);
  });

  it('fails a silent operation with the stall error and opens a fresh socket for the next', async () => {
    const sockets = new ScriptedSockets();
    const timers = new ManualTimers();
    const channel = channelWith(sockets, timers);
    const first = channel.serialise(() => channel.collect(dumpRequest([]), { dump: false, ack: true }));
    await flush();
    timers.advance(499);
    expect(sockets.opened[0]!.closed).toBe(false);
    timers.advance(1);
    await expect(first).rejects.toMatchObject({ code: 'TEST_STALLED', details: { stallTimeoutMs: 500 } });
    expect(sockets.opened[0]!.closed).toBe(true);
    channel.ensureTransport();
    expect(sockets.opened).toHaveLength(2);
    expect(channel.ownsPort(PORT_BASE)).toBe(true);
    expect(channel.ownsPort(PORT_BASE + 1)).toBe(true);
  });

  it('fails an operation with decodeFailed when a datagram does not decode', async () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const pending = channel.serialise(() => channel.collect(dumpRequest([]), { dump: false, ack: true }));
    await flush();
    sockets.last.handler.datagram(Uint8Array.of(1, 2, 3));
    await expect(pending).rejects.toMatchObject({ code: 'TEST_DECODE_FAILED' });
    expect(sockets.last.closed).toBe(true);
  });

  it('fails a "do" request whose answer an overrun dropped, when told how', async () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const lost = new VigilError('TEST_LOST', 'lost');
    const pending = channel.serialise(() => channel.collect(dumpRequest([]), { dump: false, ack: true, lostInOverrun: () => lost }));
    await flush();
    sockets.last.handler.overrun();
    await expect(pending).rejects.toBe(lost);
  });

  it('replaces an overrun idle socket only under the replace-socket policy', () => {
    for (const [policy, closed] of [['replace-socket', true], ['ignore', false]] as const) {
      const sockets = new ScriptedSockets();
      const channel = channelWith(sockets, new ManualTimers(), policy);
      channel.ensureTransport();
      sockets.last.handler.overrun();
      expect(sockets.opened[0]!.closed, policy).toBe(closed);
    }
  });

  it('refuses operations after close and fails the running one', async () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const running = channel.serialise(() => channel.collect(dumpRequest([]), { dump: false, ack: true }));
    await flush();
    channel.close();
    await expect(running).rejects.toMatchObject({ message: 'closed while running' });
    await expect(channel.serialise(() => Promise.resolve(1))).rejects.toMatchObject({ code: 'TEST_CLOSED', message: 'closed' });
    expect(() => channel.ensureTransport()).toThrow(VigilError);
  });

  it('sizes the default window from the receive buffer, within the maximum', () => {
    const sockets = new ScriptedSockets();
    const channel = channelWith(sockets, new ManualTimers());
    const transport = channel.ensureTransport();
    expect(channel.window(transport, undefined, 1024)).toBe(32);
    expect(channel.window(transport, undefined, 8)).toBe(8);
    expect(channel.window(transport, 0, 8)).toBe(1);
  });
});
