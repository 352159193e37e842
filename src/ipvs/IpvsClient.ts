import type { VigilError } from '../core/VigilError.js';
import { buildGetFamilyRequest, parseFamilyReply } from '../netlink/GenericNetlinkControllerCodec.js';
import { LINUX_ERRNO, errnoName } from '../netlink/LinuxErrno.js';
import type { NetlinkMessage } from '../netlink/NetlinkMessage.js';
import type { NetlinkReplyOutcome } from '../netlink/NetlinkReplyCollector.js';
import type { BatchedRequest } from './AckBatchPipeline.js';
import type { NetlinkTimers } from '../netlink/NetlinkTimers.js';
import { genericNetlinkSocketOpener, type NetlinkTransportOpener } from './GenericNetlinkSocketTransport.js';
import { IpvsCodec, type IpvsRequestHeader } from './IpvsCodec.js';
import { IPVS_GENL_NAME } from './IpvsConstants.js';
import { ipvsError } from './IpvsError.js';
import type { IpvsLog } from './IpvsLog.js';
import type {
  IpvsDestEntry,
  IpvsInfo,
  IpvsServiceEntry,
  IpvsServiceId,
  IpvsSyncDaemon,
  IpvsSyncDaemonState,
  IpvsTimeouts,
} from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { describeOperation } from './IpvsOperationText.js';
import { IpvsOperationEncoder } from './IpvsOperationEncoder.js';
import { NetlinkRequestChannel } from './NetlinkRequestChannel.js';

/** One service with its dests as the kernel dumps them, counters included. */
export interface IpvsLiveEntry {
  readonly service: IpvsServiceEntry;
  readonly dests: readonly IpvsDestEntry[];
}

/** The kernel's whole table, in dump order. Assignable to `IpvsTable`. */
export type IpvsLiveTable = readonly IpvsLiveEntry[];

export interface IpvsDumpOptions {
  /** Decode the statistics too (default true); reconciling needs none, and they cost 20 BigInts an entry. */
  readonly counters?: boolean;
}

/** What happened to one operation of a batch. */
export interface IpvsOperationResult {
  readonly operation: IpvsOperation;
  /** 0 on success, else the positive errno the kernel (or sendmsg) reported. */
  readonly errno: number;
  /** "ENOENT on DEL_DEST tcp|192.0.2.1|80>198.51.100.2|80"; absent on success. */
  readonly error?: string;
  /** The kernel's extended-ACK text, when it sent one. */
  readonly kernelMessage?: string;
}

export interface IpvsApplyReport {
  readonly results: readonly IpvsOperationResult[];
  readonly failures: readonly IpvsOperationResult[];
}

export interface IpvsClientOptions {
  /** How sockets are opened (default: a NETLINK_GENERIC socket from the `netlink` package). */
  readonly open?: NetlinkTransportOpener;
  readonly receiveBufferSize?: number;
  /** Requests in flight at most (default: what the receive buffer holds ACKs for, at most 1024). */
  readonly window?: number;
  readonly stallTimeoutMs?: number;
  /** Requests per datagram of which only the last asks for an ACK (default 32; 1 acknowledges each). */
  readonly ackGroupSize?: number;
  /**
   * Sockets that dump dests at the same time in `dumpTable` (default 4). The kernel runs
   * one dump per socket at a time (EBUSY otherwise), so this is how dumps overlap.
   */
  readonly dumpParallelism?: number;
  readonly timers?: NetlinkTimers;
  readonly log?: IpvsLog;
}

/** Counts of what this client sent, for the "a no-op reconcile writes nothing" checks. */
export interface IpvsClientCounters {
  /** Table writes (NEW/SET/DEL service and dest) sent, retransmissions included. */
  writes: number;
  /** Other commands (config, daemons, flush, zero) sent. */
  commands: number;
  dumps: number;
}

/**
 * Operations the kernel answers idempotently when a retransmission repeats them: an
 * add that already happened gives EEXIST, a delete that already happened ESRCH/ENOENT
 * (ip_vs_ctl.c ip_vs_add_service / ip_vs_add_dest / ip_vs_del_dest).
 */
function alreadyDone(operation: IpvsOperation, errno: number): boolean {
  switch (operation.kind) {
    case 'add-service':
    case 'add-dest':
      return errno === LINUX_ERRNO.EEXIST;
    case 'delete-service':
      return errno === LINUX_ERRNO.ESRCH;
    case 'delete-dest':
      return errno === LINUX_ERRNO.ENOENT;
    default:
      return false;
  }
}

function permissionOr(error: unknown): unknown {
  const e = error as VigilError;
  if (e?.details?.['errno'] === LINUX_ERRNO.EPERM) {
    return ipvsError('IPVS_PERMISSION_DENIED', 'IPVS: permission denied (IPVS commands need CAP_NET_ADMIN)', { errno: LINUX_ERRNO.EPERM }, error);
  }
  return error;
}

