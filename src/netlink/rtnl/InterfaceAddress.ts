import { scopeName } from './AddressScope.js';
import type { InetFamily } from './InetAddress.js';
import { AF_INET6, IFA_F_DADFAILED, IFA_F_TENTATIVE } from './RtnetlinkConstants.js';

/** One address of an interface as the kernel reports it in RTM_NEWADDR / RTM_DELADDR. */
export interface InterfaceAddress {
  readonly ifindex: number;
  readonly family: InetFamily;
  /** IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (IPv6 without a peer). */
  readonly address: string;
  readonly prefixLength: number;
  /** IFA_ADDRESS when it differs from IFA_LOCAL: the far end of a point-to-point address. */
  readonly peer: string | null;
  /** IFA_BROADCAST (IPv4 only). */
  readonly broadcast: string | null;
  /** IFA_LABEL (IPv4 only; the kernel sets the interface name when none was given). */
  readonly label: string | null;
  /** rt_scope_t: 0 global, 253 link, 254 host, ... */
  readonly scope: number;
  /** IFA_F_* (IFA_FLAGS when present, which carries more than the u8 `ifa_flags`). */
  readonly flags: number;
}

/**
 * Identity of an address: the kernel holds at most one address per interface, family,
 * local address and prefix length (IPv4 may have the same local address twice with
 * different prefixes; IPv6 refuses that with EEXIST).
 */
export function addressKey(a: Pick<InterfaceAddress, 'ifindex' | 'family' | 'address' | 'prefixLength'>): string {
  return `${a.ifindex}|${a.family}|${a.address}/${a.prefixLength}`;
}

/** True when nothing a VIP owner cares about differs (lifetimes are not compared). */
export function sameAddressState(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return (
    addressKey(a) === addressKey(b) &&
    a.peer === b.peer &&
    a.broadcast === b.broadcast &&
    a.label === b.label &&
    a.scope === b.scope &&
    a.flags === b.flags
  );
}

/** IPv6 duplicate address detection still running (IFA_F_TENTATIVE) and not failed. */
export function isTentative(a: InterfaceAddress): boolean {
  return (a.flags & IFA_F_TENTATIVE) !== 0 && (a.flags & IFA_F_DADFAILED) === 0;
}

/** `192.0.2.1/24 brd 192.0.2.255 scope global label eth0:1 (ifindex 2)`, for logs and errors. */
export function describeAddress(a: InterfaceAddress): string {
  const parts = [`${a.address}/${a.prefixLength}`];
  if (a.peer !== null) parts.push(`peer ${a.peer}`);
  if (a.broadcast !== null) parts.push(`brd ${a.broadcast}`);
  parts.push(`scope ${scopeName(a.scope)}`);
  if (a.label !== null && a.family !== AF_INET6) parts.push(`label ${a.label}`);
  parts.push(`(ifindex ${a.ifindex})`);
  return parts.join(' ');
}
