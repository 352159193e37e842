import type { IpFamily } from './IpAddressBytes.js';

/** Wire constants of VRRP and the layers it rides on. Each cites where it is defined. */

/** IANA protocol number for VRRP (RFC 3768 §5.2.4, RFC 5798 §5.1.1.4 / §5.1.2.4). */
export const IPPROTO_VRRP = 112;
/** IP Authentication Header (RFC 4302 §1, IANA protocol 51); VRRPv2 auth type 2 rides in it (RFC 2338 §5.3.6.3). */
export const IPPROTO_AH = 51;
/** ICMPv6 next-header value (RFC 4443 §1). */
export const IPPROTO_ICMPV6 = 58;

/** TTL / Hop Limit on every advertisement, checked on receipt (RFC 3768 §5.2.3, RFC 5798 §5.1.1.3 / §5.1.2.3). */
export const VRRP_TTL = 255;
/** IPv4 multicast group for adverts (RFC 3768 §5.2.2, RFC 5798 §5.1.1.2). */
export const VRRP_GROUP_IPV4 = '224.0.0.18';
/** IPv6 multicast group for adverts (RFC 5798 §5.1.2.2). */
export const VRRP_GROUP_IPV6 = 'ff02::12';

/** Version field values (RFC 3768 §5.3.1, RFC 5798 §5.2.1). */
export const VRRP_VERSION_2 = 2;
export const VRRP_VERSION_3 = 3;
/** Type 1 = ADVERTISEMENT, the only defined type; others are discarded (RFC 3768 §5.3.2, RFC 5798 §5.2.2). */
export const VRRP_TYPE_ADVERTISEMENT = 1;

/** The fixed part before the address list: version/type, VRID, priority, count, 2 bytes, checksum (RFC 3768 §5.1, RFC 5798 §5.1). */
export const VRRP_HEADER_BYTES = 8;
/** VRRPv2 Authentication Data is 8 octets after the addresses (RFC 3768 §5.3.10; the password of RFC 2338 §5.3.6.2). */
export const VRRP_V2_AUTH_DATA_BYTES = 8;
/** VRRPv3 Max Adver Int is the low 12 bits of bytes 4-5; the top 4 bits are reserved (RFC 5798 §5.2.6, §5.2.7). */
export const VRRP_V3_MAX_ADVER_INT_MASK = 0x0fff;

/** VRRPv2 Auth Type values (RFC 2338 §5.3.6; RFC 3768 §5.3.6 keeps 0 and reserves 1 and 2, keepalived still speaks them). */
export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_PASS = 1;
export const VRRP_AUTH_AH = 2;

/** Priority 255 = address owner, 0 = master is stopping (RFC 3768 §5.3.4, RFC 5798 §5.2.4). */
export const VRRP_PRIORITY_OWNER = 255;
export const VRRP_PRIORITY_STOP = 0;

/**
 * The virtual router MAC: 00-00-5E-00-01-{VRID} for IPv4 and 00-00-5E-00-02-{VRID} for
 * IPv6 (RFC 3768 §7.3, RFC 5798 §7.3). keepalived's `use_vmac` sends from it.
 */
export function virtualRouterMac(family: IpFamily, vrid: number): string {
  const kind = family === 'ipv4' ? '01' : '02';
  return `00:00:5e:00:${kind}:${(vrid & 0xff).toString(16).padStart(2, '0')}`;
}
