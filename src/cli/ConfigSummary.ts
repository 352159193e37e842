import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VirtualServer } from '../config/model/VirtualServer.js';

function vsName(vs: VirtualServer): string {
  const k = vs.key;
  if (k.kind === 'fwmark') return `fwmark ${k.fwmark}`;
  if (k.kind === 'group') return `group ${k.group}`;
  const host = k.address.family === 'inet6' ? `[${k.address.address}]` : k.address.address;
  return `${host}:${k.port}`;
}

/** What Vigil would run from this config, in a few lines an operator can check at a glance. */
export function summariseConfig(model: VigilConfig): string {
  const lines: string[] = [];
  const rid = model.global.routerId;
  if (rid) lines.push(`router_id ${rid}`);
  for (const vi of model.vrrpInstances) {
    const vips = vi.virtualIpAddresses.map((v) => `${v.address}/${v.prefixLength}`).join(', ');
    lines.push(
      `VRRP instance ${vi.name}: VRID ${vi.virtualRouterId} on ${vi.interface}, v${vi.version} ${vi.family === 'inet6' ? 'IPv6' : 'IPv4'}, ` +
        `priority ${vi.priority}, advert ${vi.advertIntervalSeconds}s, ${vi.preempt ? 'preempt' : 'nopreempt'}; VIPs ${vips || '(none)'}`,
    );
  }
  for (const g of model.vrrpSyncGroups) lines.push(`sync group ${g.name}: ${g.members.map((m) => m.name).join(', ')}`);
  for (const vs of model.virtualServers) {
    const proto = vs.protocol ?? 'fwmark';
    lines.push(`virtual server ${vsName(vs)} ${proto} ${vs.lvsScheduler} ${vs.lvsMethod.method}: ${vs.realServers.length} real server(s)`);
    for (const rs of vs.realServers) {
      const host = rs.address.family === 'inet6' ? `[${rs.address.address}]` : rs.address.address;
      const checks = rs.checkers.map((c) => c.type).join('+') || 'no checker';
      lines.push(`  real server ${host}${rs.port !== null ? `:${rs.port}` : ''} weight ${rs.weight}, ${checks}`);
    }
  }
  return lines.join('\n');
}
