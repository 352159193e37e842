import type { VigilError } from '../../core/VigilError.js';
import { errnoName } from '../LinuxErrno.js';
import { decodeNetlinkMessages, type NetlinkMessage } from '../NetlinkMessage.js';
import { NetlinkReplyCollector } from '../NetlinkReplyCollector.js';
import { RequestPipeline, type PipelinedOutcome, type PipelinedRequest } from './RequestPipeline.js';
import { rtnlError } from './RtnlError.js';
import { SILENT_RTNL_LOG, type RtnlLog } from './RtnlLog.js';
import { SYSTEM_TIMERS, type RtnlTimers } from './RtnlTimers.js';
import type { RtnlTransport, RtnlTransportOpener } from './RtnlTransport.js';

export interface RtnlClientOptions {
  readonly open: RtnlTransportOpener;
  /** SO_RCVBUF to ask for (default 1 MiB; the kernel caps it at net.core.rmem_max × 2). */
  readonly receiveBufferSize?: number;
  /** Requests in flight at once; by default what the receive buffer can hold ACKs for. */
  readonly window?: number;
  /** A request batch or dump that hears nothing for this long fails with RTNL_STALLED (default 10 s). */
  readonly stallTimeoutMs?: number;
  /** How often an interrupted (NLM_F_DUMP_INTR) or overrun dump is retried (default 5). */
  readonly dumpRetries?: number;
  readonly timers?: RtnlTimers;
  readonly log?: RtnlLog;
}

/** A dump request for sequence number `seq`, and what it lists (for messages). */
export interface DumpRequest {
  readonly what: string;
  encode(seq: number): Uint8Array;
}

const DEFAULT_RECEIVE_BUFFER = 1 << 20;
/**
 * Receive-buffer bytes reserved per request in flight: an ACK skb's truesize (about
 * 700 bytes for a small one) plus the echoed request of an error ACK
 * (net/netlink/af_netlink.c netlink_ack), rounded up.
 */
const ACK_BUDGET_BYTES = 2048;
const MAX_WINDOW = 256;
/** Sockets are replaced only after overruns, breakage or stalls; this many is plenty to recognise late notifications. */
const MAX_REMEMBERED_PORTS = 16;
/** Well under the default net.core.wmem_default, which bounds a netlink datagram (netlink_sendmsg). */
const MAX_DATAGRAM_BYTES = 32 * 1024;

/** The operation that currently owns the socket's replies. */
interface ActiveOperation {
  messages(messages: readonly NetlinkMessage[]): void;
  overrun(): void;
  failed(error: VigilError): void;
}

/**
 * Requests and dumps over one NETLINK_ROUTE socket (no multicast groups). Operations
 * run one after another; within a batch many requests are in flight at once.
 * Replies whose sequence number belongs to no running operation are dropped (late
 * ACKs of a retransmitted request). A socket that breaks or stalls is replaced by a
 * fresh one for the next operation.
 */
export class RtnlClient {
  private transport: RtnlTransport | undefined;
  private active: ActiveOperation | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;
  /** Port ids of the sockets this client has used, newest last (a socket is replaced after an overrun). */
  private readonly ports: number[] = [];
  private readonly timers: RtnlTimers;
  private readonly log: RtnlLog;

  private constructor(private readonly options: RtnlClientOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.log = options.log ?? SILENT_RTNL_LOG;
  }

  /** Opens the socket at once, so a missing privilege or namespace shows up here. */
  static open(options: RtnlClientOptions): RtnlClient {
    const client = new RtnlClient(options);
    client.ensureTransport();
    return client;
  }

  /** The current socket's port id: notifications caused by this client's requests carry it. */
  get portId(): number {
    return this.ensureTransport().portId;
  }

  /**
   * Whether `portId` is (or was) one of this client's sockets, so that a notification
   * carrying it reports a change this client made, even one made on a socket that has
   * since been replaced.
   */
  ownsPort(portId: number): boolean {
    return this.ports.includes(portId);
  }

