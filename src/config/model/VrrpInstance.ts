import type { SourcePos } from '../SourcePos.js';
import type { AddressFamily, IpAddress, PassThroughKeyword, ScriptCommand, WeightedRef } from './Common.js';
import type { RouteSpec, RuleSpec } from './RoutingPolicy.js';

export type VrrpState = 'MASTER' | 'BACKUP';

/** One `virtual_ipaddress` line: `ADDR[/LEN] [brd ADDR] [dev IF] [scope S] [label L] [no_track] ...`. */
export interface VirtualIpAddress extends IpAddress {
  readonly prefixLength: number;
  readonly broadcast: string | null;
  readonly device: string | null;
  readonly scope: string | null;
  readonly label: string | null;
  readonly peer: string | null;
  readonly noTrack: boolean;
  /** Further `ip addr` options keepalived passes through (home, -nodad, noprefixroute, ...). */
  readonly otherOptions: readonly string[];
  readonly pos: SourcePos;
}

export interface UnicastPeer extends IpAddress {
  readonly minTtl: number | null;
  readonly maxTtl: number | null;
  readonly pos: SourcePos;
}

/** RFC 3768 §5.3.6 / keepalived `authentication { auth_type PASS|AH; auth_pass X }` (VRRPv2 only). */
export interface VrrpAuthentication {
  readonly type: 'PASS' | 'AH';
  /** Up to 8 characters: the RFC 3768 authentication data field is 8 octets. */
  readonly password: string;
  readonly pos: SourcePos;
}

/** `use_vmac [NAME]`: RFC 5798 §7.3 virtual MAC on a macvlan interface. */
export interface UseVmac {
  /** Interface name; `null` lets keepalived choose `vrrp.VRID`. */
  readonly name: string | null;
  readonly pos: SourcePos;
}

export interface VrrpInstance {
  readonly name: string;
  readonly pos: SourcePos;
  /** Initial state; keepalived starts everything except MASTER as BACKUP. */
  readonly state: VrrpState;
  /** `true` when `state` was written (rather than defaulted). */
  readonly stateConfigured: boolean;
  readonly interface: string;
  readonly virtualRouterId: number;
  readonly priority: number;
  readonly advertIntervalSeconds: number;
  /** Effective protocol version (global default, `version`, or 3 for IPv6). */
  readonly version: 2 | 3;
  /** Family of the virtual addresses (IPv4 when there are none). */
  readonly family: AddressFamily;
  readonly preempt: boolean;
  readonly preemptDelaySeconds: number;
  readonly authentication: VrrpAuthentication | null;
  readonly virtualIpAddresses: readonly VirtualIpAddress[];
  readonly virtualIpAddressesExcluded: readonly VirtualIpAddress[];
  /** Installed after the VIPs on becoming MASTER, removed before them on leaving it. */
  readonly virtualRoutes: readonly RouteSpec[];
  /** Installed after the routes, removed before them (keepalived's order). */
  readonly virtualRules: readonly RuleSpec[];
  readonly unicastSrcIp: IpAddress | null;
  readonly unicastPeers: readonly UnicastPeer[];
  readonly mcastSrcIp: IpAddress | null;
  readonly trackInterfaces: readonly WeightedRef[];
  readonly trackScripts: readonly WeightedRef[];
  readonly notify: ScriptCommand | null;
  readonly notifyMaster: ScriptCommand | null;
  readonly notifyBackup: ScriptCommand | null;
  readonly notifyFault: ScriptCommand | null;
  readonly notifyStop: ScriptCommand | null;
  readonly notifyMasterRxLowerPri: ScriptCommand | null;
  readonly smtpAlert: boolean | null;
  readonly garpMasterDelaySeconds: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshSeconds: number;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelaySeconds: number;
  readonly garpLowerPrioRepeat: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly useVmac: UseVmac | null;
  readonly vmacXmitBase: boolean;
  readonly nativeIpv6: boolean;
  /** Accept mode (RFC 5798 §6.1): keepalived enables it unless `no_accept` or strict mode. */
  readonly accept: boolean;
  readonly dontTrackPrimary: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly strictMode: boolean;
  readonly debug: number;
  /** Known keepalived instance keywords Vigil accepts but does not act on. */
  readonly passThrough: readonly PassThroughKeyword[];
}
