import type { IpsecAhHeader } from '../codec/IpsecAhHeader.js';
import type { AdvertIp, VrrpAdvert } from '../codec/VrrpAdvert.js';
import type { ReceiverInstance } from './ReceiverInstance.js';

/**
 * Outcomes of the receive checks (RFC 3768 §7.1, RFC 5798 §7.1). Each drop reason is a
 * stable code and becomes a per-instance drop counter.
 */

export const RECEIVE_DROP_REASONS = [
  /** No instance on the receiving interface has this VRID (and family). */
  'unknown-vrid',
  /** TTL / Hop Limit is not 255. */
  'ttl',
  /** Version 2 advert for a version 3 instance, or the reverse. */
  'version-mismatch',
  /** Type is not 1 (ADVERTISEMENT). */
  'invalid-type',
  /** The IP payload is longer than Count IP Addrs says the message is. */
  'length-mismatch',
  /** The checksum the instance expects does not verify. */
  'bad-checksum',
  /** Sent from one of our own addresses (a looped-back copy of our advert). */
  'own-packet',
  /** Unicast advert from an address that is not a configured peer (`vrrp_check_unicast_src`). */
  'unicast-peer-unknown',
  /** VRRPv2 Auth Type (or AH-ness) differs from the configured one. */
  'auth-type-mismatch',
  /** VRRPv2 PASS data differs from the configured password. */
  'auth-fail',
  /** VRRPv2 Adver Int differs from ours (RFC 3768 §7.1: MUST discard). */
  'advert-interval-mismatch',
] as const;

export type ReceiveDropReason = (typeof RECEIVE_DROP_REASONS)[number];

/**
 * The advert names other virtual addresses than ours. RFC 3768 / RFC 5798 §7.1 only say
 * MAY check and SHOULD log; keepalived drops such adverts, and a VIP list changed on one
 * node by a reload then gave two masters. Vigil accepts the advert and warns.
 */
export interface VipMismatchWarning {
  readonly code: 'vip-mismatch';
  /** Ours, not in the advert. */
  readonly missing: readonly string[];
  /** In the advert, not ours. */
  readonly unexpected: readonly string[];
  readonly message: string;
}

export type ReceiveWarning = VipMismatchWarning;

/** A decoded advert with what the IP layer said about it. `DecodedAdvertPacket` and payload decodes both fit. */
export interface ReceivedAdvert {
  readonly advert: VrrpAdvert;
  readonly ip: AdvertIp;
  readonly ah?: IpsecAhHeader;
}

export type ReceiveCheckResult =
  | {
      readonly accept: true;
      readonly advert: VrrpAdvert;
      readonly instance: ReceiverInstance;
      readonly warnings: readonly ReceiveWarning[];
    }
  | {
      readonly accept: false;
      readonly reason: ReceiveDropReason;
      /** keepalived-style explanation for the log. */
      readonly detail: string;
      /** The instance the advert was for, when the VRID matched one (to count the drop against it). */
      readonly instance?: ReceiverInstance;
    };
