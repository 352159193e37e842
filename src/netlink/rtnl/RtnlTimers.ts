import type { NetlinkTimers } from '../NetlinkTimers.js';

/** The timer functions rtnl code uses: the netlink ones (src/netlink/NetlinkTimers.ts). */
export type RtnlTimers = NetlinkTimers;
export { SYSTEM_TIMERS } from '../NetlinkTimers.js';
