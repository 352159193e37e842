import type { VigilError } from '../../core/VigilError.js';
import type { NetlinkMessage } from '../NetlinkMessage.js';
import { AddressTable, type AddressChange } from './AddressTable.js';
import type { InterfaceAddress } from './InterfaceAddress.js';
import { decodeAddressMessage, encodeAddressDumpRequest } from './InterfaceAddressCodec.js';
import { ListenerSet } from './ListenerSet.js';
import { netlinkPackageTransport } from './NetlinkPackageTransport.js';
import { RtnlClient } from './RtnlClient.js';
import { SILENT_RTNL_LOG } from './RtnlLog.js';
import { RtnlMirrorSync, type MirrorDriver, type MirrorSyncStats } from './RtnlMirrorSync.js';
import { DEFAULT_MONITOR_RECEIVE_BUFFER, type RtnlMonitorOptions } from './RtnlMonitorOptions.js';
import { SYSTEM_TIMERS } from './RtnlTimers.js';
import { AF_UNSPEC, RTM_DELADDR, RTM_NEWADDR, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR } from './RtnetlinkConstants.js';

/**
 * Every IPv4 and IPv6 address of the namespace, kept current through
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR and put right by a dump after any lost
 * notification. A master learns here that someone deleted one of its VIPs
 * (`removed`, with the deleter's port id when a notification said so).
 */
export class AddressMonitor {
  private readonly table = new AddressTable();
  private readonly changes: ListenerSet<AddressChange>;
  private readonly errors: ListenerSet<VigilError>;
  private readonly sync: RtnlMirrorSync;

  private constructor(
    private readonly client: RtnlClient,
    private readonly ownsClient: boolean,
    options: RtnlMonitorOptions,
    open: NonNullable<RtnlMonitorOptions['open']>,
  ) {
    const log = options.log ?? SILENT_RTNL_LOG;
    this.changes = new ListenerSet('address change', log);
    this.errors = new ListenerSet('address monitor error', log);
    const driver: MirrorDriver = {
      what: 'address',
      groups: [RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR],
      dumps: [{ what: 'address', encode: (seq) => encodeAddressDumpRequest(AF_UNSPEC, { seq }) }],
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

  /** Subscribes, loads every address, and resolves once the table is current. */
  static async start(options: RtnlMonitorOptions = {}): Promise<AddressMonitor> {
    const open = options.open ?? netlinkPackageTransport(options.log ? { log: options.log } : {});
    const client = options.client ?? RtnlClient.open({ open, ...(options.timers && { timers: options.timers }), ...(options.log && { log: options.log }) });
    const monitor = new AddressMonitor(client, options.client === undefined, options, open);
    try {
      await monitor.sync.start();
    } catch (e) {
      monitor.stop();
      throw e;
    }
    return monitor;
  }

  addresses(): InterfaceAddress[] {
    return this.table.all();
  }

  onInterface(ifindex: number): InterfaceAddress[] {
    return this.table.onInterface(ifindex);
  }

  find(key: Pick<InterfaceAddress, 'ifindex' | 'family' | 'address' | 'prefixLength'>): InterfaceAddress | undefined {
    return this.table.get(key);
  }

  /** Each change after the initial load, from notifications and from resynchronisations. */
  onChange(listener: (change: AddressChange) => void): () => void {
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
    if (message.header.type !== RTM_NEWADDR && message.header.type !== RTM_DELADDR) return;
    const decoded = decodeAddressMessage(message);
    if (decoded === null) return;
    const origin = message.header.pid;
    const change = decoded.kind === 'new' ? this.table.upsert(decoded.address, origin) : this.table.remove(decoded.address, origin);
    if (change !== null) this.changes.emit(change);
  }

  private replaceWithDump(messages: readonly NetlinkMessage[], initial: boolean): void {
    const addresses: InterfaceAddress[] = [];
    for (const message of messages) {
      if (message.header.type !== RTM_NEWADDR) continue;
      const decoded = decodeAddressMessage(message);
      if (decoded !== null) addresses.push(decoded.address);
    }
    const changes = this.table.replaceAll(addresses);
    if (!initial) for (const change of changes) this.changes.emit(change);
  }
}
