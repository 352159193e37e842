// rtnetlink for Vigil: virtual IPs, routes and rules on and off, link, address and route tracking
// that survives lost notifications (ENOBUFS). See README.md beside this file.
export { VipInstaller, type VipOutcome } from './VipInstaller.js';
export { resolveVip, type VipSpec, type InterfaceDirectory, type VipResolution } from './VipSpec.js';
export { RoutingInstaller, type RouteEntry, type RoutingOutcome } from './RoutingInstaller.js';
export { RoutingMonitor, type RoutingChange } from './RoutingMonitor.js';
export { describeRouteRequest, type RouteRequest } from './RouteRequest.js';
export { describeRuleRequest, type RuleRequest } from './RuleRequest.js';
export { RtnlClient, type RtnlClientOptions, type DumpRequest } from './RtnlClient.js';
export { InterfaceSnapshot } from './InterfaceSnapshot.js';
export { LinkMonitor } from './LinkMonitor.js';
export { AddressMonitor } from './AddressMonitor.js';
export type { RtnlMonitorOptions } from './RtnlMonitorOptions.js';
export type { MirrorSyncStats } from './RtnlMirrorSync.js';
export type { LinkChange } from './LinkTable.js';
export type { AddressChange } from './AddressTable.js';
export type { ChangeCause } from './ChangeCause.js';
export { isLinkUsable, isAdminUp, hasCarrier, operStateName, type LinkState } from './LinkState.js';
export { addressKey, describeAddress, isTentative, type InterfaceAddress } from './InterfaceAddress.js';
export { describeAddressRequest, type AddressRequest } from './AddressRequest.js';
export { scopeName, scopeNumber, type AddressScopeName } from './AddressScope.js';
export { netlinkPackageTransport, type NetlinkPackageTransportOptions } from './NetlinkPackageTransport.js';
export { isNetlinkAddonPatched, netlinkAddonPatchLevel, NETLINK_PATCH_LEVEL } from '../NetlinkPackagePatch.js';
export type { RtnlTransport, RtnlTransportHandler, RtnlTransportOpener, RtnlTransportOptions } from './RtnlTransport.js';
export { SILENT_RTNL_LOG, type RtnlLog } from './RtnlLog.js';
export { SYSTEM_TIMERS, type RtnlTimers } from './RtnlTimers.js';
export type { RtnlErrorCode } from './RtnlError.js';
