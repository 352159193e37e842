/** The Ethernet II header of a captured frame, enough to pick frames apart in tests. */
export interface EthernetHeader {
  /** `aa:bb:cc:dd:ee:ff`, lower case. */
  destination: string;
  source: string;
  /** EtherType after any 802.1Q tag: 0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6. */
  etherType: number;
  /** VLAN ID when the frame carried an 802.1Q tag. */
  vlanId: number | undefined;
  /** Everything after the header (and tag). */
  payload: Buffer;
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q tag protocol identifier. */
const ETHERTYPE_VLAN = 0x8100;

/** Splits an Ethernet frame; undefined when it is too short to hold a header. */
export function parseEthernetHeader(frame: Buffer): EthernetHeader | undefined {
  if (frame.length < 14) return undefined;
  let etherType = frame.readUInt16BE(12);
  let vlanId: number | undefined;
  let headerLen = 14;
  if (etherType === ETHERTYPE_VLAN) {
    if (frame.length < 18) return undefined;
    vlanId = frame.readUInt16BE(14) & 0x0fff;
    etherType = frame.readUInt16BE(16);
    headerLen = 18;
  }
  return {
    destination: macText(frame.subarray(0, 6)),
    source: macText(frame.subarray(6, 12)),
    etherType,
    vlanId,
    payload: frame.subarray(headerLen),
  };
}

function macText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
