import type { RealServerDesiredState, VirtualServerDesiredState } from '../checker/CheckerOutput.js';
import type { IpvsSyncStatus } from '../ipvs/IpvsSync.js';
import type { TrackerStatus } from '../vrrp/runtime/VrrpEngine.js';
import { isIpvsUnavailable, type ChildProcessStatus, type IpvsStatus, type VigilStatus, type VrrpInstanceStatus } from './StatusSource.js';

/** `vigil status` as text: one table per side, times as UTC plus age relative to the status. */
export function formatStatusReport(status: VigilStatus): string {
  const now = status.takenAt;
  const d = status.daemon;
  const out: string[] = [`Vigil ${d.version}, pid ${d.pid}, up ${formatAge(now - d.startedAt)}, config ${d.configFile}`];
  if (d.lastReload) {
    out.push(`Last reload: ${d.lastReload.outcome} ${formatAge(now - d.lastReload.at)} ago - ${d.lastReload.message}`);
    for (const line of d.lastReload.diagnostics) out.push(`  ${line}`);
  }
  if (d.children && d.children.length > 0) out.push(...d.children.map((c) => formatChild(c, now)));
  if (status.vrrp) out.push('', ...formatInstances(status.vrrp.instances, now), ...formatTrackers(status.vrrp.trackers));
  if (status.checkers) out.push('', ...formatVirtualServers(status.checkers.virtualServers, now));
  if (status.ipvs) out.push('', formatIpvs(status.ipvs));
  return out.join('\n') + '\n';
}

/** One line per instance that tracks something: each object's status, the weight and faults it gives. */
function formatTrackers(trackers: TrackerStatus | undefined): string[] {
  const tracking = (trackers?.instances ?? []).filter((i) => i.objects.length > 0);
  return tracking.map((i) => {
    const objects = i.objects.map((o) => `${o.kind} ${o.name} ${o.status}`).join(', ');
    const effect = [i.weight !== 0 ? `weight ${i.weight > 0 ? '+' : ''}${i.weight}` : '', i.faults.length > 0 ? `FAULT from ${i.faults.join(', ')}` : ''].filter((x) => x !== '').join('; ');
    return `  ${i.instance} tracks ${objects}${effect ? ` (${effect})` : ''}`;
  });
}

function formatInstances(instances: readonly VrrpInstanceStatus[], now: number): string[] {
  if (instances.length === 0) return ['VRRP instances: none'];
  const rows = instances.map((i) => [
    i.name,
    i.state,
    i.priority === i.configuredPriority ? String(i.priority) : `${i.priority} (${i.configuredPriority})`,
    String(i.vrid),
    i.interface,
    formatMaster(i),
    `${formatTime(i.since)} (${formatAge(now - i.since)} ago)`,
    `${i.advertsSent}/${i.advertsReceived}`,
    i.lastTransitionReason ?? '-',
  ]);
  return ['VRRP instances', ...table(['NAME', 'STATE', 'PRIORITY', 'VRID', 'INTERFACE', 'MASTER', 'SINCE', 'ADVERTS OUT/IN', 'REASON'], rows)];
}

/** A backup also shows the priority the master advertises (keepalived's "Master priority"). */
function formatMaster(i: VrrpInstanceStatus): string {
  if (i.master === null) return '-';
  return i.state === 'BACKUP' && i.lastAdvertPriority !== null ? `${i.master} (priority ${i.lastAdvertPriority})` : i.master;
}

function formatVirtualServers(vss: readonly VirtualServerDesiredState[], now: number): string[] {
  if (vss.length === 0) return ['Virtual servers: none'];
  const out = ['Virtual servers'];
  for (const vs of vss) {
    const up = vs.realServers.filter((rs) => rs.up).length;
    const notes = [`${up}/${vs.realServers.length} up`, `quorum ${vs.quorum.up ? 'up' : 'DOWN'}`];
    if (!vs.checkersActive) notes.push('checkers suspended (ha_suspend)');
    if (vs.sorryServer?.active) notes.push(`sorry server ${vs.sorryServer.rs} active`);
    out.push(`  ${vs.vs}  ${notes.join(', ')}`);
    const rows = vs.realServers.map((rs) => realServerRow(rs, now));
    out.push(...table(['REAL SERVER', 'HEALTH', 'WEIGHT', 'IN POOL', 'SINCE', 'LAST CHECK', 'REASON'], rows).map((l) => `  ${l}`));
  }
  return out;
}

function realServerRow(rs: RealServerDesiredState, now: number): string[] {
  return [
    rs.rs,
    rs.up ? 'up' : 'DOWN',
    rs.weight === rs.configuredWeight ? String(rs.weight) : `${rs.weight} (${rs.configuredWeight})`,
    rs.inPool ? 'yes' : 'no',
    `${formatAge(now - rs.since)} ago`,
    rs.lastCheck === null ? 'never' : `${formatAge(now - rs.lastCheck)} ago`,
    rs.reason ?? '-',
  ];
}

function formatChild(c: ChildProcessStatus, now: number): string {
  const name = c.role === 'vrrp' ? 'VRRP child' : 'Healthcheck child';
  const state = c.running && c.pid !== null ? `pid ${c.pid}, up ${c.since === null ? '?' : formatAge(now - c.since)}` : 'not running';
  const history = c.restarts > 0 ? `, restarted ${c.restarts} time(s), last ${c.lastExit ?? '?'}` : '';
  return `${name}: ${state}${history}`;
}

function formatIpvs(status: IpvsStatus): string {
  if (isIpvsUnavailable(status)) return `IPVS: unavailable - ${status.unavailable}`;
  const ipvs: IpvsSyncStatus = status;
  const parts = [`IPVS sync: ${ipvs.running ? 'running' : 'stopped'}`, `owns ${ipvs.ownedServices} service(s) and ${ipvs.ownedDests} destination(s)`, `${ipvs.passes} pass(es)`];
  if (ipvs.lastPass) parts.push(`last pass (${ipvs.lastPass.reason}): ${ipvs.lastPass.operations} operation(s), ${ipvs.lastPass.failures.length} failure(s)`);
  if (ipvs.lastError) parts.push(`last error: ${ipvs.lastError}`);
  return parts.join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')}`;
  return [line(header), ...rows.map(line)];
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `45s`, `12m 5s`, `3h 2m`, `2d 4h`: enough precision for a glance. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
