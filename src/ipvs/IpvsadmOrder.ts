import { addressToBytes } from './IpvsAddress.js';
import { protocolNumber } from './IpvsWireValues.js';
import type { IpvsDest, IpvsService } from './IpvsModel.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * ipvsadm's listing order (libipvs ipvs_cmp_services): firewall mark (0 for address
 * services, so those come first), address family, protocol number, address, port.
 */
export function compareServicesAsIpvsadm(a: IpvsService, b: IpvsService): number {
  const fwmark = (s: IpvsService): number => (s.kind === 'fwmark' ? s.fwmark : 0);
  const d = fwmark(a) - fwmark(b) || a.af - b.af;
  if (d !== 0 || a.kind === 'fwmark' || b.kind === 'fwmark') return d;
  return protocolNumber(a.protocol) - protocolNumber(b.protocol) || compareBytes(addressToBytes(a.address), addressToBytes(b.address)) || a.port - b.port;
}

/** libipvs ipvs_cmp_dests: address family, address, port. */
export function compareDestsAsIpvsadm(a: IpvsDest, b: IpvsDest): number {
  return a.af - b.af || compareBytes(addressToBytes(a.address), addressToBytes(b.address)) || a.port - b.port;
}
