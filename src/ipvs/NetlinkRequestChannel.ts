import { errnoName } from '../netlink/LinuxErrno.js';
import type { NetlinkMessage } from '../netlink/NetlinkMessage.js';
import { NetlinkOperationChannel, type NetlinkChannelErrors, type NetlinkOperation } from '../netlink/NetlinkOperationChannel.js';
import type { NetlinkReplyOutcome } from '../netlink/NetlinkReplyCollector.js';
import type { VigilError } from '../core/VigilError.js';
import { SYSTEM_TIMERS, type NetlinkTimers } from '../netlink/NetlinkTimers.js';
import { AckBatchPipeline, type BatchedOutcome, type BatchedRequest } from './AckBatchPipeline.js';
import type { NetlinkTransport, NetlinkTransportOpener } from './GenericNetlinkSocketTransport.js';
import { ipvsError } from './IpvsError.js';
import { SILENT_IPVS_LOG, type IpvsLog } from './IpvsLog.js';

export interface NetlinkRequestChannelOptions {
  readonly open: NetlinkTransportOpener;
  /** SO_RCVBUF to ask for (default 4 MiB; the kernel caps it at net.core.rmem_max × 2). */
  readonly receiveBufferSize?: number;
  /** Requests in flight at most; by default what the receive buffer holds error replies for. */
  readonly window?: number;
  /** Requests per datagram of which only the last asks for an ACK (default 32; 1 acknowledges each). */
  readonly ackGroupSize?: number;
  /** An operation that hears nothing for this long fails with IPVS_STALLED (default 15 s). */
  readonly stallTimeoutMs?: number;
  /** How often an interrupted or overrun dump is repeated (default 5). */
  readonly dumpRetries?: number;
  readonly timers?: NetlinkTimers;
  readonly log?: IpvsLog;
}

/** One request, for messages: what it is, and its bytes for a sequence number. */
export interface ChannelRequest {
  readonly what: string;
  encode(seq: number): Uint8Array;
}

const DEFAULT_RECEIVE_BUFFER = 4 << 20;
const MAX_WINDOW = 1024;
/** Well under net.core.wmem_default, which bounds one netlink datagram (netlink_sendmsg). */
const MAX_DATAGRAM_BYTES = 64 * 1024;
const DEFAULT_ACK_GROUP = 32;

const IPVS_CHANNEL_ERRORS: NetlinkChannelErrors = {
  closed: () => ipvsError('IPVS_CLOSED', 'IPVS: the netlink socket is closed'),
  closedWhileRunning: () => ipvsError('IPVS_CLOSED', 'IPVS: the netlink socket was closed'),
  decodeFailed: (reason, cause) => ipvsError('IPVS_DECODE_FAILED', `IPVS: undecodable reply: ${reason}`, {}, cause),
  stalled: (stallMs) => ipvsError('IPVS_STALLED', `IPVS: no reply for ${stallMs} ms`, { stallTimeoutMs: stallMs }),
};

/**
 * Requests, pipelined batches and dumps over one generic netlink socket, one operation
 * at a time (NetlinkOperationChannel). Within a batch many requests are in flight, sent
 * in datagrams of `ackGroupSize` whose last request alone asks for an ACK (see
 * AckBatchPipeline); the window is refilled once half of it has settled. After an
 * overrun the unsettled requests are resent on the same socket.
 */
export class NetlinkRequestChannel {
  private readonly channel: NetlinkOperationChannel;

  constructor(private readonly options: NetlinkRequestChannelOptions) {
    this.channel = new NetlinkOperationChannel({
      open: options.open,
      receiveBufferSize: options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER,
      stallTimeoutMs: options.stallTimeoutMs ?? 15_000,
      timers: options.timers ?? SYSTEM_TIMERS,
      log: options.log ?? SILENT_IPVS_LOG,
      logPrefix: 'IPVS',
      overrunWarning: 'IPVS: netlink receive buffer overrun',
      errors: IPVS_CHANNEL_ERRORS,
      idleOverrun: 'ignore',
    });
  }

