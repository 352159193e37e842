/** packet(7) protocol numbers, from linux/if_ether.h (ETH_P_*). */
export const ETH_P_ALL = 0x0003;
export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_IP = 0x0800;
/**
 * Protocol 0: the socket is bound to its interface but the kernel queues no frames to it
 * (packet(7)), which is what a send-only socket wants; it never fills a receive buffer.
 */
export const ETH_P_NONE = 0;

/** Ethernet header: two MAC addresses and the EtherType (IEEE 802.3 §3.1.1). */
export const ETHERNET_HEADER_BYTES = 14;

/** sll_pkttype values (linux/if_packet.h PACKET_HOST ... PACKET_KERNEL). */
export type PacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing' | 'loopback' | 'user' | 'kernel';

const PACKET_TYPES: readonly PacketType[] = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing', 'loopback', 'user', 'kernel'];

/** The name of an sll_pkttype; values the header does not define read as `unknown`. */
export function packetTypeName(pkttype: number): PacketType | 'unknown' {
  return PACKET_TYPES[pkttype] ?? 'unknown';
}
