import { canonicalAddress } from './IpvsAddress.js';
import { AF_INET } from './IpvsConstants.js';
import type { IpvsDestId, IpvsServiceId } from './IpvsModel.js';

/**
 * Stable string keys for the kernel's identity of services and dests, used for
 * ownership sets, maps and deterministic ordering:
 *
 * - service: `tcp|192.0.2.1|80`, `udp|2001:db8::1|53`, `fwm|1|v4`, `fwm|7|v6`
 * - dest (inside its service): `198.51.100.2|8080`
 * - dest across the table: `tcp|192.0.2.1|80>198.51.100.2|8080`
 *
 * Addresses are canonicalised, so `2001:DB8:0::1` and `2001:db8::1` share a key.
 */

export type IpvsServiceKey = string;
export type IpvsDestKey = string;

export function ipvsServiceKey(service: IpvsServiceId): IpvsServiceKey {
  if (service.kind === 'fwmark') return `fwm|${service.fwmark}|${service.af === AF_INET ? 'v4' : 'v6'}`;
  return `${service.protocol}|${canonicalAddress(service.address)}|${service.port}`;
}

export function ipvsDestKey(dest: IpvsDestId): IpvsDestKey {
  return `${canonicalAddress(dest.address)}|${dest.port}`;
}

/** Key of a dest across the whole table: service key, `>`, dest key (as ipvsadm's `->`). */
export function ipvsServiceDestKey(service: IpvsServiceId, dest: IpvsDestId): string {
  return `${ipvsServiceKey(service)}>${ipvsDestKey(dest)}`;
}
