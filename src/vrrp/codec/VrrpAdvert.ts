import type { IpFamily } from './IpAddressBytes.js';
import type { IpsecAhHeader } from './IpsecAhHeader.js';
import type { Ipv4Header } from './Ipv4Header.js';
import type { Ipv6Header } from './Ipv6Header.js';
import type { EthernetFrame } from './EthernetFrame.js';
import { VRRP_V2_AUTH_DATA_BYTES } from './VrrpProtocol.js';

/**
 * The values of a VRRP advertisement, as `AdvertCodec` writes them (`*Fields`) and reads
 * them back (`VrrpV2Advert` / `VrrpV3Advert`, which add what only a received packet has).
 * Layouts: VRRPv2 RFC 3768 §5.1, VRRPv3 RFC 5798 §5.1.
 */

/** VRRPv2 Auth Type as a name: 0 none, 1 simple password, 2 IP AH (RFC 2338 §5.3.6); 3-255 are undefined. */
export type AdvertAuthKind = 'none' | 'PASS' | 'AH' | 'reserved';

export interface AdvertV2Fields {
  readonly version: 2;
  /** 1 = ADVERTISEMENT (the default); other values exist only to test receivers. */
  readonly type?: number;
  readonly vrid: number;
  readonly priority: number;
  /** Adver Int in whole seconds (RFC 3768 §5.3.7). */
  readonly adverIntSec: number;
  /** Raw Auth Type (RFC 2338 §5.3.6): see `VRRP_AUTH_*`. */
  readonly authType: number;
  /** The 8 Authentication Data bytes as sent; zeros when absent. Build PASS data with `passwordAuthData`. */
  readonly authData?: Uint8Array;
  readonly addresses: readonly string[];
}

export interface AdvertV3Fields {
  readonly version: 3;
  readonly type?: number;
  readonly vrid: number;
  readonly priority: number;
  /** Max Adver Int in centiseconds, 12 bits (RFC 5798 §5.2.7). */
  readonly maxAdverIntCs: number;
  /** The 4 reserved bits (RFC 5798 §5.2.6): sent as 0, ignored on receipt; kept so a decode re-encodes exactly. */
  readonly reserved?: number;
  readonly addresses: readonly string[];
}

export type AdvertFields = AdvertV2Fields | AdvertV3Fields;

/** Which checksum computations the received bytes satisfy. */
export interface AdvertChecksumMatch {
  /** Over the VRRP message alone: VRRPv2 (RFC 3768 §5.3.8) and keepalived's `v3_checksum_as_v2`. */
  readonly messageOnly: boolean;
  /** Over an IPv4/IPv6 pseudo-header plus the message: VRRPv3 (RFC 5798 §5.2.8). */
  readonly withPseudoHeader: boolean;
}

interface DecodedAdvertCommon {
  readonly family: IpFamily;
  readonly type: number;
  readonly addresses: readonly string[];
  readonly checksum: number;
  readonly checksumMatch: AdvertChecksumMatch;
  /** Bytes of the VRRP message implied by Count IP Addrs. */
  readonly length: number;
  /** Bytes the IP payload carries beyond `length` (a well-formed advert has none). */
  readonly trailingBytes: number;
}

export interface VrrpV2Advert extends Omit<AdvertV2Fields, 'type'>, DecodedAdvertCommon {
  readonly version: 2;
  readonly auth: AdvertAuthKind;
  readonly authData: Buffer;
  /** For PASS: the Authentication Data up to its first zero byte. */
  readonly password?: string;
}

export interface VrrpV3Advert extends Omit<AdvertV3Fields, 'type'>, DecodedAdvertCommon {
  readonly version: 3;
  readonly reserved: number;
}

export type VrrpAdvert = VrrpV2Advert | VrrpV3Advert;

/** What the receive path knows about the IP layer: from a parsed header, or from recvmsg ancillary data. */
export type AdvertIp =
  | { readonly family: 'ipv4'; readonly src: string; readonly dst: string; readonly ttl: number }
  | { readonly family: 'ipv6'; readonly src: string; readonly dst: string; readonly hopLimit: number };

/** Stable codes for why bytes are not a decodable VRRP advertisement (each can be a counter). */
export const ADVERT_DECODE_REASONS = [
  /** Shorter than a header or length field says. */
  'truncated',
  /** IP version nibble is not the expected 4 or 6. */
  'ip-version',
  /** IPv4 IHL below 5 (RFC 791 §3.1). */
  'ip-header-length',
  /** IPv4 Total Length below the header, or IPv6 Payload Length 0 (jumbogram). */
  'ip-total-length',
  /** IPv4 header checksum wrong (RFC 791 §3.1). */
  'ip-header-checksum',
  /** A fragment (IPv4 MF/offset or an IPv6 Fragment header). */
  'ip-fragment',
  /** An IPv6 extension header VRRP has no use for (AH, ESP, Mobility...), or Hop-by-Hop out of place. */
  'unsupported-extension-header',
  /** The IP payload is not VRRP (nor AH carrying VRRP). */
  'not-vrrp',
  /** An AH header whose length does not fit (RFC 4302 §2.2). */
  'ah-malformed',
  /** Version not 2 or 3, or version 2 over IPv6 (RFC 3768 is IPv4-only). */
  'unsupported-version',
] as const;

export type AdvertDecodeReason = (typeof ADVERT_DECODE_REASONS)[number];

export interface DecodedAdvertPacket {
  readonly advert: VrrpAdvert;
  readonly ip: Ipv4Header | Ipv6Header;
  /** Present when the advert came behind an IPsec AH header (VRRPv2 auth type 2). */
  readonly ah?: IpsecAhHeader;
}

export type AdvertPacketDecodeResult =
  | ({ readonly ok: true } & DecodedAdvertPacket)
  | { readonly ok: false; readonly reason: AdvertDecodeReason };

export type AdvertFrameDecodeResult =
  | ({ readonly ok: true; readonly ethernet: EthernetFrame } & DecodedAdvertPacket)
  | { readonly ok: false; readonly reason: AdvertDecodeReason };

export type AdvertPayloadDecodeResult =
  | { readonly ok: true; readonly advert: VrrpAdvert; readonly ip: AdvertIp }
  | { readonly ok: false; readonly reason: AdvertDecodeReason };

/**
 * The 8 Authentication Data bytes for a PASS password: its UTF-8 bytes, zero padded,
 * cut at 8 (RFC 2338 §5.3.6.2; keepalived truncates longer passwords the same way).
 */
export function passwordAuthData(password: string): Buffer {
  const out = Buffer.alloc(VRRP_V2_AUTH_DATA_BYTES);
  Buffer.from(password, 'utf8').copy(out, 0, 0, VRRP_V2_AUTH_DATA_BYTES);
  return out;
}
