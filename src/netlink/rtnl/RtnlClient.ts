import type { VigilError } from '../../core/VigilError.js';
import { errnoName } from '../LinuxErrno.js';
import type { NetlinkMessage } from '../NetlinkMessage.js';
import { NetlinkOperationChannel, type NetlinkChannelErrors } from '../NetlinkOperationChannel.js';
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
const MAX_WINDOW = 256;
/** Well under the default net.core.wmem_default, which bounds a netlink datagram (netlink_sendmsg). */
const MAX_DATAGRAM_BYTES = 32 * 1024;

const RTNL_CHANNEL_ERRORS: NetlinkChannelErrors = {
  closed: () => rtnlError('RTNL_CLOSED', 'Netlink: the request socket is closed'),
  closedWhileRunning: () => rtnlError('RTNL_CLOSED', 'Netlink: the request socket was closed'),
  decodeFailed: (reason, cause) => rtnlError('RTNL_DECODE_FAILED', `Netlink: undecodable reply: ${reason}`, {}, cause),
  stalled: (stallMs) => rtnlError('RTNL_STALLED', `Netlink: no reply for ${stallMs} ms`, { stallTimeoutMs: stallMs }),
};

/**
 * Requests and dumps over one NETLINK_ROUTE socket (no multicast groups). Operations
 * run one after another; within a batch many requests are in flight at once, each
 * acknowledged on its own (RequestPipeline). An overrun loses ACKs: the batch goes on
 * with a halved window on a fresh socket. Replies whose sequence number belongs to no
 * running operation are dropped (late ACKs of a retransmitted request).
 */
export class RtnlClient {
  private readonly channel: NetlinkOperationChannel;

  private constructor(private readonly options: RtnlClientOptions) {
    this.channel = new NetlinkOperationChannel({
      open: options.open,
      receiveBufferSize: options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER,
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      timers: options.timers ?? SYSTEM_TIMERS,
      log: options.log ?? SILENT_RTNL_LOG,
      logPrefix: 'Netlink',
      overrunWarning: 'Netlink: receive buffer overrun on the request socket',
      errors: RTNL_CHANNEL_ERRORS,
      // A congested socket drops everything until drained: start the next operation clean.
      idleOverrun: 'replace-socket',
    });
  }

  /** Opens the socket at once, so a missing privilege or namespace shows up here. */
  static open(options: RtnlClientOptions): RtnlClient {
    const client = new RtnlClient(options);
    client.channel.ensureTransport();
    return client;
  }

  /** The current socket's port id: notifications caused by this client's requests carry it. */
  get portId(): number {
    return this.channel.ensureTransport().portId;
  }

  /**
   * Whether `portId` is (or was) one of this client's sockets, so that a notification
   * carrying it reports a change this client made, even one made on a socket that has
   * since been replaced.
   */
  ownsPort(portId: number): boolean {
    return this.channel.ownsPort(portId);
  }

  /** Sends every request, many in flight at once, and resolves with one outcome each, in order. */
  execute<T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> {
    return this.channel.serialise(() => this.runBatch(requests));
  }

  /** Runs a dump to NLMSG_DONE and resolves with its data messages; retries interrupted dumps. */
  dump(request: DumpRequest): Promise<NetlinkMessage[]> {
    return this.channel.serialise(() =>
      this.channel.dump(request, {
        ack: false,
        retries: this.options.dumpRetries ?? 5,
        failed: (errno) =>
          rtnlError('RTNL_DUMP_FAILED', `Netlink: ${request.what} dump failed: ${errnoName(errno)}`, { what: request.what, errno }),
        keptFailing: (problem, attempts) =>
          rtnlError('RTNL_DUMP_FAILED', `Netlink: ${request.what} dump kept failing: ${problem}`, { what: request.what, attempts }),
      }),
    );
  }

  close(): void {
    this.channel.close();
  }

  private runBatch<T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> {
    if (requests.length === 0) return Promise.resolve([]);
    const channel = this.channel;
    return channel.run<PipelinedOutcome<T>[]>((finish, _fail, progress) => {
      let window = 1;
      try {
        window = channel.window(channel.sendingTransport(), this.options.window, MAX_WINDOW);
      } catch {
        // No socket: the first pump fails every request with the reason.
      }
      const pipeline = new RequestPipeline(requests, { window, maxDatagramBytes: MAX_DATAGRAM_BYTES }, () => channel.nextSeq());
      const pump = (): void => {
        if (pipeline.finished) {
          finish(pipeline.outcomes());
          return;
        }
        const datagrams = pipeline.nextDatagrams();
        if (datagrams.length === 0) return;
        let transport: RtnlTransport;
        try {
          transport = channel.sendingTransport();
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
          // The congested socket would drop the resent requests' ACKs too (NETLINK_S_CONGESTED).
          channel.abandonTransport();
          const again = pipeline.retransmitUnanswered();
          channel.log.warn({ requests: again, window: smaller }, 'Netlink: acknowledgements were dropped; resending on a new socket with a smaller window');
          pump();
        },
        failed: (error) => {
          pipeline.failUnanswered(error);
          finish(pipeline.outcomes());
        },
      };
    });
  }
}