  /** Sends every request, many in flight at once, and resolves with one outcome each, in order. */
  execute<T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> {
    return this.serialise(() => this.runBatch(requests));
  }

  /** Runs a dump to NLMSG_DONE and resolves with its data messages; retries interrupted dumps. */
  dump(request: DumpRequest): Promise<NetlinkMessage[]> {
    return this.serialise(() => this.runDump(request));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.active?.failed(rtnlError('RTNL_CLOSED', 'Netlink: the request socket was closed'));
    this.transport?.close();
    this.transport = undefined;
  }

  private serialise<R>(operation: () => Promise<R>): Promise<R> {
    const run = this.tail.then(() => {
      if (this.closed) throw rtnlError('RTNL_CLOSED', 'Netlink: the request socket is closed');
      return operation();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private ensureTransport(): RtnlTransport {
    if (this.closed) throw rtnlError('RTNL_CLOSED', 'Netlink: the request socket is closed');
    if (this.transport !== undefined) return this.transport;
    const transport: RtnlTransport = this.options.open(
      {
        datagram: (bytes) => {
          if (this.transport !== transport || this.active === undefined) return;
          let messages: NetlinkMessage[];
          try {
            messages = decodeNetlinkMessages(bytes);
          } catch (e) {
            this.replaceTransport(rtnlError('RTNL_DECODE_FAILED', `Netlink: undecodable reply: ${(e as Error).message}`, {}, e));
            return;
          }
          this.active.messages(messages);
        },
        overrun: () => {
          if (this.transport !== transport) return;
          this.log.warn({ portId: transport.portId }, 'Netlink: receive buffer overrun on the request socket');
          // With nothing running, whatever overflowed is stale; start the next operation clean.
          if (this.active === undefined) this.abandonCongestedTransport();
          else this.active.overrun();
        },
        broken: (error) => {
          if (this.transport === transport) this.replaceTransport(error);
        },
      },
      { receiveBufferSize: this.options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER },
    );
    this.transport = transport;
    this.ports.push(transport.portId);
    if (this.ports.length > MAX_REMEMBERED_PORTS) this.ports.shift();
    return transport;
  }

  /** Drops the socket (the next operation opens another) and fails what was running on it. */
  private replaceTransport(error: VigilError): void {
    this.transport?.close();
    this.transport = undefined;
    this.active?.failed(error);
  }

  private nextSeq(): number {
    this.seq = (this.seq % 0xffffffff) + 1;
    return this.seq;
  }

  private window(transport: RtnlTransport): number {
    if (this.options.window !== undefined) return Math.max(1, this.options.window);
    return Math.max(1, Math.min(MAX_WINDOW, Math.floor(transport.receiveBufferSize / ACK_BUDGET_BYTES)));
  }

  /**
   * Closes the socket after an overrun and lets the next send open a fresh one: the
   * old socket drops every message until its queue is drained
   * (NETLINK_S_CONGESTED, net/netlink/af_netlink.c), ACKs of resent requests included.
   */
  private abandonCongestedTransport(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  /** Runs `body` as the active operation with a stall watchdog that `progress()` rearms. */
  private withOperation<R>(
    body: (finish: (result: R) => void, fail: (error: VigilError) => void, progress: () => void) => ActiveOperation,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const stallMs = this.options.stallTimeoutMs ?? 10_000;
      let watchdog: unknown;
      let settled = false;
      const settle = (): void => {
        settled = true;
        this.timers.clearTimeout(watchdog);
        this.active = undefined;
        this.transport?.keepEventLoopAlive(false);
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
          this.replaceTransport(rtnlError('RTNL_STALLED', `Netlink: no reply for ${stallMs} ms`, { stallTimeoutMs: stallMs }));
        }, stallMs);
      };
      this.active = body(finish, fail, progress);
      progress();
    });
  }

