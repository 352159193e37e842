import { VigilError } from '../core/VigilError.js';
import { HOST_IS_LITTLE_ENDIAN } from './HostByteOrder.js';
import { NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK, netlinkAlign } from './NetlinkConstants.js';

const utf8 = new TextEncoder();

/** Largest attribute `nla_len` (a u16) can describe. */
const MAX_ATTRIBUTE_LENGTH = 0xffff;

export interface NestOptions {
  /**
   * Set NLA_F_NESTED on the nest header. libnl's `nla_nest_start()` (ipvsadm,
   * keepalived) sets it; the kernel's IPVS replies (`nla_nest_start_noflag`) do not.
   */
  readonly flagNested?: boolean;
}

/**
 * Builds a sequence of `struct nlattr` TLVs, each padded to 4 bytes with zeros
 * (netlink.h NLA_ALIGN), the way libnl's nla_put() lays them out.
 */
export class NetlinkAttributeWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  private header(type: number, payloadLength: number): number {
    const total = NLA_HDRLEN + payloadLength;
    if (total > MAX_ATTRIBUTE_LENGTH) {
      throw new VigilError('NETLINK_ATTRIBUTE_TOO_LARGE', `attribute ${type} would be ${total} bytes; nla_len is a u16`, { type });
    }
    this.reserve(netlinkAlign(total));
    const at = this.length;
    this.view.setUint16(at, total, HOST_IS_LITTLE_ENDIAN);
    this.view.setUint16(at + 2, type, HOST_IS_LITTLE_ENDIAN);
    return at + NLA_HDRLEN;
  }

  private commit(payloadStart: number, payloadLength: number): this {
    const end = payloadStart + payloadLength;
    const padded = netlinkAlign(end);
    this.buffer.fill(0, end, padded);
    this.length = padded;
    return this;
  }

  bytes(type: number, data: Uint8Array): this {
    const at = this.header(type, data.length);
    this.buffer.set(data, at);
    return this.commit(at, data.length);
  }

  u8(type: number, value: number): this {
    const at = this.header(type, 1);
    this.view.setUint8(at, value);
    return this.commit(at, 1);
  }

  u16(type: number, value: number): this {
    const at = this.header(type, 2);
    this.view.setUint16(at, value, HOST_IS_LITTLE_ENDIAN);
    return this.commit(at, 2);
  }

  u32(type: number, value: number): this {
    const at = this.header(type, 4);
    this.view.setUint32(at, value >>> 0, HOST_IS_LITTLE_ENDIAN);
    return this.commit(at, 4);
  }

  u64(type: number, value: bigint): this {
    const at = this.header(type, 8);
    this.view.setBigUint64(at, BigInt.asUintN(64, value), HOST_IS_LITTLE_ENDIAN);
    return this.commit(at, 8);
  }

  /** A `__be16` field such as a port: network byte order, no NLA_F_NET_BYTEORDER flag (as the kernel's nla_put_be16). */
  be16(type: number, value: number): this {
    const at = this.header(type, 2);
    this.view.setUint16(at, value, false);
    return this.commit(at, 2);
  }

  /** A `__be32` field such as an IPv4 address or netmask. */
  be32(type: number, value: number): this {
    const at = this.header(type, 4);
    this.view.setUint32(at, value >>> 0, false);
    return this.commit(at, 4);
  }

  /** A NUL-terminated string (libnl NLA_PUT_STRING / kernel nla_put_string). */
  string(type: number, value: string): this {
    const encoded = utf8.encode(value);
    const at = this.header(type, encoded.length + 1);
    this.buffer.set(encoded, at);
    this.buffer[at + encoded.length] = 0;
    return this.commit(at, encoded.length + 1);
  }

  /** A nest whose content `build` writes; its length is patched once `build` returns. */
  nest(type: number, build: (inner: this) => void, options: NestOptions = {}): this {
    const flag = options.flagNested === false ? 0 : NLA_F_NESTED;
    const start = this.length;
    this.header((type & NLA_TYPE_MASK) | flag, 0);
    this.length = start + NLA_HDRLEN;
    build(this);
    const total = this.length - start;
    if (total > MAX_ATTRIBUTE_LENGTH) {
      throw new VigilError('NETLINK_ATTRIBUTE_TOO_LARGE', `nest ${type} would be ${total} bytes; nla_len is a u16`, { type });
    }
    this.view.setUint16(start, total, HOST_IS_LITTLE_ENDIAN);
    return this;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
