import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../../netlink/HostByteOrder.js';
import { LINUX_ERRNO } from '../../netlink/LinuxErrno.js';
import { NLA_HDRLEN, NLA_TYPE_MASK, netlinkAlign } from '../../netlink/NetlinkConstants.js';

/**
 * How the kernel itself reads attributes, for the fake kernel: lib/nlattr.c
 * `nla_parse_nested_deprecated()` with NL_VALIDATE_LIBERAL, which is what IPVS uses
 * (its genl ops set GENL_DONT_VALIDATE_STRICT). Deliberately separate from
 * Vigil's strict decoder so tests of one are not tests of the other.
 */

/** An errno the fake kernel answers with; thrown inside the fake, turned into an NLMSG_ERROR. */
export class KernelErrno extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
    this.name = 'KernelErrno';
  }
}

export type KernelAttributes = ReadonlyMap<number, Uint8Array>;

/**
 * `nla_for_each_attr`: walk while a whole attribute fits; anything after the first
 * malformed one is left over and only warned about in liberal mode. A later
 * duplicate replaces an earlier one, as in `__nla_parse()`.
 */
export function walkAttributes(bytes: Uint8Array): Map<number, Uint8Array> {
  const view = viewOf(bytes);
  const attributes = new Map<number, Uint8Array>();
  let pos = 0;
  while (bytes.length - pos >= NLA_HDRLEN) {
    const len = view.getUint16(pos, HOST_IS_LITTLE_ENDIAN);
    if (len < NLA_HDRLEN || len > bytes.length - pos) break;
    const type = view.getUint16(pos + 2, HOST_IS_LITTLE_ENDIAN) & NLA_TYPE_MASK;
    attributes.set(type, bytes.subarray(pos + NLA_HDRLEN, pos + len));
    pos += netlinkAlign(len);
  }
  return attributes;
}

/** The subset of `struct nla_policy` types IPVS's policies use. */
export type PolicyEntry =
  | { readonly type: 'u8' | 'u16' | 'u32' | 'u64' | 'nested' }
  /** NLA_BINARY with a maximum length. */
  | { readonly type: 'binary'; readonly maxLength: number }
  /** NLA_NUL_STRING with a maximum string length (NUL excluded). */
  | { readonly type: 'nul-string'; readonly maxLength: number };

export type Policy = ReadonlyMap<number, PolicyEntry>;

const MIN_LENGTH = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;

/**
 * `validate_nla()` in liberal mode: integers shorter than their type fail with
 * ERANGE (longer ones only warn); binaries longer than their maximum fail with
 * ERANGE; NUL strings need a NUL within maxLength + 1 bytes (EINVAL) and at most
 * maxLength characters (ERANGE); a nest must be empty or hold a header. Types
 * without a policy entry are ignored. Returns 0 or a positive errno.
 */
export function validateAttributes(attributes: KernelAttributes, policy: Policy): number {
  for (const [type, payload] of attributes) {
    const entry = policy.get(type);
    if (entry === undefined) continue;
    switch (entry.type) {
      case 'u8':
      case 'u16':
      case 'u32':
      case 'u64':
        if (payload.length < MIN_LENGTH[entry.type]) return LINUX_ERRNO.ERANGE;
        break;
      case 'binary':
        if (payload.length > entry.maxLength) return LINUX_ERRNO.ERANGE;
        break;
      case 'nul-string': {
        const window = Math.min(entry.maxLength + 1, payload.length);
        if (window === 0 || payload.subarray(0, window).indexOf(0) === -1) return LINUX_ERRNO.EINVAL;
        const length = payload[payload.length - 1] === 0 ? payload.length - 1 : payload.length;
        if (length > entry.maxLength) return LINUX_ERRNO.ERANGE;
        break;
      }
      case 'nested':
        if (payload.length !== 0 && payload.length < NLA_HDRLEN) return LINUX_ERRNO.ERANGE;
        break;
    }
  }
  return 0;
}

// nla_get_*(): read the first bytes, host order unless the field is __be.
export const kernelRead = {
  u8: (payload: Uint8Array): number => payload[0] ?? 0,
  u16: (payload: Uint8Array): number => viewOf(payload).getUint16(0, HOST_IS_LITTLE_ENDIAN),
  u32: (payload: Uint8Array): number => viewOf(payload).getUint32(0, HOST_IS_LITTLE_ENDIAN),
  /** A u32 attribute stored into an `int` (weights, timeouts): values >= 2^31 turn negative. */
  s32: (payload: Uint8Array): number => viewOf(payload).getInt32(0, HOST_IS_LITTLE_ENDIAN),
  be16: (payload: Uint8Array): number => viewOf(payload).getUint16(0, false),
  be32: (payload: Uint8Array): number => viewOf(payload).getUint32(0, false),
  /** NLA_NUL_STRING data up to its NUL. */
  string: (payload: Uint8Array): string => {
    const nul = payload.indexOf(0);
    return new TextDecoder().decode(nul === -1 ? payload : payload.subarray(0, nul));
  },
  /** `nla_memcpy()` into a zeroed buffer of `size` bytes. */
  copy: (payload: Uint8Array, size: number): Uint8Array => {
    const out = new Uint8Array(size);
    out.set(payload.subarray(0, size));
    return out;
  },
};
