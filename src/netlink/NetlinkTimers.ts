/** The timer functions netlink clients use (stall watchdogs), injectable so tests drive time themselves. */
export interface NetlinkTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: NetlinkTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A watchdog must not be what keeps a finished process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
