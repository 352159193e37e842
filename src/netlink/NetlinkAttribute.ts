import { HOST_IS_LITTLE_ENDIAN, viewOf } from './HostByteOrder.js';
import { NetlinkDecodeError } from './NetlinkDecodeError.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, netlinkAlign } from './NetlinkConstants.js';

/**
 * One decoded `struct nlattr` (netlink.h): a TLV whose payload is a view into the
 * decoded buffer, never a copy.
 */
export interface NetlinkAttribute {
  /** Attribute type with the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits removed. */
  readonly type: number;
  readonly nested: boolean;
  readonly netByteOrder: boolean;
  readonly payload: Uint8Array;
  /** Offset of the attribute header from the start of the enclosing message (for extended-ACK offsets). */
  readonly offset: number;
  /** 0 for top-level attributes, 1 inside one nest, ... */
  readonly depth: number;
}

/** No kernel family nests deeper than a handful of levels; this bounds recursion on hostile input. */
export const MAX_ATTRIBUTE_DEPTH = 16;

/**
 * Splits `bytes` into attributes, following the kernel's `nla_for_each_attr`:
 * each attribute advances by NLA_ALIGN(nla_len); the last one may omit its padding.
 * `baseOffset` is where `bytes` starts inside the enclosing message.
 */
export function decodeAttributes(bytes: Uint8Array, baseOffset = 0, depth = 0): NetlinkAttribute[] {
  if (depth > MAX_ATTRIBUTE_DEPTH) {
    throw new NetlinkDecodeError('NETLINK_NESTING_TOO_DEEP', `attributes nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`, {
      offset: baseOffset,
    });
  }
  const view = viewOf(bytes);
  const attributes: NetlinkAttribute[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    if (remaining < NLA_HDRLEN) {
      throw new NetlinkDecodeError('NETLINK_TRUNCATED_ATTRIBUTE', `${remaining} stray byte(s) where an attribute header should start`, {
        offset: baseOffset + pos,
      });
    }
    const len = view.getUint16(pos, HOST_IS_LITTLE_ENDIAN);
    const rawType = view.getUint16(pos + 2, HOST_IS_LITTLE_ENDIAN);
    if (len < NLA_HDRLEN) {
      throw new NetlinkDecodeError('NETLINK_BAD_ATTRIBUTE_LENGTH', `attribute length ${len} is below the 4-byte header`, {
        offset: baseOffset + pos,
        type: rawType & NLA_TYPE_MASK,
      });
    }
    if (len > remaining) {
      throw new NetlinkDecodeError(
        depth > 0 ? 'NETLINK_NESTED_OVERFLOW' : 'NETLINK_LENGTH_PAST_BUFFER',
        `attribute length ${len} exceeds the ${remaining} byte(s) left${depth > 0 ? ' in its nest' : ''}`,
        { offset: baseOffset + pos, type: rawType & NLA_TYPE_MASK },
      );
    }
    attributes.push({
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      payload: bytes.subarray(pos + NLA_HDRLEN, pos + len),
      offset: baseOffset + pos,
      depth,
    });
    pos += netlinkAlign(len);
  }
  return attributes;
}

/**
 * Decodes the attributes inside a nest. Whether NLA_F_NESTED is set is not checked:
 * IPVS replies use `nla_nest_start_noflag`, so the flag is absent on real kernels.
 */
export function decodeNested(attribute: NetlinkAttribute): NetlinkAttribute[] {
  return decodeAttributes(attribute.payload, attribute.offset + NLA_HDRLEN, attribute.depth + 1);
}

function requireSize(attribute: NetlinkAttribute, size: number, what: string): void {
  if (attribute.payload.length < size) {
    throw new NetlinkDecodeError('NETLINK_ATTRIBUTE_SIZE', `attribute ${attribute.type} holds ${attribute.payload.length} byte(s), ${what} needs ${size}`, {
      offset: attribute.offset,
      type: attribute.type,
    });
  }
}

// Readers follow the kernel's nla_get_*(): they need at least the integer's size and
// read its first bytes, which is also how the kernel treats over-long attributes.

export function readU8(attribute: NetlinkAttribute): number {
  requireSize(attribute, 1, 'u8');
  return attribute.payload[0] ?? 0;
}

export function readU16(attribute: NetlinkAttribute): number {
  requireSize(attribute, 2, 'u16');
  return viewOf(attribute.payload).getUint16(0, HOST_IS_LITTLE_ENDIAN && !attribute.netByteOrder);
}

export function readU32(attribute: NetlinkAttribute): number {
  requireSize(attribute, 4, 'u32');
  return viewOf(attribute.payload).getUint32(0, HOST_IS_LITTLE_ENDIAN && !attribute.netByteOrder);
}

export function readS32(attribute: NetlinkAttribute): number {
  requireSize(attribute, 4, 's32');
  return viewOf(attribute.payload).getInt32(0, HOST_IS_LITTLE_ENDIAN && !attribute.netByteOrder);
}

export function readU64(attribute: NetlinkAttribute): bigint {
  requireSize(attribute, 8, 'u64');
  return viewOf(attribute.payload).getBigUint64(0, HOST_IS_LITTLE_ENDIAN && !attribute.netByteOrder);
}

/** A `__be16` field (ports): big endian whatever the flag says. */
export function readBe16(attribute: NetlinkAttribute): number {
  requireSize(attribute, 2, 'be16');
  return viewOf(attribute.payload).getUint16(0, false);
}

/** A `__be32` field (IPv4 addresses, netmasks): big endian whatever the flag says. */
export function readBe32(attribute: NetlinkAttribute): number {
  requireSize(attribute, 4, 'be32');
  return viewOf(attribute.payload).getUint32(0, false);
}

const utf8 = new TextDecoder('utf-8');

/**
 * An NLA_STRING / NLA_NUL_STRING: the bytes up to the first NUL (or the whole
 * payload when there is none, as NLA_STRING allows).
 */
export function readString(attribute: NetlinkAttribute): string {
  const nul = attribute.payload.indexOf(0);
  return utf8.decode(nul === -1 ? attribute.payload : attribute.payload.subarray(0, nul));
}

export function readBytes(attribute: NetlinkAttribute, size: number): Uint8Array {
  requireSize(attribute, size, `a ${size}-byte field`);
  return attribute.payload.subarray(0, size);
}

/**
 * Attributes indexed by type. Like the kernel's `nla_parse()`, a later duplicate
 * replaces an earlier one.
 */
export class NetlinkAttributeTable {
  private readonly byType = new Map<number, NetlinkAttribute>();

  constructor(readonly attributes: readonly NetlinkAttribute[]) {
    for (const attribute of attributes) this.byType.set(attribute.type, attribute);
  }

  static decode(bytes: Uint8Array, baseOffset = 0): NetlinkAttributeTable {
    return new NetlinkAttributeTable(decodeAttributes(bytes, baseOffset));
  }

  static nested(attribute: NetlinkAttribute): NetlinkAttributeTable {
    return new NetlinkAttributeTable(decodeNested(attribute));
  }

  get(type: number): NetlinkAttribute | undefined {
    return this.byType.get(type);
  }

  has(type: number): boolean {
    return this.byType.has(type);
  }

  /** The attribute, or a NETLINK_MISSING_ATTRIBUTE error naming `what`. */
  require(type: number, what: string): NetlinkAttribute {
    const attribute = this.byType.get(type);
    if (attribute === undefined) {
      throw new NetlinkDecodeError('NETLINK_MISSING_ATTRIBUTE', `missing ${what} (attribute ${type})`, { type });
    }
    return attribute;
  }
}