  /** The socket to send on, opened if needed and kept alive for the running operation. */
  private sendingTransport(): RtnlTransport {
    const transport = this.ensureTransport();
    transport.keepEventLoopAlive(true);
    return transport;
  }

  private runBatch<T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.withOperation<PipelinedOutcome<T>[]>((finish, _fail, progress) => {
      let window = 1;
      try {
        window = this.window(this.sendingTransport());
      } catch {
        // No socket: the first pump fails every request with the reason.
      }
      const pipeline = new RequestPipeline(requests, { window, maxDatagramBytes: MAX_DATAGRAM_BYTES }, () => this.nextSeq());
      const pump = (): void => {
        if (pipeline.finished) {
          finish(pipeline.outcomes());
          return;
        }
        const datagrams = pipeline.nextDatagrams();
        if (datagrams.length === 0) return;
        let transport: RtnlTransport;
        try {
          transport = this.sendingTransport();
        } catch (e) {
          pipeline.failUnanswered(e as VigilError);
          finish(pipeline.outcomes());
          return;
        }
        for (const datagram of datagrams) {
          transport.send(datagram.bytes, (error) => {
            if (error === null) return;
            pipeline.sendFailed(datagram.seqs, error);
            pump();
          });
        }
      };
      queueMicrotask(pump);
      return {
        messages: (messages) => {
          let matched = false;
          for (const message of messages) matched = pipeline.accept(message) || matched;
          if (matched) progress();
          pump();
        },
        overrun: () => {
          const smaller = pipeline.shrinkWindow();
          this.abandonCongestedTransport();
          const again = pipeline.retransmitUnanswered();
          this.log.warn({ requests: again, window: smaller }, 'Netlink: acknowledgements were dropped; resending on a new socket with a smaller window');
          pump();
        },
        failed: (error) => {
          pipeline.failUnanswered(error);
          finish(pipeline.outcomes());
        },
      };
    });
  }

  private async runDump(request: DumpRequest): Promise<NetlinkMessage[]> {
    const attempts = (this.options.dumpRetries ?? 5) + 1;
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const result = await this.dumpOnce(request);
      if (!result.interrupted && !result.overrun) return [...result.messages];
      lastProblem = result.overrun ? 'the receive buffer overran' : 'the table changed during the dump (NLM_F_DUMP_INTR)';
      this.log.debug({ what: request.what, attempt }, `Netlink: repeating the ${request.what} dump: ${lastProblem}`);
    }
    throw rtnlError('RTNL_DUMP_FAILED', `Netlink: ${request.what} dump kept failing: ${lastProblem}`, { what: request.what, attempts });
  }

  private dumpOnce(request: DumpRequest): Promise<{ messages: readonly NetlinkMessage[]; interrupted: boolean; overrun: boolean }> {
    return this.withOperation((finish, fail, progress) => {
      const seq = this.nextSeq();
      const collector = new NetlinkReplyCollector({ seq, dump: true, ack: false });
      let overrun = false;
      try {
        this.sendingTransport().send(request.encode(seq), (error) => {
          if (error !== null) fail(error);
        });
      } catch (e) {
        queueMicrotask(() => fail(e as VigilError));
      }
      return {
        messages: (messages) => {
          for (const message of messages) {
            if (!collector.accept(message)) continue;
            progress();
            const outcome = collector.outcome;
            if (outcome.status === 'ok') finish({ messages: outcome.messages, interrupted: outcome.interrupted, overrun });
            else if (outcome.status === 'error') {
              fail(
                rtnlError('RTNL_DUMP_FAILED', `Netlink: ${request.what} dump failed: ${errnoName(outcome.errno)}`, {
                  what: request.what,
                  errno: outcome.errno,
                }),
              );
            }
          }
        },
        // Dump replies are flow-controlled by the kernel rather than dropped, but the
        // dump runs on; finish it (a new dump before NLMSG_DONE would get EBUSY) and repeat.
        overrun: () => {
          overrun = true;
        },
        failed: fail,
      };
    });
  }
}
