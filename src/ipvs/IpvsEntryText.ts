import type { IpvsDest, IpvsService } from './IpvsModel.js';

/**
 * Services and dests in keepalived's log notation (check_data.c format_vs / format_rs):
 * `[192.0.2.1]:tcp:80`, `FWM 7`; a dest takes its service's protocol.
 */
export function serviceText(service: IpvsService): string {
  return service.kind === 'fwmark' ? `FWM ${service.fwmark}` : `[${service.address}]:${service.protocol}:${service.port}`;
}

export function destText(service: IpvsService, dest: IpvsDest): string {
  return `[${dest.address}]:${service.kind === 'fwmark' ? 'none' : service.protocol}:${dest.port}`;
}
