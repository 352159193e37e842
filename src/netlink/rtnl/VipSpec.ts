import type { VigilError } from '../../core/VigilError.js';
import type { AddressRequest } from './AddressRequest.js';
import { scopeNumber, type AddressScopeName } from './AddressScope.js';
import { maxPrefixLength, parseInetAddress, withHostBits, type InetAddress } from './InetAddress.js';
import { rtnlError } from './RtnlError.js';
import {
  AF_INET,
  AF_INET6,
  IFA_F_HOMEADDRESS,
  IFA_F_MCAUTOJOIN,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  IFNAMSIZ,
  RT_SCOPE_UNIVERSE,
} from './RtnetlinkConstants.js';

/**
 * A virtual IP address as a `virtual_ipaddress` line describes it
 * (`ADDR[/LEN] [brd ADDR|+|-] [dev IF] [scope S] [label L] [-nodad] [noprefixroute] ...`).
 */
export interface VipSpec {
  /** Address text without prefix length. */
  readonly address: string;
  /** Defaults to 32 (IPv4) or 128 (IPv6), as keepalived does. */
  readonly prefixLength?: number;
  /** Interface name or index. */
  readonly interface: string | number;
  /** IPv4 only: an address, `+` (host bits set) or `-` (host bits clear), as iproute2. */
  readonly broadcast?: string;
  /** Defaults to `global`. */
  readonly scope?: AddressScopeName | number;
  /** IPv4 only; must start with the interface name, at most 15 bytes. */
  readonly label?: string;
  /** IPv6 only. Defaults to true: keepalived adds VIPs with `nodad` unless `-nodad` is given. */
  readonly noDad?: boolean;
  /** IFA_F_NOPREFIXROUTE: no prefix route for this address (Linux 3.14+). */
  readonly noPrefixRoute?: boolean;
  /** IPv6 only: IFA_F_HOMEADDRESS (Mobile IPv6 home address), keepalived's `home`. */
  readonly homeAddress?: boolean;
  /** IFA_F_MCAUTOJOIN: join the multicast group of a multicast address (Linux 4.1+). */
  readonly autoJoin?: boolean;
}

/** Looks up interfaces of the namespace: index by name and name by index. */
export interface InterfaceDirectory {
  indexOf(name: string): number | undefined;
  nameOf(ifindex: number): string | undefined;
}

export type VipResolution = { readonly ok: true; readonly request: AddressRequest } | { readonly ok: false; readonly error: VigilError };

const utf8 = new TextEncoder();

function invalid(vip: VipSpec, why: string): VipResolution {
  return {
    ok: false,
    error: rtnlError('RTNL_INVALID_VIP', `VIP ${vip.address}${vip.prefixLength === undefined ? '' : `/${vip.prefixLength}`}: ${why}`, {
      address: vip.address,
      prefixLength: vip.prefixLength,
      interface: vip.interface,
    }),
  };
}

function broadcastOf(vip: VipSpec, address: InetAddress, prefixLength: number): InetAddress | string | null {
  if (vip.broadcast === undefined) return null;
  if (vip.broadcast === '+') return withHostBits(address, prefixLength, true);
  if (vip.broadcast === '-') return withHostBits(address, prefixLength, false);
  const parsed = parseInetAddress(vip.broadcast);
  if (parsed === null || parsed.family !== AF_INET) return `broadcast "${vip.broadcast}" is not an IPv4 address, "+" or "-"`;
  return parsed;
}

/**
 * Checks a VIP against the rules keepalived and the kernel apply and resolves its
 * interface; pure. Problems come back as `RTNL_INVALID_VIP` or `RTNL_INTERFACE_NOT_FOUND`.
 */
export function resolveVip(vip: VipSpec, interfaces: InterfaceDirectory): VipResolution {
  const address = parseInetAddress(vip.address);
  if (address === null) return invalid(vip, `"${vip.address}" is not an IPv4 or IPv6 address`);
  const max = maxPrefixLength(address.family);
  const prefixLength = vip.prefixLength ?? max;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    return invalid(vip, `prefix length ${prefixLength} is outside 0..${max}`);
  }

  let ifindex: number | undefined;
  let ifname: string | undefined;
  if (typeof vip.interface === 'number') {
    ifindex = vip.interface;
    ifname = interfaces.nameOf(vip.interface);
  } else {
    ifname = vip.interface;
    ifindex = interfaces.indexOf(vip.interface);
  }
  if (ifindex === undefined || ifname === undefined) {
    return {
      ok: false,
      error: rtnlError('RTNL_INTERFACE_NOT_FOUND', `VIP ${address.text}/${prefixLength}: no interface ${String(vip.interface)}`, {
        address: address.text,
        prefixLength,
        interface: vip.interface,
      }),
    };
  }

  const v6 = address.family === AF_INET6;
  const scope = vip.scope === undefined ? RT_SCOPE_UNIVERSE : scopeNumber(vip.scope);
  if (scope === null) return invalid(vip, `unknown scope "${String(vip.scope)}" (use global, site, link, host, nowhere or 0..255)`);
  // The kernel derives an IPv6 address's scope from the address (net/ipv6/addrconf.c
  // ipv6_addr_scope) and ignores the request's; keepalived drops it with a warning.
  if (v6 && scope !== RT_SCOPE_UNIVERSE) return invalid(vip, 'IPv6 addresses take their scope from the address itself');

  let label: string | null = null;
  if (vip.label !== undefined) {
    // IPv6 has no labels (net/ipv6/addrconf.c ignores IFA_LABEL); keepalived drops them with a warning.
    if (v6) return invalid(vip, 'IPv6 addresses cannot carry a label');
    // iproute2 and keepalived insist the label starts with the device name (the
    // ifconfig alias convention `eth0:1`); the kernel limits it to IFNAMSIZ - 1 bytes.
    if (!vip.label.startsWith(ifname)) return invalid(vip, `label "${vip.label}" must start with the interface name "${ifname}"`);
    if (utf8.encode(vip.label).length > IFNAMSIZ - 1) return invalid(vip, `label "${vip.label}" is longer than ${IFNAMSIZ - 1} bytes`);
    label = vip.label;
  }

  let broadcast: InetAddress | null = null;
  if (vip.broadcast !== undefined) {
    if (v6) return invalid(vip, 'IPv6 addresses have no broadcast address');
    const b = broadcastOf(vip, address, prefixLength);
    if (typeof b === 'string') return invalid(vip, b);
    broadcast = b;
  }

  let flags = 0;
  if (v6 && vip.noDad !== false) flags |= IFA_F_NODAD;
  if (vip.noPrefixRoute === true) flags |= IFA_F_NOPREFIXROUTE;
  if (vip.autoJoin === true) flags |= IFA_F_MCAUTOJOIN;
  if (vip.homeAddress === true) {
    if (!v6) return invalid(vip, '"home" applies to IPv6 addresses only');
    flags |= IFA_F_HOMEADDRESS;
  }

  return { ok: true, request: { ifindex, ifname, address, prefixLength, broadcast, scope, label, flags } };
}
