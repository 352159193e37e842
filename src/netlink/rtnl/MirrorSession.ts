import type { VigilError } from '../../core/VigilError.js';
import { ListenerSet } from './ListenerSet.js';
import { netlinkPackageTransport } from './NetlinkPackageTransport.js';
import { RtnlClient } from './RtnlClient.js';
import { SILENT_RTNL_LOG } from './RtnlLog.js';
import { RtnlMirrorSync, type MirrorDriver, type MirrorSyncStats } from './RtnlMirrorSync.js';
import { DEFAULT_MONITOR_RECEIVE_BUFFER, type RtnlMonitorOptions } from './RtnlMonitorOptions.js';
import { SYSTEM_TIMERS } from './RtnlTimers.js';
import type { RtnlTransportOpener } from './RtnlTransport.js';

/**
 * What `LinkMonitor` and `AddressMonitor` share: a running `RtnlMirrorSync`, the
 * listeners of its changes and errors, and the request client for its dumps when the
 * caller did not lend one.
 */
export class MirrorSession<C> {
  readonly changes: ListenerSet<C>;
  readonly errors: ListenerSet<VigilError>;
  private readonly sync: RtnlMirrorSync<C>;

  private constructor(
    driver: MirrorDriver<C>,
    options: RtnlMonitorOptions,
    open: RtnlTransportOpener,
    private readonly client: RtnlClient,
    private readonly ownsClient: boolean,
  ) {
    const log = options.log ?? SILENT_RTNL_LOG;
    this.changes = new ListenerSet(`${driver.what} change`, log);
    this.errors = new ListenerSet(`${driver.what} monitor error`, log);
    this.sync = new RtnlMirrorSync(driver, {
      open,
      client,
      receiveBufferSize: options.receiveBufferSize ?? DEFAULT_MONITOR_RECEIVE_BUFFER,
      ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
      ...(options.keepEventLoopAlive !== undefined && { keepEventLoopAlive: options.keepEventLoopAlive }),
      timers: options.timers ?? SYSTEM_TIMERS,
      log,
      onChange: (change) => this.changes.emit(change),
      onError: (error) => this.errors.emit(error),
    });
  }

  /** Subscribes and loads the table; rejects (and cleans up) if the first load fails. */
  static async start<C>(driver: MirrorDriver<C>, options: RtnlMonitorOptions): Promise<MirrorSession<C>> {
    const log = options.log ?? SILENT_RTNL_LOG;
    const open = options.open ?? netlinkPackageTransport({ log });
    const client = options.client ?? RtnlClient.open({ open, log, ...(options.timers && { timers: options.timers }) });
    const session = new MirrorSession(driver, options, open, client, options.client === undefined);
    try {
      await session.sync.start();
    } catch (e) {
      session.stop();
      throw e;
    }
    return session;
  }

  get stats(): MirrorSyncStats {
    return this.sync.stats;
  }

  resynchronise(): Promise<void> {
    return this.sync.resynchronise();
  }

  stop(): void {
    this.sync.stop();
    this.changes.clear();
    this.errors.clear();
    if (this.ownsClient) this.client.close();
  }
}
