import type { SourcePos } from '../SourcePos.js';
import type { IpAddress } from './Common.js';

/** `IP PORT` (port 0 / absent: any port, for persistent services). */
export interface VsgAddressEntry {
  readonly kind: 'address';
  readonly address: IpAddress;
  readonly port: number;
  readonly pos: SourcePos;
}

/** `192.0.2.1-10 PORT`: the last IPv4 octet (or last IPv6 group, in hex) runs to the end value. */
export interface VsgRangeEntry {
  readonly kind: 'range';
  readonly first: IpAddress;
  readonly last: IpAddress;
  readonly port: number;
  readonly pos: SourcePos;
}

export interface VsgFwmarkEntry {
  readonly kind: 'fwmark';
  readonly fwmark: number;
  /** `fwmark N inet6`: family given for the mark, `null` when not written. */
  readonly family: 'inet' | 'inet6' | null;
  readonly pos: SourcePos;
}

export type VsgEntry = VsgAddressEntry | VsgRangeEntry | VsgFwmarkEntry;

export interface VirtualServerGroup {
  readonly name: string;
  readonly pos: SourcePos;
  readonly entries: readonly VsgEntry[];
}
