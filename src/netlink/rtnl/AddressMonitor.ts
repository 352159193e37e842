import type { NetlinkMessage } from '../NetlinkMessage.js';
import { AddressTable, type AddressChange } from './AddressTable.js';
import type { InterfaceAddress } from './InterfaceAddress.js';
import { decodeAddressMessage, encodeAddressDumpRequest } from './InterfaceAddressCodec.js';
import { MirrorSession } from './MirrorSession.js';
import { MirroredMonitor } from './MirroredMonitor.js';
import type { RtnlMonitorOptions } from './RtnlMonitorOptions.js';
import { AF_UNSPEC, RTM_DELADDR, RTM_NEWADDR, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR } from './RtnetlinkConstants.js';

/**
 * Every IPv4 and IPv6 address of the namespace, kept current through
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR and put right by a dump after any lost
 * notification. A master learns here that someone deleted one of its VIPs
 * (`removed`, with the deleter's port id when a notification said so).
 */
export class AddressMonitor extends MirroredMonitor<AddressChange> {
  private constructor(
    private readonly table: AddressTable,
    session: MirrorSession<AddressChange>,
  ) {
    super(session);
  }

  /** Subscribes, loads every address, and resolves once the table is current. */
  static async start(options: RtnlMonitorOptions = {}): Promise<AddressMonitor> {
    const table = new AddressTable();
    const session = await MirrorSession.start<AddressChange>(
      {
        what: 'address',
        groups: [RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR],
        dumps: [{ what: 'address', encode: (seq) => encodeAddressDumpRequest(AF_UNSPEC, { seq }) }],
        applyNotification: (message) => applyAddressNotification(table, message),
        replaceWithDump: (messages) => table.replaceAll(dumpedAddresses(messages)),
      },
      options,
    );
    return new AddressMonitor(table, session);
  }

  addresses(): InterfaceAddress[] {
    return this.table.all();
  }

  onInterface(ifindex: number): InterfaceAddress[] {
    return this.table.onInterface(ifindex);
  }

  find(key: Pick<InterfaceAddress, 'ifindex' | 'family' | 'address' | 'prefixLength'>): InterfaceAddress | undefined {
    return this.table.get(key);
  }
}

function applyAddressNotification(table: AddressTable, message: NetlinkMessage): AddressChange | null {
  if (message.header.type !== RTM_NEWADDR && message.header.type !== RTM_DELADDR) return null;
  const decoded = decodeAddressMessage(message);
  if (decoded === null) return null;
  // nlmsg_pid of a notification: the port of the socket whose request caused it.
  const origin = message.header.pid;
  return decoded.kind === 'new' ? table.upsert(decoded.address, origin) : table.remove(decoded.address, origin);
}

function dumpedAddresses(messages: readonly NetlinkMessage[]): InterfaceAddress[] {
  const addresses: InterfaceAddress[] = [];
  for (const message of messages) {
    if (message.header.type !== RTM_NEWADDR) continue;
    const decoded = decodeAddressMessage(message);
    if (decoded !== null) addresses.push(decoded.address);
  }
  return addresses;
}
