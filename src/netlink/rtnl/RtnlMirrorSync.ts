import { isVigilError, type VigilError } from '../../core/VigilError.js';
import { decodeNetlinkMessages, type NetlinkMessage } from '../NetlinkMessage.js';
import type { DumpRequest, RtnlClient } from './RtnlClient.js';
import { rtnlError } from './RtnlError.js';
import type { RtnlLog } from './RtnlLog.js';
import type { RtnlTimers } from './RtnlTimers.js';
import type { RtnlTransport, RtnlTransportOpener } from './RtnlTransport.js';

/** The table a mirror keeps current: how to fill it from a dump and update it from notifications. */
export interface MirrorDriver<C> {
  /** What is mirrored, for log lines (`link`, `address`). */
  readonly what: string;
  /** rtnetlink multicast groups whose notifications keep the table current. */
  readonly groups: readonly number[];
  /** Dumps whose data messages together describe the complete state. */
  readonly dumps: readonly DumpRequest[];
  /** Applies one notification; returns what changed, if anything. May throw a NetlinkDecodeError. */
  applyNotification(message: NetlinkMessage): C | null;
  /** Replaces the table with the dumped state; returns the differences. */
  replaceWithDump(messages: readonly NetlinkMessage[]): C[];
}

export interface MirrorSyncOptions<C> {
  readonly open: RtnlTransportOpener;
  /** Where dumps run: a separate socket with no groups. */
  readonly client: RtnlClient;
  /** SO_RCVBUF to ask for on the monitor socket. */
  readonly receiveBufferSize?: number;
  /** Pause before retrying a failed resynchronisation (default 1 s). */
  readonly retryDelayMs?: number;
  /** Whether monitor sockets keep Node's event loop alive. */
  readonly keepEventLoopAlive?: boolean;
  readonly timers: RtnlTimers;
  readonly log: RtnlLog;
  /** Told each change after the initial load (which reports nothing: it is all "added"). */
  readonly onChange: (change: C) => void;
  /** Told about failures that resynchronisation is retrying. */
  readonly onError: (error: VigilError) => void;
}

export interface MirrorSyncStats {
  /** ENOBUFS on a monitor socket: notifications were lost. */
  readonly overruns: number;
  /** Monitor sockets that failed otherwise (or sent something undecodable). */
  readonly breakages: number;
  /** Completed resynchronisations after a loss (the initial load not counted). */
  readonly resyncs: number;
}

/**
 * Keeps a table in step with the kernel through a multicast subscription, and puts it
 * right again when notifications are lost.
 *
 * Loading and resynchronising work the same way: open a fresh monitor socket and join
 * the groups, dump the state on the request socket, replace the table with the dump,
 * then replay the notifications the new socket received meanwhile, in order. The
 * replay may repeat what the dump already shows; each notification carries a whole
 * object's state, so repeating it changes nothing, and the last word on every object
 * is the newest one.
 *
 * After an overrun the old socket is not reused: the kernel reports ENOBUFS before
 * the older messages still queued, and drops every notification until the queue is
 * drained (NETLINK_S_CONGESTED, net/netlink/af_netlink.c), so neither what is queued
 * nor what follows is known to be complete. A new socket's subscription is a clean
 * starting point; a loss during a resynchronisation starts it again.
 */
export class RtnlMirrorSync<C> {
  private monitor: RtnlTransport | undefined;
  private generation = 0;
  /** Notifications received while a dump is pending; null once the table is live. */
  private buffered: NetlinkMessage[] | null = null;
  private resyncWanted = false;
  private loaded = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private cancelPause: (() => void) | undefined;
  private counters = { overruns: 0, breakages: 0, resyncs: 0 };

  constructor(
    private readonly driver: MirrorDriver<C>,
    private readonly options: MirrorSyncOptions<C>,
  ) {}

  get stats(): MirrorSyncStats {
    return { ...this.counters };
  }

  /** Subscribes and loads the table; rejects if the first load fails. */
  async start(): Promise<void> {
    this.resyncWanted = true;
    await this.ensureRunning(true);
    if (!this.loaded && !this.stopped) throw rtnlError('RTNL_CLOSED', `Netlink: ${this.driver.what} monitor stopped while loading`);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    this.monitor?.close();
    this.monitor = undefined;
    this.buffered = null;
    this.cancelPause?.();
  }

  /** Starts a resynchronisation now (as after an overrun); resolves when the table is current again. */
  resynchronise(): Promise<void> {
    this.resyncWanted = true;
    return this.ensureRunning(false);
  }

