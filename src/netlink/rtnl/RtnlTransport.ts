import type { NetlinkTransport, NetlinkTransportHandler, NetlinkTransportOpener, NetlinkTransportOptions } from '../NetlinkTransport.js';

// The rtnl names for the protocol-neutral transport seam (src/netlink/NetlinkTransport.ts);
// rtnl's errors are RTNL_SEND_FAILED and RTNL_SOCKET_BROKEN.
export type RtnlTransportHandler = NetlinkTransportHandler;
export type RtnlTransportOptions = NetlinkTransportOptions;
/** A NETLINK_ROUTE socket, bound and ready. */
export type RtnlTransport = NetlinkTransport;
export type RtnlTransportOpener = NetlinkTransportOpener;
