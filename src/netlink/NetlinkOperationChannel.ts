import type { VigilError } from '../core/VigilError.js';
import { decodeNetlinkMessages, type NetlinkMessage } from './NetlinkMessage.js';
import { NetlinkReplyCollector, type NetlinkReplyOutcome } from './NetlinkReplyCollector.js';
import type { NetlinkTimers } from './NetlinkTimers.js';
import type { NetlinkTransport, NetlinkTransportOpener } from './NetlinkTransport.js';

/** The log calls a channel makes (a pino `Logger`, RtnlLog and IpvsLog fit). */
export interface NetlinkChannelLog {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The errors a channel's users see; codes and wording belong to the subsystem (RTNL_*, IPVS_*). */
export interface NetlinkChannelErrors {
  /** An operation was queued or a socket wanted after `close()`. */
  closed(): VigilError;
  /** `close()` cut short the running operation. */
  closedWhileRunning(): VigilError;
  /** A received datagram did not decode; the socket is replaced. */
  decodeFailed(reason: string, cause: unknown): VigilError;
  /** Nothing was heard for `stallTimeoutMs`; the socket is replaced. */
  stalled(stallTimeoutMs: number): VigilError;
}

export interface NetlinkOperationChannelOptions {
  readonly open: NetlinkTransportOpener;
  readonly receiveBufferSize: number;
  readonly stallTimeoutMs: number;
  readonly timers: NetlinkTimers;
  readonly log: NetlinkChannelLog;
  /** Starts the channel's log lines ("Netlink", "IPVS"). */
  readonly logPrefix: string;
  /** The warning logged when the socket's receive buffer overruns. */
  readonly overrunWarning: string;
  readonly errors: NetlinkChannelErrors;
  /**
   * An overrun while no operation runs: 'replace-socket' closes the socket so the next
   * operation starts on a fresh one (a congested socket drops everything until drained,
   * NETLINK_S_CONGESTED in net/netlink/af_netlink.c); 'ignore' keeps it.
   */
  readonly idleOverrun: 'replace-socket' | 'ignore';
}

/** The operation that currently owns the socket's replies. */
export interface NetlinkOperation {
  messages(messages: readonly NetlinkMessage[]): void;
  overrun(): void;
  failed(error: VigilError): void;
}

/** How an operation ends: `finish` resolves, `fail` rejects, `progress` rearms the stall watchdog. */
export type NetlinkOperationBody<R> = (finish: (result: R) => void, fail: (error: VigilError) => void, progress: () => void) => NetlinkOperation;

/** One request (or dump) for messages: what it is, and its bytes for a sequence number. */
export interface NetlinkCollectedRequest {
  readonly what: string;
  encode(seq: number): Uint8Array;
}

export interface NetlinkCollectOptions {
  readonly dump: boolean;
  /** Whether the request carries NLM_F_ACK (a dump then ends with an ACK after NLMSG_DONE). */
  readonly ack: boolean;
  /** A "do" request's answer lost in an overrun fails with this (a dump is repeated instead). */
  readonly lostInOverrun?: () => VigilError;
}

export interface NetlinkDumpOptions {
  readonly ack: boolean;
  /** How often an interrupted (NLM_F_DUMP_INTR) or overrun dump is repeated. */
  readonly retries: number;
  /** The dump ended with an error reply. */
  readonly failed: (errno: number) => VigilError;
  /** Every attempt was interrupted or overran; `problem` says how the last one went. */
  readonly keptFailing: (problem: string, attempts: number) => VigilError;
}

/** Receive-buffer bytes reserved per request in flight: an ACK skb's truesize plus the echoed request of an error ACK (net/netlink/af_netlink.c netlink_ack), rounded up. */
const ACK_BUDGET_BYTES = 2048;
/** Sockets are replaced only after overruns, breakage or stalls; this many is plenty to recognise late notifications. */
const MAX_REMEMBERED_PORTS = 16;

/**
 * One netlink socket running one operation at a time (a request batch, a dump): the
 * part the rtnetlink and IPVS clients share. Operations are serialised; replies go to
 * the running operation, which matches them by sequence number and drops the rest; a
 * stall watchdog fails an operation that hears nothing. A socket that breaks, stalls
 * or sends undecodable bytes is closed, and the next operation opens a fresh one.
 */
export class NetlinkOperationChannel {
  private transport: NetlinkTransport | undefined;
  private active: NetlinkOperation | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;
  /** Port ids of the sockets this channel has used, newest last. */
  private readonly ports: number[] = [];

  constructor(private readonly options: NetlinkOperationChannelOptions) {}

  get log(): NetlinkChannelLog {
    return this.options.log;
  }

  /** Whether `portId` is (or was) one of this channel's sockets. */
  ownsPort(portId: number): boolean {
    return this.ports.includes(portId);
  }

