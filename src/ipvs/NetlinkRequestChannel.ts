import type { VigilError } from '../core/VigilError.js';
import { errnoName } from '../netlink/LinuxErrno.js';
import { decodeNetlinkMessages, type NetlinkMessage } from '../netlink/NetlinkMessage.js';
import { NetlinkReplyCollector, type NetlinkReplyOutcome } from '../netlink/NetlinkReplyCollector.js';
import { SYSTEM_TIMERS, type RtnlTimers } from '../netlink/rtnl/RtnlTimers.js';
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
  readonly timers?: RtnlTimers;
  readonly log?: IpvsLog;
}

/** One request, for messages: what it is, and its bytes for a sequence number. */
export interface ChannelRequest {
  readonly what: string;
  encode(seq: number): Uint8Array;
}

const DEFAULT_RECEIVE_BUFFER = 4 << 20;
/**
 * Receive-buffer bytes reserved per request in flight: an ACK skb's truesize plus the
 * echoed request of an error ACK (net/netlink/af_netlink.c netlink_ack), rounded up.
 */
const ACK_BUDGET_BYTES = 2048;
const MAX_WINDOW = 1024;
/** Well under net.core.wmem_default, which bounds one netlink datagram (netlink_sendmsg). */
const MAX_DATAGRAM_BYTES = 64 * 1024;
const DEFAULT_ACK_GROUP = 32;

interface ActiveOperation {
  messages(messages: readonly NetlinkMessage[]): void;
  overrun(): void;
  failed(error: VigilError): void;
}

/**
 * Requests, pipelined batches and dumps over one netlink socket, one operation at a
 * time. Within a batch many requests are in flight, sent in datagrams of `ackGroupSize`
 * whose last request alone asks for an ACK (see AckBatchPipeline); the window is
 * refilled once half of it has settled. Replies whose sequence number belongs to
 * nothing running are dropped. A socket that breaks or stalls is replaced.
 */
export class NetlinkRequestChannel {
  private transport: NetlinkTransport | undefined;
  private active: ActiveOperation | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;
  private readonly timers: RtnlTimers;
  private readonly log: IpvsLog;

  constructor(private readonly options: NetlinkRequestChannelOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.log = options.log ?? SILENT_IPVS_LOG;
  }

  /** Opens the socket now, so that a missing netlink protocol shows up at once. */
  connect(): void {
    this.ensureTransport();
  }

  /** Sends every request, many in flight at once; one outcome per request, in order. */
  execute<T>(requests: readonly BatchedRequest<T>[]): Promise<BatchedOutcome<T>[]> {
    return this.serialise(() => this.runBatch(requests));
  }

  /** A "do" request with NLM_F_ACK; resolves with its data messages, or the kernel's errno. */
  request(request: ChannelRequest): Promise<NetlinkReplyOutcome> {
    return this.serialise(() => this.runCollected(request, false));
  }

  /** A dump to NLMSG_DONE; repeats interrupted or overrun dumps; errors become IPVS_DUMP_FAILED. */
  dump(request: ChannelRequest): Promise<NetlinkMessage[]> {
    return this.serialise(() => this.runDump(request));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.active?.failed(ipvsError('IPVS_CLOSED', 'IPVS: the netlink socket was closed'));
    this.transport?.close();
    this.transport = undefined;
  }

