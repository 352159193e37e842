import type { IpFamily } from '../codec/IpAddressBytes.js';

/**
 * What the receive checks need to know about one configured VRRP instance. Built by the
 * instance runtime from the typed config; addresses are plain (no `/prefix`).
 */

/** VRRPv2 authentication as configured (`authentication { auth_type PASS|AH; auth_pass ... }`). */
export type ReceiverAuth =
  | { readonly type: 'none' }
  | { readonly type: 'PASS'; readonly password: string }
  | { readonly type: 'AH' };

export interface ReceiverInstance {
  /** The `vrrp_instance` name, for logs and per-instance drop counters. */
  readonly name: string;
  /** The interface the instance runs on; adverts are matched to instances by interface, family and VRID. */
  readonly interface: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: IpFamily;
  /** VRRPv2 only; VRRPv3 has no authentication (RFC 5798 §9). */
  readonly auth: ReceiverAuth;
  /** `advert_int` in milliseconds (v2 adverts carry whole seconds, v3 centiseconds). */
  readonly advertIntervalMs: number;
  /** `virtual_ipaddress` entries that go into adverts (not `virtual_ipaddress_excluded`). */
  readonly virtualAddresses: readonly string[];
  /** `unicast_peer` addresses; empty for multicast. */
  readonly unicastPeers: readonly string[];
  /** Every address this host holds on the interface: an advert from one of them is our own, looped back. */
  readonly ownAddresses: readonly string[];
  /** `vrrp_check_unicast_src`: drop unicast adverts whose source is not a listed peer. */
  readonly checkUnicastSrc: boolean;
  /** keepalived `v3_checksum_as_v2`: the VRRPv3-over-IPv4 checksum leaves out the pseudo-header. */
  readonly v3ChecksumAsV2?: boolean;
}
