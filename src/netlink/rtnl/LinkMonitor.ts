import type { VigilError } from '../../core/VigilError.js';
import type { NetlinkMessage } from '../NetlinkMessage.js';
import { decodeLinkMessage, encodeLinkDumpRequest } from './LinkCodec.js';
import type { LinkState } from './LinkState.js';
import { LinkTable, type LinkChange } from './LinkTable.js';
import { ListenerSet } from './ListenerSet.js';
import { netlinkPackageTransport } from './NetlinkPackageTransport.js';
import { RtnlClient } from './RtnlClient.js';
import { SILENT_RTNL_LOG } from './RtnlLog.js';
import { RtnlMirrorSync, type MirrorDriver, type MirrorSyncStats } from './RtnlMirrorSync.js';
import { DEFAULT_MONITOR_RECEIVE_BUFFER, type RtnlMonitorOptions } from './RtnlMonitorOptions.js';
import { SYSTEM_TIMERS } from './RtnlTimers.js';
import { RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from './RtnetlinkConstants.js';
import type { InterfaceDirectory } from './VipSpec.js';

/**
 * Every link of the namespace with its name, flags (IFF_UP, IFF_RUNNING, IFF_LOWER_UP)
 * and operational state, kept current through RTNLGRP_LINK and put right by a dump
 * after any lost notification. A link that stops being usable (`wentDown`) is what
 * sends a VRRP instance to FAULT.
 */
export class LinkMonitor implements InterfaceDirectory {
  private readonly table = new LinkTable();
  private readonly changes: ListenerSet<LinkChange>;
  private readonly errors: ListenerSet<VigilError>;
  private readonly sync: RtnlMirrorSync;

  private constructor(
    private readonly client: RtnlClient,
    private readonly ownsClient: boolean,
    options: RtnlMonitorOptions,
    open: NonNullable<RtnlMonitorOptions['open']>,
  ) {
    const log = options.log ?? SILENT_RTNL_LOG;
    this.changes = new ListenerSet('link change', log);
    this.errors = new ListenerSet('link monitor error', log);
    const driver: MirrorDriver = {
      what: 'link',
      groups: [RTNLGRP_LINK],
      dumps: [{ what: 'link', encode: (seq) => encodeLinkDumpRequest({ seq }) }],
      applyNotification: (message) => this.applyNotification(message),
      replaceWithDump: (messages, initial) => this.replaceWithDump(messages, initial),
    };
    this.sync = new RtnlMirrorSync(driver, {
      open,
      client,
      receiveBufferSize: options.receiveBufferSize ?? DEFAULT_MONITOR_RECEIVE_BUFFER,
      ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
      timers: options.timers ?? SYSTEM_TIMERS,
      log,
      onError: (error) => this.errors.emit(error),
    });
  }

  /** Subscribes, loads every link, and resolves once the table is current. */
  static async start(options: RtnlMonitorOptions = {}): Promise<LinkMonitor> {
    const open = options.open ?? netlinkPackageTransport(options.log ? { log: options.log } : {});
    const client = options.client ?? RtnlClient.open({ open, ...(options.timers && { timers: options.timers }), ...(options.log && { log: options.log }) });
    const monitor = new LinkMonitor(client, options.client === undefined, options, open);
    try {
      await monitor.sync.start();
    } catch (e) {
      monitor.stop();
      throw e;
    }
    return monitor;
  }

  links(): LinkState[] {
    return this.table.all();
  }

  link(ifindex: number): LinkState | undefined {
    return this.table.byIfindex(ifindex);
  }

  linkNamed(name: string): LinkState | undefined {
    return this.table.byName(name);
  }

  indexOf(name: string): number | undefined {
    return this.table.byName(name)?.ifindex;
  }

  nameOf(ifindex: number): string | undefined {
    return this.table.byIfindex(ifindex)?.name;
  }

  /** Each change after the initial load, from notifications and from resynchronisations. */
  onChange(listener: (change: LinkChange) => void): () => void {
    return this.changes.add(listener);
  }

  /** Failures the monitor is retrying (it keeps running). */
  onError(listener: (error: VigilError) => void): () => void {
    return this.errors.add(listener);
  }

  get stats(): MirrorSyncStats {
    return this.sync.stats;
  }

  /** Forces a resynchronisation, as an overrun would; resolves when it is done. */
  resynchronise(): Promise<void> {
    return this.sync.resynchronise();
  }

  stop(): void {
    this.sync.stop();
    this.changes.clear();
    this.errors.clear();
    if (this.ownsClient) this.client.close();
  }

  private applyNotification(message: NetlinkMessage): void {
    if (message.header.type !== RTM_NEWLINK && message.header.type !== RTM_DELLINK) return;
    const decoded = decodeLinkMessage(message);
    if (decoded === null) return;
    const change = decoded.kind === 'new' ? this.table.upsert(decoded.link) : this.table.remove(decoded.link.ifindex);
    if (change !== null) this.changes.emit(change);
  }

  private replaceWithDump(messages: readonly NetlinkMessage[], initial: boolean): void {
    const links: LinkState[] = [];
    for (const message of messages) {
      if (message.header.type !== RTM_NEWLINK) continue;
      const decoded = decodeLinkMessage(message);
      if (decoded !== null) links.push(decoded.link);
    }
    const changes = this.table.replaceAll(links);
    if (!initial) for (const change of changes) this.changes.emit(change);
  }
}
