import { NETLINK_ROUTE } from '../NetlinkConstants.js';
import { openNetlinkSocket, type NetlinkSocketErrors } from '../NetlinkSocketTransport.js';
import { rtnlError } from './RtnlError.js';
import { SILENT_RTNL_LOG, type RtnlLog } from './RtnlLog.js';
import type { RtnlTransportOpener } from './RtnlTransport.js';

export interface NetlinkPackageTransportOptions {
  /**
   * Wraps socket creation, e.g. to create it inside another network namespace with a
   * setns(2) helper: a netlink socket talks to the namespace it was created in for its
   * whole life, whatever the thread does afterwards.
   */
  readonly enterNamespace?: <T>(open: () => T) => T;
  readonly log?: RtnlLog;
}

const RTNL_SOCKET_ERRORS: NetlinkSocketErrors = {
  openFailed: (reason, cause) => rtnlError('RTNL_SOCKET_FAILED', `Netlink: cannot open a NETLINK_ROUTE socket: ${reason}`, {}, cause),
  setupFailed: (reason, groups, cause) =>
    rtnlError('RTNL_SOCKET_FAILED', `Netlink: cannot set up the NETLINK_ROUTE socket: ${reason}`, { groups }, cause),
  sendFailed: (reason, details, cause) => rtnlError('RTNL_SEND_FAILED', `Netlink: sendmsg failed: ${reason}`, details, cause),
  broken: (source, reason, details, cause) => rtnlError('RTNL_SOCKET_BROKEN', `Netlink: socket failed (${source}): ${reason}`, details, cause),
};

/** An opener of NETLINK_ROUTE sockets through the `netlink` package. */
export function netlinkPackageTransport(options: NetlinkPackageTransportOptions = {}): RtnlTransportOpener {
  return (handler, transport) =>
    openNetlinkSocket(handler, transport, {
      protocol: NETLINK_ROUTE,
      errors: RTNL_SOCKET_ERRORS,
      ...(options.enterNamespace !== undefined && { enterNamespace: options.enterNamespace }),
      unpatchedWarning: { log: options.log ?? SILENT_RTNL_LOG, logPrefix: 'Netlink' },
    });
}
