import { NETLINK_GENERIC } from '../netlink/NetlinkConstants.js';
import { openNetlinkSocket, type NetlinkSocketErrors } from '../netlink/NetlinkSocketTransport.js';
import type { NetlinkTransportOpener } from '../netlink/NetlinkTransport.js';
import { ipvsError } from './IpvsError.js';
import type { IpvsLog } from './IpvsLog.js';

// The byte-moving seam of the IPVS client is the protocol-neutral one (src/netlink/NetlinkTransport.ts).
export type { NetlinkTransport, NetlinkTransportHandler, NetlinkTransportOpener } from '../netlink/NetlinkTransport.js';

export interface GenericNetlinkSocketOptions {
  /** Wraps socket creation, e.g. to open it inside another network namespace. */
  readonly enterNamespace?: <T>(open: () => T) => T;
  /** Told once when the `netlink` addon lacks Vigil's ENOBUFS/EPOLLERR patch. */
  readonly log?: IpvsLog;
}

/** A socket that cannot be had means no IPVS for us: IPVS_UNAVAILABLE. */
const IPVS_SOCKET_ERRORS: NetlinkSocketErrors = {
  openFailed: (reason, cause) => ipvsError('IPVS_UNAVAILABLE', `IPVS unavailable: cannot open a generic netlink socket: ${reason}`, {}, cause),
  setupFailed: (reason, groups, cause) =>
    ipvsError('IPVS_UNAVAILABLE', `IPVS unavailable: cannot set up the generic netlink socket: ${reason}`, { groups }, cause),
  sendFailed: (reason, details, cause) => ipvsError('IPVS_SEND_FAILED', `IPVS: sendmsg failed: ${reason}`, details, cause),
  broken: (source, reason, details, cause) => ipvsError('IPVS_SOCKET_BROKEN', `IPVS: netlink socket failed (${source}): ${reason}`, details, cause),
};

/** Opens NETLINK_GENERIC sockets through the `netlink` package; failures are IPVS_UNAVAILABLE. */
export function genericNetlinkSocketOpener(options: GenericNetlinkSocketOptions = {}): NetlinkTransportOpener {
  return (handler, transport) =>
    openNetlinkSocket(handler, transport, {
      protocol: NETLINK_GENERIC,
      errors: IPVS_SOCKET_ERRORS,
      ...(options.enterNamespace !== undefined && { enterNamespace: options.enterNamespace }),
      ...(options.log !== undefined && { unpatchedWarning: { log: options.log, logPrefix: 'IPVS' } }),
    });
}
