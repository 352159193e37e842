import type { InetAddress, InetFamily } from './InetAddress.js';

/** One policy rule as RTM_NEWRULE / RTM_DELRULE carry it (interfaces go by name: FRA_IIFNAME / FRA_OIFNAME). */
export interface RuleRequest {
  readonly family: InetFamily;
  readonly source: { readonly address: InetAddress; readonly prefixLength: number } | null;
  readonly destination: { readonly address: InetAddress; readonly prefixLength: number } | null;
  /** FIB_RULE_INVERT (`not`). */
  readonly invert: boolean;
  readonly iif: string | null;
  readonly oif: string | null;
  readonly fwmark: number | null;
  readonly fwmask: number | null;
  readonly table: number;
  readonly priority: number;
  readonly protocol: number;
}

/** `not from 192.0.2.0/24 to all fwmark 0x7/0xff iif eth0 lookup 100 pref 50`, iproute2 style. */
export function describeRuleRequest(r: RuleRequest): string {
  const parts: string[] = [];
  if (r.invert) parts.push('not');
  parts.push(`from ${r.source ? `${r.source.address.text}/${r.source.prefixLength}` : 'all'}`);
  if (r.destination) parts.push(`to ${r.destination.address.text}/${r.destination.prefixLength}`);
  if (r.fwmark !== null) parts.push(`fwmark 0x${r.fwmark.toString(16)}${r.fwmask !== null ? `/0x${r.fwmask.toString(16)}` : ''}`);
  if (r.iif !== null) parts.push(`iif ${r.iif}`);
  if (r.oif !== null) parts.push(`oif ${r.oif}`);
  parts.push(`lookup ${r.table}`, `pref ${r.priority}`);
  return parts.join(' ');
}