/**
 * The kernel's IPVS over generic netlink: family resolution, dumps, and pipelined
 * table writes whose every ACK or error is matched by sequence number back to its
 * operation. `open()` fails with IPVS_UNAVAILABLE when the kernel has no IPVS.
 */
export class IpvsClient {
  readonly counters: IpvsClientCounters = { writes: 0, commands: 0, dumps: 0 };

  /** Extra sockets for parallel dest dumps, opened on first use. */
  private readonly dumpChannels: NetlinkRequestChannel[] = [];

  private constructor(
    private readonly channel: NetlinkRequestChannel,
    /** The generic netlink id the controller gave the "IPVS" family. */
    readonly familyId: number,
    private readonly options: IpvsClientOptions,
  ) {}

  private static channel(options: IpvsClientOptions): NetlinkRequestChannel {
    return new NetlinkRequestChannel({
      open: options.open ?? genericNetlinkSocketOpener(options.log !== undefined ? { log: options.log } : {}),
      ...(options.receiveBufferSize !== undefined && { receiveBufferSize: options.receiveBufferSize }),
      ...(options.window !== undefined && { window: options.window }),
      ...(options.ackGroupSize !== undefined && { ackGroupSize: options.ackGroupSize }),
      ...(options.stallTimeoutMs !== undefined && { stallTimeoutMs: options.stallTimeoutMs }),
      ...(options.timers !== undefined && { timers: options.timers }),
      ...(options.log !== undefined && { log: options.log }),
    });
  }

  static async open(options: IpvsClientOptions = {}): Promise<IpvsClient> {
    const channel = IpvsClient.channel(options);
    try {
      channel.connect();
      const outcome = await channel.request({ what: 'GETFAMILY IPVS', encode: (seq) => buildGetFamilyRequest(IPVS_GENL_NAME, { seq }) });
      if (outcome.status !== 'ok') {
        const errno = outcome.status === 'error' ? outcome.errno : 0;
        throw ipvsError(
          'IPVS_UNAVAILABLE',
          errno === LINUX_ERRNO.ENOENT
            ? 'IPVS unavailable: the kernel has no "IPVS" generic netlink family (CONFIG_IP_VS unset, or the ip_vs module cannot be loaded)'
            : `IPVS unavailable: resolving the "IPVS" generic netlink family failed: ${errnoName(errno)}`,
          { errno },
        );
      }
      const family = parseFamilyReply(outcome.messages[0] as NetlinkMessage);
      return new IpvsClient(channel, family.id, options);
    } catch (e) {
      channel.close();
      if ((e as VigilError).code === 'IPVS_UNAVAILABLE') throw e;
      throw ipvsError('IPVS_UNAVAILABLE', `IPVS unavailable: ${(e as Error).message}`, {}, e);
    }
  }

  close(): void {
    this.channel.close();
    for (const channel of this.dumpChannels) channel.close();
  }

  private header(seq: number): IpvsRequestHeader {
    return { familyId: this.familyId, seq };
  }

  private async dump(what: string, build: (header: IpvsRequestHeader) => Uint8Array, channel = this.channel): Promise<NetlinkMessage[]> {
    this.counters.dumps++;
    try {
      return await channel.dump({ what, encode: (seq) => build(this.header(seq)) });
    } catch (e) {
      throw permissionOr(e);
    }
  }

  /** A "do" command; resolves with its data messages, throws IPVS_COMMAND_FAILED with the errno. */
  private async command(what: string, build: (header: IpvsRequestHeader) => Uint8Array): Promise<readonly NetlinkMessage[]> {
    this.counters.commands++;
    let outcome: NetlinkReplyOutcome;
    try {
      outcome = await this.channel.request({ what, encode: (seq) => build(this.header(seq)) });
    } catch (e) {
      throw permissionOr(e);
    }
    if (outcome.status === 'ok') return outcome.messages;
    const errno = outcome.status === 'error' ? outcome.errno : LINUX_ERRNO.EIO;
    throw permissionOr(
      ipvsError('IPVS_COMMAND_FAILED', `IPVS: ${errnoName(errno)} on ${what}`, {
        what,
        errno,
        ...(outcome.status === 'error' && outcome.extendedAck?.message !== undefined && { kernelMessage: outcome.extendedAck.message }),
      }),
    );
  }

  async info(): Promise<IpvsInfo> {
    const [message] = await this.command('GET_INFO', (h) => IpvsCodec.buildGetInfo(h));
    return IpvsCodec.parseInfoReply(message as NetlinkMessage);
  }

