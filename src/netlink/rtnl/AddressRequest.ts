import { scopeName } from './AddressScope.js';
import type { InetAddress } from './InetAddress.js';

/**
 * One address to add or delete, resolved to what RTM_NEWADDR / RTM_DELADDR carry:
 * an interface index instead of a name, bytes instead of text.
 */
export interface AddressRequest {
  readonly ifindex: number;
  /** The interface name, kept for messages. */
  readonly ifname: string;
  readonly address: InetAddress;
  readonly prefixLength: number;
  /** IFA_BROADCAST; IPv4 only. */
  readonly broadcast: InetAddress | null;
  /** rt_scope_t. */
  readonly scope: number;
  /** IFA_LABEL; IPv4 only. */
  readonly label: string | null;
  /** IFA_F_* to set on add (IFA_F_NODAD, IFA_F_NOPREFIXROUTE, ...). */
  readonly flags: number;
}

/** `192.0.2.10/24 brd 192.0.2.255 scope global label eth0:1 dev eth0`, iproute2 style. */
export function describeAddressRequest(r: AddressRequest): string {
  const parts = [`${r.address.text}/${r.prefixLength}`];
  if (r.broadcast !== null) parts.push(`brd ${r.broadcast.text}`);
  parts.push(`scope ${scopeName(r.scope)}`);
  if (r.label !== null) parts.push(`label ${r.label}`);
  parts.push(`dev ${r.ifname}`);
  return parts.join(' ');
}