  /** Opens the socket now, so that a missing netlink protocol shows up at once. */
  connect(): void {
    this.channel.ensureTransport();
  }

  /** Sends every request, many in flight at once; one outcome per request, in order. */
  execute<T>(requests: readonly BatchedRequest<T>[]): Promise<BatchedOutcome<T>[]> {
    return this.channel.serialise(() => this.runBatch(requests));
  }

  /** A "do" request with NLM_F_ACK; resolves with its data messages, or the kernel's errno. */
  request(request: ChannelRequest): Promise<NetlinkReplyOutcome> {
    return this.channel.serialise(() =>
      this.channel.collect(request, {
        dump: false,
        ack: true,
        lostInOverrun: () =>
          ipvsError('IPVS_COMMAND_FAILED', `IPVS: the answer to ${request.what} was lost in a receive-buffer overrun`, { what: request.what }),
      }),
    );
  }

  /** A dump to NLMSG_DONE; repeats interrupted or overrun dumps; errors become IPVS_DUMP_FAILED. */
  dump(request: ChannelRequest): Promise<NetlinkMessage[]> {
    return this.channel.serialise(() =>
      this.channel.dump(request, {
        ack: true,
        retries: this.options.dumpRetries ?? 5,
        failed: (errno) => ipvsError('IPVS_DUMP_FAILED', `IPVS: ${request.what} dump failed: ${errnoName(errno)}`, { what: request.what, errno }),
        keptFailing: (problem, attempts) =>
          ipvsError('IPVS_DUMP_FAILED', `IPVS: ${request.what} dump kept failing: ${problem}`, { what: request.what, attempts }),
      }),
    );
  }

  close(): void {
    this.channel.close();
  }

  /** Runs a batch on the current socket; no socket fails the batch at once. */
  private runBatch<T>(requests: readonly BatchedRequest<T>[]): Promise<BatchedOutcome<T>[]> {
    if (requests.length === 0) return Promise.resolve([]);
    let transport: NetlinkTransport;
    try {
      transport = this.channel.sendingTransport();
    } catch (e) {
      return Promise.reject(e as VigilError);
    }
    const channel = this.channel;
    return channel.run<BatchedOutcome<T>[]>((finish, _fail, progress): NetlinkOperation => {
      const window = channel.window(transport, this.options.window, MAX_WINDOW);
      const groupSize = Math.max(1, Math.min(this.options.ackGroupSize ?? DEFAULT_ACK_GROUP, Math.ceil(window / 4)));
      // Refill at half a window: requests then leave in batches, not one datagram per ACK.
      const refillAt = Math.floor(window / 2);
      const pipeline = new AckBatchPipeline(requests, { window, groupSize, maxDatagramBytes: MAX_DATAGRAM_BYTES }, () => channel.nextSeq());
      const pump = (force: boolean): void => {
        if (pipeline.finished) {
          finish(pipeline.outcomes());
          return;
        }
        if (!force && pipeline.inFlight > refillAt) return;
        for (const datagram of pipeline.nextGroups()) {
          transport.send(datagram.bytes, (error) => {
            if (error === null) return;
            pipeline.sendFailed(datagram.seqs, error);
            pump(true);
          });
        }
      };
      queueMicrotask(() => pump(true));
      return {
        messages: (messages) => {
          let matched = false;
          for (const message of messages) matched = pipeline.accept(message) || matched;
          if (matched) progress();
          pump(false);
        },
        overrun: () => {
          const again = pipeline.retransmitUnanswered();
          channel.log.warn({ requests: again }, 'IPVS: resending requests whose acknowledgement may have been dropped');
          pump(true);
        },
        failed: (error) => {
          pipeline.failUnanswered(error);
          finish(pipeline.outcomes());
        },
      };
    });
  }
}
