import type { AddressFamily } from '../config/model/Common.js';
import type { VirtualServerGroup } from '../config/model/VirtualServerGroup.js';
import { addressToBytes, decodeInetAddress } from './IpvsAddress.js';
import { AF_INET, AF_INET6 } from './IpvsConstants.js';

/** One kernel service a `virtual_server_group` entry stands for. */
export type GroupMember =
  | { readonly kind: 'address'; readonly family: AddressFamily; readonly address: string; readonly port: number }
  | { readonly kind: 'fwmark'; readonly family: AddressFamily | null; readonly fwmark: number };

/**
 * Expands a group into its services, in entry order: `IP PORT` as is, `IP-END PORT` as
 * every address from IP to END where only the last IPv4 octet (or last IPv6 group,
 * written in hex) runs (keepalived check_data.c / ipvswrapper.c ipvs_group_range_cmd),
 * and `fwmark N [inet|inet6]` as a mark.
 */
export function expandVirtualServerGroup(group: VirtualServerGroup): GroupMember[] {
  const members: GroupMember[] = [];
  for (const entry of group.entries) {
    switch (entry.kind) {
      case 'address':
        members.push({ kind: 'address', family: entry.address.family, address: entry.address.address, port: entry.port });
        break;
      case 'fwmark':
        members.push({ kind: 'fwmark', family: entry.family, fwmark: entry.fwmark });
        break;
      case 'range': {
        const v6 = entry.first.family === 'inet6';
        const first = addressToBytes(entry.first.address);
        const last = addressToBytes(entry.last.address);
        const lastPart = (bytes: Uint8Array): number => (v6 ? ((bytes[14] ?? 0) << 8) | (bytes[15] ?? 0) : (bytes[3] ?? 0));
        const end = lastPart(last);
        for (let value = lastPart(first); value <= end; value++) {
          const bytes = first.slice();
          if (v6) {
            bytes[14] = value >> 8;
            bytes[15] = value & 0xff;
          } else {
            bytes[3] = value;
          }
          members.push({ kind: 'address', family: entry.first.family, address: decodeInetAddress(v6 ? AF_INET6 : AF_INET, bytes), port: entry.port });
        }
        break;
      }
    }
  }
  return members;
}