  async timeouts(): Promise<IpvsTimeouts> {
    const [message] = await this.command('GET_CONFIG', (h) => IpvsCodec.buildGetConfig(h));
    return IpvsCodec.parseConfigReply(message as NetlinkMessage);
  }

  /** SET_CONFIG with the given timeouts only (the kernel keeps the others). */
  async setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void> {
    await this.command('SET_CONFIG', (h) => IpvsCodec.buildSetConfig(h, timeouts));
  }

  async services(options: IpvsDumpOptions = {}): Promise<IpvsServiceEntry[]> {
    return (await this.dump('service', (h) => IpvsCodec.buildDumpServices(h))).map((m) => IpvsCodec.parseServiceReply(m, options));
  }

  /** The dests of one service; empty when the service does not exist (the kernel's answer too). */
  async dests(service: IpvsServiceEntry | (IpvsServiceId & { readonly af: IpvsServiceEntry['af'] })): Promise<IpvsDestEntry[]> {
    return (await this.dump('dest', (h) => IpvsCodec.buildDumpDests(h, service))).map((m) => IpvsCodec.parseDestReply(m, service.af));
  }

  /**
   * Every service and its dests: one service dump, then one dest dump per service, spread
   * over `dumpParallelism` sockets. A service removed meanwhile simply has no dests.
   */
  async dumpTable(options: IpvsDumpOptions = {}): Promise<IpvsLiveTable> {
    const services = await this.services(options);
    const lanes = Math.max(1, Math.min(this.options.dumpParallelism ?? 4, services.length));
    while (this.dumpChannels.length < lanes - 1) {
      const channel = IpvsClient.channel(this.options);
      channel.connect();
      this.dumpChannels.push(channel);
    }
    const channels = [this.channel, ...this.dumpChannels.slice(0, lanes - 1)];
    const dests: IpvsDestEntry[][] = new Array<IpvsDestEntry[]>(services.length);
    let next = 0;
    await Promise.all(
      channels.map(async (channel) => {
        for (let i = next++; i < services.length; i = next++) {
          const service = services[i] as IpvsServiceEntry;
          dests[i] = (await this.dump('dest', (h) => IpvsCodec.buildDumpDests(h, service), channel)).map((m) => IpvsCodec.parseDestReply(m, service.af, options));
        }
      }),
    );
    return services.map((service, i) => ({ service, dests: dests[i] ?? [] }));
  }

  async daemons(): Promise<IpvsSyncDaemon[]> {
    return (await this.dump('daemon', (h) => IpvsCodec.buildDumpDaemons(h))).map((m) => IpvsCodec.parseDaemonReply(m));
  }

  async startDaemon(daemon: IpvsSyncDaemon): Promise<void> {
    await this.command(`NEW_DAEMON ${daemon.state}`, (h) => IpvsCodec.buildNewDaemon(h, daemon));
  }

  async stopDaemon(state: IpvsSyncDaemonState): Promise<void> {
    await this.command(`DEL_DAEMON ${state}`, (h) => IpvsCodec.buildDelDaemon(h, state));
  }

  /** FLUSH: every service (and dest) of the namespace goes. */
  async flush(): Promise<void> {
    await this.command('FLUSH', (h) => IpvsCodec.buildFlush(h));
  }

  async zero(service?: IpvsServiceId): Promise<void> {
    await this.command('ZERO', (h) => IpvsCodec.buildZero(h, service));
  }

  /**
   * Sends every operation, pipelined, in order (the kernel handles one socket's requests
   * in sequence, so a service added earlier in the batch exists for its dests). Never
   * throws for a refused operation: each result carries its errno, and `failures` names
   * the exact operation ("ENOENT on DEL_DEST tcp|192.0.2.1|80>198.51.100.2|80").
   */
  async apply(operations: readonly IpvsOperation[]): Promise<IpvsApplyReport> {
    const encoder = new IpvsOperationEncoder(this.familyId);
    const requests: BatchedRequest<IpvsOperation>[] = operations.map((operation) => ({
      tag: operation,
      encode: (seq, ack) => {
        this.counters.writes++;
        return encoder.encode(operation, seq, ack);
      },
    }));
    const outcomes = await this.channel.execute(requests);
    const results = outcomes.map((outcome): IpvsOperationResult => {
      const operation = outcome.tag;
      const errno = outcome.retransmitted && alreadyDone(operation, outcome.errno) ? 0 : outcome.errno;
      if (errno === 0) return { operation, errno: 0 };
      const cause = outcome.transportError ? ` (${outcome.transportError.message})` : '';
      return {
        operation,
        errno,
        error: `${errnoName(errno)} on ${describeOperation(operation)}${cause}`,
        ...(outcome.kernelMessage !== undefined && { kernelMessage: outcome.kernelMessage }),
      };
    });
    return { results, failures: results.filter((r) => r.errno !== 0) };
  }
}
