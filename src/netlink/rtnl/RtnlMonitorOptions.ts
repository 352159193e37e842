import type { RtnlClient } from './RtnlClient.js';
import type { RtnlLog } from './RtnlLog.js';
import type { RtnlTimers } from './RtnlTimers.js';
import type { RtnlTransportOpener } from './RtnlTransport.js';

/** How `LinkMonitor` and `AddressMonitor` reach the kernel. */
export interface RtnlMonitorOptions {
  /** Opens NETLINK_ROUTE sockets; default: the `netlink` package in this namespace. */
  readonly open?: RtnlTransportOpener;
  /** Runs the dumps; default: a client of its own (closed by `stop()`). */
  readonly client?: RtnlClient;
  /**
   * SO_RCVBUF for the monitor socket (default 1 MiB asked; the kernel caps it at
   * net.core.rmem_max × 2). Smaller means overruns sooner; they are survived either way.
   */
  readonly receiveBufferSize?: number;
  /** Whether the monitor socket keeps Node's event loop alive on its own (default false). */
  readonly keepEventLoopAlive?: boolean;
  /** Pause before retrying a failed resynchronisation (default 1 s). */
  readonly retryDelayMs?: number;
  readonly timers?: RtnlTimers;
  readonly log?: RtnlLog;
}

export const DEFAULT_MONITOR_RECEIVE_BUFFER = 1 << 20;
