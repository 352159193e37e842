/**
 * Netlink carries integers in the host's byte order (only attributes flagged
 * NLA_F_NET_BYTEORDER, and fields the kernel declares __be16/__be32, are big
 * endian). Vigil targets little-endian hosts (x86_64, arm64) but computes the
 * order rather than assuming it.
 */
export const HOST_IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
