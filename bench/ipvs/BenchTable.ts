import type { IpvsDest, IpvsService, IpvsTableEntry } from '../../src/ipvs/IpvsModel.js';
import { operationRuleText } from '../../src/ipvs/IpvsadmRuleText.js';

/**
 * A synthetic director table: `services` TCP services (10.a.b.c:80, wlc) with
 * `dests` direct-routing real servers each, and the same rules in `ipvsadm -R` form.
 */
export function benchTable(services: number, dests: number): { table: IpvsTableEntry[]; rules: string } {
  const table: IpvsTableEntry[] = [];
  const lines: string[] = [];
  for (let s = 0; s < services; s++) {
    const service: IpvsService = { kind: 'inet', af: 2, protocol: 'tcp', address: `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`, port: 80, scheduler: 'wlc' };
    const list: IpvsDest[] = [];
    lines.push(operationRuleText({ kind: 'add-service', service }));
    for (let d = 0; d < dests; d++) {
      const dest: IpvsDest = { af: 2, address: `172.16.${d}.${(s % 250) + 1}`, port: 80, forwarding: 'droute', weight: 1 + (d % 3) };
      list.push(dest);
      lines.push(operationRuleText({ kind: 'add-dest', service, dest }));
    }
    table.push({ service, dests: list });
  }
  return { table, rules: `${lines.join('\n')}\n` };
}
