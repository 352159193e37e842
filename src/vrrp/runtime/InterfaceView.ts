import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import type { InterfaceDirectory } from '../../netlink/rtnl/VipSpec.js';

/**
 * What the VRRP runtime needs to know about the namespace's interfaces. The daemon backs
 * it with rtnetlink monitors (`MonitoredInterfaces`); unit tests with a plain object.
 */
export interface InterfaceView extends InterfaceDirectory {
  /** IFF_UP and IFF_RUNNING (keepalived's IF_FLAGS_UP); false for an unknown interface. */
  isUsable(name: string): boolean;
  /** The interface's MAC, the sender address of gratuitous ARPs and NAs. */
  hardwareAddress(name: string): string | undefined;
  /** Addresses of one interface. */
  addressesOf(ifindex: number): readonly InterfaceAddress[];
  /** Every address of the namespace. */
  allAddresses(): readonly InterfaceAddress[];
  /** net.ipv6.conf.<if>.forwarding: sets the Router flag of our neighbour advertisements (RFC 4861 §4.4). */
  ipv6Forwarding(name: string): boolean;
}
