import type { Diagnostic } from '../Diagnostic.js';
import type { SourcePos } from '../SourcePos.js';
import type { NameRef } from './Common.js';
import type { DeclaredNames } from './buildConfigModel.js';
import { DiagnosticSink } from './ModelDiagnostics.js';
import type { VigilConfig } from './VigilConfig.js';
import type { VirtualServer } from './VirtualServer.js';

function lineOf(pos: SourcePos): string {
  return `${pos.file}:${pos.line}`;
}

/** A reference to something that does not exist: keepalived ignores such references. */
function checkRefs(
  refs: readonly NameRef[],
  known: ReadonlySet<string>,
  keyword: string,
  what: string,
  owner: string,
  keepalivedDoes: string,
  sink: DiagnosticSink,
): void {
  for (const ref of refs) {
    if (known.has(ref.name)) continue;
    sink.error(
      'undefined-reference',
      { pos: ref.pos, length: ref.name.length },
      keyword,
      `${owner} refers to ${what} '${ref.name}', which is not defined (keepalived ${keepalivedDoes})`,
      known.size > 0 ? `defined ${what}s: ${[...known].slice(0, 10).join(', ')}` : `define it with '${what} ${ref.name} { ... }'`,
    );
  }
}

function virtualServerId(vs: VirtualServer): string {
  switch (vs.key.kind) {
    case 'address':
      return `${vs.protocol ?? ''}|${vs.key.address.address}|${vs.key.port}`;
    case 'fwmark':
      return `fwmark|${vs.key.fwmark}|${vs.family}`;
    default:
      return `group|${vs.key.group}`;
  }
}

/**
 * Checks across objects: references by name, VRID clashes, duplicate services. `declared` lists
 * names whose objects were dropped for their own errors. Every check is a
 * single pass with Maps, so 10,000 virtual servers validate in linear time.
 */