  /** Runs `operation` after every earlier one has settled; refused once closed. */
  serialise<R>(operation: () => Promise<R>): Promise<R> {
    const run = this.tail.then(() => {
      if (this.closed) throw this.options.errors.closed();
      return operation();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.active?.failed(this.options.errors.closedWhileRunning());
    this.transport?.close();
    this.transport = undefined;
  }

  nextSeq(): number {
    this.seq = (this.seq % 0xffffffff) + 1;
    return this.seq;
  }

  /** The requests in flight whose ACKs the receive buffer holds, within [1, maxWindow]; `configured` wins. */
  window(transport: NetlinkTransport, configured: number | undefined, maxWindow: number): number {
    if (configured !== undefined) return Math.max(1, configured);
    return Math.max(1, Math.min(maxWindow, Math.floor(transport.receiveBufferSize / ACK_BUDGET_BYTES)));
  }

  /** The socket, opened if needed. */
  ensureTransport(): NetlinkTransport {
    if (this.closed) throw this.options.errors.closed();
    if (this.transport !== undefined) return this.transport;
    const transport: NetlinkTransport = this.options.open(
      {
        datagram: (bytes) => {
          if (this.transport !== transport || this.active === undefined) return;
          let messages: NetlinkMessage[];
          try {
            messages = decodeNetlinkMessages(bytes);
          } catch (e) {
            this.replaceTransport(this.options.errors.decodeFailed((e as Error).message, e));
            return;
          }
          this.active.messages(messages);
        },
        overrun: () => {
          if (this.transport !== transport) return;
          this.options.log.warn({ portId: transport.portId }, this.options.overrunWarning);
          if (this.active !== undefined) this.active.overrun();
          // With nothing running, whatever overflowed is stale.
          else if (this.options.idleOverrun === 'replace-socket') this.abandonTransport();
        },
        broken: (error) => {
          if (this.transport === transport) this.replaceTransport(error);
        },
      },
      { receiveBufferSize: this.options.receiveBufferSize },
    );
    this.transport = transport;
    this.ports.push(transport.portId);
    if (this.ports.length > MAX_REMEMBERED_PORTS) this.ports.shift();
    return transport;
  }

  /** The socket to send on, opened if needed and kept alive for the running operation. */
  sendingTransport(): NetlinkTransport {
    const transport = this.ensureTransport();
    transport.keepEventLoopAlive(true);
    return transport;
  }

  /**
   * Closes the socket and lets the next send open a fresh one, e.g. after an overrun:
   * the old socket drops every message until its queue is drained (NETLINK_S_CONGESTED).
   */
  abandonTransport(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  /** Runs `body` as the active operation with a stall watchdog that `progress()` rearms. */
  run<R>(body: NetlinkOperationBody<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const stallMs = this.options.stallTimeoutMs;
      const timers = this.options.timers;
      let watchdog: unknown;
      let settled = false;
      const settle = (): void => {
        settled = true;
        timers.clearTimeout(watchdog);
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
        timers.clearTimeout(watchdog);
        watchdog = timers.setTimeout(() => {
          if (settled) return;
          // The kernel answers every request; silence means the socket is wedged.
          this.replaceTransport(this.options.errors.stalled(stallMs));
        }, stallMs);
      };
      this.active = body(finish, fail, progress);
      progress();
    });
  }

  /** Sends one request and collects its reply messages (to NLMSG_DONE for a dump); `overrun` says one happened meanwhile. */
  collect(request: NetlinkCollectedRequest, expect: NetlinkCollectOptions): Promise<NetlinkReplyOutcome & { overrun: boolean }> {
    return this.run((finish, fail, progress) => {
      const seq = this.nextSeq();
      const collector = new NetlinkReplyCollector({ seq, dump: expect.dump, ack: expect.ack });
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
            if (collector.complete) finish({ ...collector.outcome, overrun });
          }
        },
        // A dump's parts are flow-controlled rather than dropped, but something was lost:
        // let the dump finish (a new one before NLMSG_DONE would get EBUSY), then repeat it.
        overrun: () => {
          overrun = true;
          if (!expect.dump && expect.lostInOverrun !== undefined) fail(expect.lostInOverrun());
        },
        failed: fail,
      };
    });
  }

  /** A dump to NLMSG_DONE, repeated while it is interrupted (NLM_F_DUMP_INTR) or overruns. Not serialised: call inside `serialise`. */
  async dump(request: NetlinkCollectedRequest, options: NetlinkDumpOptions): Promise<NetlinkMessage[]> {
    const attempts = options.retries + 1;
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await this.collect(request, { dump: true, ack: options.ack });
      if (outcome.status === 'error') throw options.failed(outcome.errno);
      if (outcome.status === 'ok' && !outcome.interrupted && !outcome.overrun) return [...outcome.messages];
      lastProblem = outcome.overrun ? 'the receive buffer overran' : 'the table changed during the dump (NLM_F_DUMP_INTR)';
      this.options.log.debug({ what: request.what, attempt }, `${this.options.logPrefix}: repeating the ${request.what} dump: ${lastProblem}`);
    }
    throw options.keptFailing(lastProblem, attempts);
  }

  /** Drops the socket (the next operation opens another) and fails what was running on it. */
  private replaceTransport(error: VigilError): void {
    this.transport?.close();
    this.transport = undefined;
    this.active?.failed(error);
  }
}
