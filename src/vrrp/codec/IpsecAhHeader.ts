/**
 * The IP Authentication Header (RFC 4302 §2, earlier RFC 2402 §2) as keepalived puts it in
 * front of a VRRPv2 advert for auth type 2 (RFC 2338 §5.3.6.3): Next Header 112, SPI =
 * the sender's IPv4 address, a sequence number, and a 96-bit HMAC-MD5 ICV.
 *
 * Vigil decodes this header but does not verify the ICV: RFC 3768 §5.3.6 withdrew AH
 * authentication from VRRP, keepalived's HMAC covers its own choice of mutable fields
 * (non-standard), and a shared-key MD5 over a broadcast domain stops nobody who can
 * already inject frames there. Receive checks treat AH as an auth *type* to match.
 */

/** Next Header, Payload Len, Reserved (2), SPI (4), Sequence Number (4): RFC 4302 §2. */
export const AH_FIXED_BYTES = 12;

export interface IpsecAhHeader {
  readonly nextHeader: number;
  /** Whole header length in bytes: (Payload Len + 2) * 4 (RFC 4302 §2.2). */
  readonly length: number;
  readonly reserved: number;
  readonly spi: number;
  readonly sequence: number;
  /** Integrity Check Value (keepalived: 12 bytes of HMAC-MD5-96). */
  readonly icv: Buffer;
}

export type IpsecAhDecodeReason = 'ah-malformed';

export type IpsecAhDecodeResult =
  | { readonly ok: true; readonly header: IpsecAhHeader }
  | { readonly ok: false; readonly reason: IpsecAhDecodeReason };

/** Reads the AH at `buf[offset]`, which must end at or before `end`. */
export function decodeIpsecAhHeader(buf: Buffer, offset: number, end: number): IpsecAhDecodeResult {
  if (offset + AH_FIXED_BYTES > end) return { ok: false, reason: 'ah-malformed' };
  const length = ((buf[offset + 1] ?? 0) + 2) * 4;
  if (length < AH_FIXED_BYTES || offset + length > end) return { ok: false, reason: 'ah-malformed' };
  return {
    ok: true,
    header: {
      nextHeader: buf[offset] ?? 0,
      length,
      reserved: buf.readUInt16BE(offset + 2),
      spi: buf.readUInt32BE(offset + 4),
      sequence: buf.readUInt32BE(offset + 8),
      icv: Buffer.from(buf.subarray(offset + AH_FIXED_BYTES, offset + length)),
    },
  };
}