export function validateConfigModel(config: VigilConfig, declared?: DeclaredNames): Diagnostic[] {
  const sink = new DiagnosticSink();
  const scripts = new Map(config.vrrpScripts.map((s) => [s.name, s]));
  // Names declared but dropped for their own errors count as known: one error per mistake.
  const scriptNames = new Set([...scripts.keys(), ...(declared?.vrrpScripts ?? [])]);
  const instanceNames = new Set([...config.vrrpInstances.map((i) => i.name), ...(declared?.vrrpInstances ?? [])]);
  const vsgNames = new Set([...config.virtualServerGroups.map((g) => g.name), ...(declared?.virtualServerGroups ?? [])]);

  const vrids = new Map<string, string>();
  for (const inst of config.vrrpInstances) {
    checkRefs(inst.trackScripts, scriptNames, 'track_script', 'vrrp_script', `vrrp_instance ${inst.name}`, 'ignores the reference', sink);
    // RFC 5798 §5.2.3: a VRID identifies one virtual router per LAN and address family.
    // Unicast instances are excluded: their adverts do not share the multicast group.
    if (inst.unicastPeers.length === 0 && inst.interface !== '') {
      const key = `${inst.interface}|${inst.family}|${inst.virtualRouterId}`;
      const other = vrids.get(key);
      if (other !== undefined) {
        sink.error(
          'duplicate-vrid',
          { pos: inst.pos, length: 'vrrp_instance'.length },
          'virtual_router_id',
          `${other} and ${inst.name} both use VRID ${inst.virtualRouterId} with ${inst.family === 'inet' ? 'IPv4' : 'IPv6'} on interface ${inst.interface}`,
          'give each instance on an interface its own virtual_router_id',
        );
      } else vrids.set(key, inst.name);
    }
    if (inst.priority === 255) {
      for (const ref of inst.trackScripts) {
        const weight = ref.weight ?? scripts.get(ref.name)?.weight ?? 0;
        if (weight !== 0) {
          sink.error(
            'conflicting-options',
            { pos: ref.pos, length: ref.name.length },
            'track_script',
            `vrrp_instance ${inst.name} has priority 255 (address owner), so weighted track_script '${ref.name}' cannot change it (keepalived ignores the weight)`,
            'use weight 0 (fault on failure) or a priority below 255',
          );
        }
      }
    }
  }

  const groupOf = new Map<string, string>();
  for (const group of config.vrrpSyncGroups) {
    checkRefs(group.members, instanceNames, 'group', 'vrrp_instance', `vrrp_sync_group ${group.name}`, 'leaves it out of the group', sink);
    checkRefs(group.trackScripts, scriptNames, 'track_script', 'vrrp_script', `vrrp_sync_group ${group.name}`, 'ignores the reference', sink);
    for (const m of group.members) {
      const other = groupOf.get(m.name);
      if (other !== undefined && other !== group.name) {
        sink.error('duplicate-name', { pos: m.pos, length: m.name.length }, 'group', `vrrp_instance ${m.name} is already in vrrp_sync_group ${other}; an instance can be in only one sync group`, 'remove it from one group');
      } else groupOf.set(m.name, group.name);
    }
  }

  // keepalived: "(VI) ignoring tracked script X with weights due to SYNC group" — members of a sync
  // group track with weight 0 (fault) unless the group has sync_group_tracking_weight.
  const groups = new Map(config.vrrpSyncGroups.map((g) => [g.name, g]));
  for (const inst of config.vrrpInstances) {
    const groupName = groupOf.get(inst.name);
    const group = groupName === undefined ? undefined : groups.get(groupName);
    if (!group || group.syncGroupTrackingWeight) continue;
    const weighted = [
      ...inst.trackInterfaces.filter((r) => (r.weight ?? 0) !== 0).map((r) => ({ ref: r, keyword: 'track_interface' })),
      ...inst.trackScripts.filter((r) => (r.weight ?? scripts.get(r.name)?.weight ?? 0) !== 0).map((r) => ({ ref: r, keyword: 'track_script' })),
    ];
    for (const { ref, keyword } of weighted) {
      sink.error(
        'conflicting-options',
        { pos: ref.pos, length: ref.name.length },
        keyword,
        `vrrp_instance ${inst.name} is in vrrp_sync_group ${group.name}, so keepalived ignores the weight of ${keyword} '${ref.name}' (a failure faults the whole group instead)`,
        `add 'sync_group_tracking_weight' to vrrp_sync_group ${group.name}, or use weight 0`,
      );
    }
  }

  const lvsSync = config.global.lvsSyncDaemon;
  if (lvsSync && !instanceNames.has(lvsSync.vrrpInstance)) {
    sink.error('undefined-reference', { pos: lvsSync.pos, length: 'lvs_sync_daemon'.length }, 'lvs_sync_daemon', `lvs_sync_daemon refers to vrrp_instance '${lvsSync.vrrpInstance}', which is not defined`, 'name one of the vrrp_instance blocks');
  }

  // check_data.c: "zero port only valid for persistent services - setting" — keepalived makes the
  // service persistent behind the user's back.
  const groupsByName = new Map(config.virtualServerGroups.map((g) => [g.name, g]));
  for (const vs of config.virtualServers) {
    if (vs.key.kind !== 'group' || vs.persistenceTimeoutSeconds !== null) continue;
    for (const e of groupsByName.get(vs.key.group)?.entries ?? []) {
      if (e.kind !== 'fwmark' && e.port === 0) {
        sink.error(
          'missing-required',
          { pos: e.pos },
          'virtual_server_group',
          `virtual_server_group ${vs.key.group} has an entry without a port, but virtual_server group ${vs.key.group} is not persistent (keepalived makes it persistent)`,
          'add a port to the entry, or persistence_timeout to the virtual server',
        );
      }
    }
  }

  const services = new Map<string, VirtualServer>();
  for (const vs of config.virtualServers) {
    if (vs.key.kind === 'group' && !vsgNames.has(vs.key.group)) {
      sink.error(
        'undefined-reference',
        { pos: vs.pos, length: 'virtual_server'.length },
        'virtual_server',
        `virtual_server group ${vs.key.group} refers to a virtual_server_group that is not defined (keepalived silently ignores the virtual server)`,
        vsgNames.size > 0 ? `defined groups: ${[...vsgNames].slice(0, 10).join(', ')}` : `define it with 'virtual_server_group ${vs.key.group} { ... }'`,
      );
    }
    const id = virtualServerId(vs);
    const first = services.get(id);
    if (first) {
      sink.error('duplicate-address', { pos: vs.pos, length: 'virtual_server'.length }, 'virtual_server', 'this virtual server is defined twice; both would drive the same IPVS service', `the first is at ${lineOf(first.pos)}; merge them`);
    } else services.set(id, vs);
  }
  return sink.diagnostics;
}