  private serialise<R>(operation: () => Promise<R>): Promise<R> {
    const run = this.tail.then(() => {
      if (this.closed) throw ipvsError('IPVS_CLOSED', 'IPVS: the netlink socket is closed');
      return operation();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private ensureTransport(): NetlinkTransport {
    if (this.closed) throw ipvsError('IPVS_CLOSED', 'IPVS: the netlink socket is closed');
    if (this.transport !== undefined) return this.transport;
    const transport: NetlinkTransport = this.options.open(
      {
        datagram: (bytes) => {
          if (this.transport !== transport || this.active === undefined) return;
          let messages: NetlinkMessage[];
          try {
            messages = decodeNetlinkMessages(bytes);
          } catch (e) {
            this.replaceTransport(ipvsError('IPVS_DECODE_FAILED', `IPVS: undecodable reply: ${(e as Error).message}`, {}, e));
            return;
          }
          this.active.messages(messages);
        },
        overrun: () => {
          if (this.transport !== transport) return;
          this.log.warn({ portId: transport.portId }, 'IPVS: netlink receive buffer overrun');
          this.active?.overrun();
        },
        broken: (error) => {
          if (this.transport === transport) this.replaceTransport(error);
        },
      },
      { receiveBufferSize: this.options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER },
    );
    this.transport = transport;
    return transport;
  }

  private replaceTransport(error: VigilError): void {
    this.transport?.close();
    this.transport = undefined;
    this.active?.failed(error);
  }

  private nextSeq(): number {
    this.seq = (this.seq % 0xffffffff) + 1;
    return this.seq;
  }

  private window(transport: NetlinkTransport): number {
    if (this.options.window !== undefined) return Math.max(1, this.options.window);
    return Math.max(1, Math.min(MAX_WINDOW, Math.floor(transport.receiveBufferSize / ACK_BUDGET_BYTES)));
  }

  /** Runs `body` as the active operation with a stall watchdog that `progress()` rearms. */
  private withOperation<R>(
    body: (transport: NetlinkTransport, finish: (result: R) => void, fail: (error: VigilError) => void, progress: () => void) => ActiveOperation,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let transport: NetlinkTransport;
      try {
        transport = this.ensureTransport();
      } catch (e) {
        reject(e);
        return;
      }
      const stallMs = this.options.stallTimeoutMs ?? 15_000;
      let watchdog: unknown;
      let settled = false;
      const settle = (): void => {
        settled = true;
        this.timers.clearTimeout(watchdog);
        this.active = undefined;
        transport.keepEventLoopAlive(false);
      };
      const finish = (result: R): void => {
        if (settled) return;
        settle();
        resolve(result);
      };
      const fail = (error: VigilError): void => {
        if (settled) return;
        settle();
        reject(error);
      };
      const progress = (): void => {
        this.timers.clearTimeout(watchdog);
        watchdog = this.timers.setTimeout(() => {
          if (settled) return;
          // The kernel answers every request; silence means the socket is wedged.
          this.replaceTransport(ipvsError('IPVS_STALLED', `IPVS: no reply for ${stallMs} ms`, { stallTimeoutMs: stallMs }));
        }, stallMs);
      };
      transport.keepEventLoopAlive(true);
      this.active = body(transport, finish, fail, progress);
      progress();
    });
  }

  private runBatch<T>(requests: readonly BatchedRequest<T>[]): Promise<BatchedOutcome<T>[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.withOperation<BatchedOutcome<T>[]>((transport, finish, _fail, progress) => {
      const window = this.window(transport);
      const groupSize = Math.max(1, Math.min(this.options.ackGroupSize ?? DEFAULT_ACK_GROUP, Math.ceil(window / 4)));
      // Refill at half a window: requests then leave in batches, not one datagram per ACK.
      const refillAt = Math.floor(window / 2);
      const pipeline = new AckBatchPipeline(requests, { window, groupSize, maxDatagramBytes: MAX_DATAGRAM_BYTES }, () => this.nextSeq());
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
          this.log.warn({ requests: again }, 'IPVS: resending requests whose acknowledgement may have been dropped');
          pump(true);
        },
        failed: (error) => {
          pipeline.failUnanswered(error);
          finish(pipeline.outcomes());
        },
      };
    });
  }

  private runCollected(request: ChannelRequest, dump: boolean): Promise<NetlinkReplyOutcome & { overrun?: boolean }> {
    return this.withOperation((transport, finish, fail, progress) => {
      const seq = this.nextSeq();
      const collector = new NetlinkReplyCollector({ seq, dump, ack: true });
      let overrun = false;
      transport.send(request.encode(seq), (error) => {
        if (error !== null) fail(error);
      });
      return {
        messages: (messages) => {
          for (const message of messages) {
            if (!collector.accept(message)) continue;
            progress();
            if (collector.complete) finish({ ...collector.outcome, overrun });
          }
        },
        // A dump's parts are flow-controlled rather than dropped, but something was lost:
        // let the dump finish (a new one before NLMSG_DONE would get EBUSY), then repeat it.
        overrun: () => {
          overrun = true;
          if (!dump) {
            fail(ipvsError('IPVS_COMMAND_FAILED', `IPVS: the answer to ${request.what} was lost in a receive-buffer overrun`, { what: request.what }));
          }
        },
        failed: fail,
      };
    });
  }

  private async runDump(request: ChannelRequest): Promise<NetlinkMessage[]> {
    const attempts = (this.options.dumpRetries ?? 5) + 1;
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await this.runCollected(request, true);
      if (outcome.status === 'error') {
        throw ipvsError('IPVS_DUMP_FAILED', `IPVS: ${request.what} dump failed: ${errnoName(outcome.errno)}`, { what: request.what, errno: outcome.errno });
      }
      if (outcome.status === 'ok' && !outcome.interrupted && outcome.overrun !== true) return [...outcome.messages];
      lastProblem = outcome.overrun === true ? 'the receive buffer overran' : 'the table changed during the dump (NLM_F_DUMP_INTR)';
      this.log.debug({ what: request.what, attempt }, `IPVS: repeating the ${request.what} dump: ${lastProblem}`);
    }
    throw ipvsError('IPVS_DUMP_FAILED', `IPVS: ${request.what} dump kept failing: ${lastProblem}`, { what: request.what, attempts });
  }
}