  private ensureRunning(initial: boolean): Promise<void> {
    this.running ??= this.loop(initial).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(failFast: boolean): Promise<void> {
    while (this.resyncWanted && !this.stopped) {
      this.resyncWanted = false;
      try {
        this.openMonitor();
        const initial = !this.loaded;
        if (await this.synchronise(initial)) {
          if (!initial) this.counters.resyncs++;
          this.loaded = true;
          if (!initial) this.options.log.info({ what: this.driver.what }, `Netlink: ${this.driver.what} state resynchronised`);
        }
      } catch (e) {
        if (this.stopped) return;
        const error = isVigilError(e)
          ? e
          : rtnlError('RTNL_DUMP_FAILED', `Netlink: ${this.driver.what} resynchronisation failed: ${(e as Error).message}`, {}, e);
        if (failFast && !this.loaded) {
          this.stop();
          throw error;
        }
        this.options.log.error(
          { what: this.driver.what, code: error.code, err: error.message },
          `Netlink: ${this.driver.what} resynchronisation failed, retrying`,
        );
        this.options.onError(error);
        await this.pause(this.options.retryDelayMs ?? 1_000);
        this.resyncWanted = true;
      }
    }
  }

  private openMonitor(): void {
    this.monitor?.close();
    this.monitor = undefined;
    const generation = ++this.generation;
    this.buffered = [];
    this.monitor = this.options.open(
      {
        datagram: (bytes) => this.received(generation, bytes),
        overrun: () => this.lost(generation, 'overrun'),
        broken: (error) => this.lost(generation, 'broken', error),
      },
      { groups: this.driver.groups, receiveBufferSize: this.options.receiveBufferSize },
    );
    if (this.options.keepEventLoopAlive === true) this.monitor.keepEventLoopAlive(true);
  }

  /** True when the dump was applied; false when a loss in the meantime calls for another round. */
  private async synchronise(initial: boolean): Promise<boolean> {
    const generation = this.generation;
    const dumped: NetlinkMessage[] = [];
    for (const dump of this.driver.dumps) dumped.push(...(await this.options.client.dump(dump)));
    if (generation !== this.generation || this.resyncWanted || this.stopped) return false;
    const replay = this.buffered ?? [];
    this.buffered = null;
    const differences = this.driver.replaceWithDump(dumped);
    if (!initial) for (const change of differences) this.options.onChange(change);
    for (const message of replay) {
      if (!this.apply(generation, message)) return false;
    }
    return true;
  }

  private received(generation: number, bytes: Uint8Array): void {
    if (generation !== this.generation) return;
    let messages: NetlinkMessage[];
    try {
      messages = decodeNetlinkMessages(bytes);
    } catch (e) {
      this.lost(generation, 'broken', rtnlError('RTNL_DECODE_FAILED', `Netlink: undecodable notification: ${(e as Error).message}`, {}, e));
      return;
    }
    for (const message of messages) {
      if (this.buffered !== null) this.buffered.push(message);
      else if (!this.apply(generation, message)) return;
    }
  }

  /** Applies one notification; a message the driver cannot decode means the table can no longer be trusted. */
  private apply(generation: number, message: NetlinkMessage): boolean {
    let change: C | null;
    try {
      change = this.driver.applyNotification(message);
    } catch (e) {
      this.lost(generation, 'broken', rtnlError('RTNL_DECODE_FAILED', `Netlink: undecodable notification: ${(e as Error).message}`, {}, e));
      return false;
    }
    if (change !== null) this.options.onChange(change);
    return true;
  }

  private lost(generation: number, why: 'overrun' | 'broken', error?: VigilError): void {
    if (generation !== this.generation || this.stopped) return;
    const portId = this.monitor?.portId;
    if (why === 'overrun') {
      this.counters.overruns++;
      this.options.log.warn(
        { what: this.driver.what, portId, overruns: this.counters.overruns },
        `Netlink: receive buffer overrun on the ${this.driver.what} monitor socket (ENOBUFS) - resynchronising`,
      );
    } else {
      this.counters.breakages++;
      this.options.log.warn(
        { what: this.driver.what, portId, code: error?.code, err: error?.message },
        `Netlink: ${this.driver.what} monitor socket failed - reopening and resynchronising`,
      );
    }
    // Nothing from this socket counts any more; the next round opens another.
    this.generation++;
    this.monitor?.close();
    this.monitor = undefined;
    this.buffered = [];
    this.resyncWanted = true;
    if (this.loaded || this.running !== undefined) void this.ensureRunning(false).catch(() => undefined);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.options.timers.setTimeout(() => {
        this.cancelPause = undefined;
        resolve();
      }, ms);
      this.cancelPause = () => {
        this.options.timers.clearTimeout(handle);
        this.cancelPause = undefined;
        resolve();
      };
    });
  }
}
