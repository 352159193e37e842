import { isIPv4 } from 'node:net';
import { endianness } from 'node:os';
import { VigilError } from '../../core/VigilError.js';

/**
 * Linux socket option numbers and argument layouts for the IPv4 VRRP socket, set through
 * raw-socket's buffer-taking setOption (which only exports a few of these names).
 */
export const SOL_SOCKET = 1; // asm-generic/socket.h
export const SO_BINDTODEVICE = 25; // asm-generic/socket.h
export const IPPROTO_IP = 0; // linux/in.h
export const IP_HDRINCL = 3; // linux/in.h
export const IP_MULTICAST_IF = 32; // linux/in.h
export const IP_MULTICAST_TTL = 33; // linux/in.h
export const IP_MULTICAST_LOOP = 34; // linux/in.h
export const IP_ADD_MEMBERSHIP = 35; // linux/in.h
export const IP_DROP_MEMBERSHIP = 36; // linux/in.h
export const IP_MULTICAST_ALL = 49; // linux/in.h

/** sizeof(struct ip_mreqn): group, local address, ifindex (linux/in.h). */
export const IP_MREQN_BYTES = 12;

function ipv4Bytes(address: string, what: string): Buffer {
  if (!isIPv4(address)) throw new VigilError('VRRP_IO_BAD_ARGUMENT', `${what} ${address} is not an IPv4 address`, { address });
  return Buffer.from(address.split('.').map(Number));
}

/** A C `int` in this machine's byte order, as setsockopt(2) reads it. */
export function encodeInt(value: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeInt32LE(value);
  else b.writeInt32BE(value);
  return b;
}

/**
 * struct ip_mreqn for IP_ADD_MEMBERSHIP / IP_MULTICAST_IF: addresses in network order,
 * the interface index as a host-order int. Selecting the interface by index (not by one
 * of its addresses, as struct ip_mreq would) works before any address is configured.
 */
export function encodeIpMreqn(group: string, ifindex: number, localAddress = '0.0.0.0'): Buffer {
  if (!Number.isInteger(ifindex) || ifindex < 0 || ifindex > 0x7fffffff) {
    throw new VigilError('VRRP_IO_BAD_ARGUMENT', `interface index ${ifindex} is out of range`, { ifindex });
  }
  const b = Buffer.alloc(IP_MREQN_BYTES);
  ipv4Bytes(group, 'group').copy(b, 0);
  ipv4Bytes(localAddress, 'local address').copy(b, 4);
  encodeInt(ifindex).copy(b, 8);
  return b;
}

/** SO_BINDTODEVICE takes the interface name; IFNAMSIZ is 16 with the NUL (linux/if.h). */
export function encodeInterfaceName(ifname: string): Buffer {
  const bytes = Buffer.from(ifname, 'utf8');
  if (bytes.length === 0 || bytes.length > 15) {
    throw new VigilError('VRRP_IO_BAD_ARGUMENT', `interface name "${ifname}" must be 1-15 bytes`, { ifname });
  }
  return Buffer.concat([bytes, Buffer.alloc(1)]);
}
