import { isIPv4, isIPv6 } from 'node:net';
import { VigilError } from '../../core/VigilError.js';
import {
  DOCUMENTATION_RANGE_TEXT,
  isDocumentationAddress,
  parseInterfaceAddress,
  type InterfaceAddress,
} from './DocumentationAddress.js';

/** One leg of a host: a veth whose other end is a port of the segment's bridge. */
export interface LinkSpec {
  segment: string;
  /** Interface name inside the host namespace; `eth0`, `eth1`, ... in order by default. */
  ifname?: string;
  /** `address/len` in 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24. */
  ipv4?: readonly string[];
  /** `address/len` in 2001:db8::/32; added with `nodad` so they are usable at once. */
  ipv6?: readonly string[];
  /** e.g. `02:00:00:00:00:01` (locally administered, unicast); random when absent. */
  mac?: string;
}

export interface RouteSpec {
  /** `default` or a destination prefix in a documentation range. */
  to: string;
  /** Next hop; its family picks IPv4 or IPv6. */
  via: string;
}

export interface HostSpec {
  name: string;
  links: readonly LinkSpec[];
  routes?: readonly RouteSpec[];
  /** Enables IPv4 and IPv6 forwarding, for a host that routes between two segments. */
  forwarding?: boolean;
}

export interface TopologySpec {
  /** One Linux bridge each, all inside the topology's bridge namespace. */
  segments: readonly string[];
  hosts: readonly HostSpec[];
}

export interface PlannedLink {
  segment: string;
  ifname: string;
  /** The bridge this link is a port of. */
  bridge: string;
  /** The veth end that sits in the bridge namespace. */
  bridgePort: string;
  ipv4: InterfaceAddress[];
  ipv6: InterfaceAddress[];
  mac: string | undefined;
}

export interface PlannedHost {
  name: string;
  links: PlannedLink[];
  routes: RouteSpec[];
  forwarding: boolean;
}

export interface PlannedSegment {
  name: string;
  bridge: string;
}

/** A validated spec with every interface name decided. */
export interface TopologyPlan {
  segments: PlannedSegment[];
  hosts: PlannedHost[];
}

// IFNAMSIZ is 16 including the NUL (include/uapi/linux/if.h): names are at most 15 bytes.
const SEGMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,11}$/; // 'br-' + 12 = 15
const HOST_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function bridgeNameOf(segment: string): string {
  return `br-${segment}`;
}

/**
 * Checks a spec and fixes every name. All problems are reported together in one
 * `NETNS_SPEC_INVALID` error (details.problems) rather than one at a time.
 */
export function planTopology(spec: TopologySpec): TopologyPlan {
  const problems: string[] = [];
  const segments: PlannedSegment[] = [];
  const segmentNames = new Set<string>();
  if (spec.segments.length === 0) problems.push('at least one segment is needed');
  for (const name of spec.segments) {
    if (!SEGMENT_NAME.test(name)) problems.push(`segment "${name}": use 1-12 of [a-z0-9_-]`);
    if (segmentNames.has(name)) problems.push(`segment "${name}" is listed twice`);
    segmentNames.add(name);
    segments.push({ name, bridge: bridgeNameOf(name) });
  }

  const hosts: PlannedHost[] = [];
  const hostNames = new Set<string>();
  const macs = new Map<string, string>();
  spec.hosts.forEach((h, hostIndex) => {
    const where = `host "${h.name}"`;
    if (!HOST_NAME.test(h.name)) problems.push(`${where}: use 1-32 of [a-z0-9_-]`);
    if (hostNames.has(h.name)) problems.push(`${where} is listed twice`);
    hostNames.add(h.name);
    const ifnames = new Set<string>();
    const links = h.links.map((l, linkIndex): PlannedLink => {
      const ifname = l.ifname ?? `eth${linkIndex}`;
      const at = `${where} link ${ifname}`;
      if (!segmentNames.has(l.segment)) problems.push(`${at}: unknown segment "${l.segment}"`);
      if (!IFNAME.test(ifname) || ifname === 'lo') problems.push(`${at}: not a usable interface name`);
      if (ifnames.has(ifname)) problems.push(`${at}: interface name used twice`);
      ifnames.add(ifname);
      const ipv4 = parseAddresses(l.ipv4 ?? [], 4, at, problems);
      const ipv6 = parseAddresses(l.ipv6 ?? [], 6, at, problems);
      let mac: string | undefined;
      if (l.mac !== undefined) {
        mac = l.mac.toLowerCase();
        const firstOctet = parseInt(mac.slice(0, 2), 16);
        // Bit 0 of the first octet is the I/G (individual/group) bit of IEEE Std 802 MACs.
        if (!MAC.test(mac) || (firstOctet & 1) === 1 || mac === '00:00:00:00:00:00') {
          problems.push(`${at}: mac ${l.mac} is not a unicast MAC address`);
        }
        const owner = macs.get(mac);
        if (owner !== undefined) problems.push(`${at}: mac ${mac} is also used by ${owner}`);
        macs.set(mac, at);
      }
      return {
        segment: l.segment,
        ifname,
        bridge: bridgeNameOf(l.segment),
        bridgePort: `p${hostIndex}-${linkIndex}`,
        ipv4,
        ipv6,
        mac,
      };
    });
    if (links.length === 0) problems.push(`${where}: needs at least one link`);
    const routes = (h.routes ?? []).map((r) => ({ ...r }));
    for (const r of routes) checkRoute(r, where, problems);
    hosts.push({ name: h.name, links, routes, forwarding: h.forwarding ?? false });
  });

  if (problems.length > 0) {
    throw new VigilError('NETNS_SPEC_INVALID', `invalid topology: ${problems.join('; ')}`, { problems });
  }
  return { segments, hosts };
}

function parseAddresses(list: readonly string[], family: 4 | 6, at: string, problems: string[]): InterfaceAddress[] {
  const parsed: InterfaceAddress[] = [];
  for (const cidr of list) {
    const a = parseInterfaceAddress(cidr, family);
    if (a === undefined) {
      problems.push(`${at}: "${cidr}" is not an IPv${family} address/prefix`);
    } else if (!isDocumentationAddress(a.address)) {
      problems.push(`${at}: ${cidr} is outside the documentation ranges (${DOCUMENTATION_RANGE_TEXT})`);
    } else {
      parsed.push(a);
    }
  }
  return parsed;
}

function checkRoute(r: RouteSpec, where: string, problems: string[]): void {
  const family = isIPv4(r.via) ? 4 : isIPv6(r.via) ? 6 : undefined;
  if (family === undefined) {
    problems.push(`${where} route to ${r.to}: via "${r.via}" is not an IP address`);
    return;
  }
  if (!isDocumentationAddress(r.via)) problems.push(`${where} route to ${r.to}: via ${r.via} is outside the documentation ranges`);
  if (r.to === 'default') return;
  const dest = parseInterfaceAddress(r.to, family);
  if (dest === undefined) problems.push(`${where} route to ${r.to}: not an IPv${family} prefix like its gateway`);
  else if (!isDocumentationAddress(dest.address)) problems.push(`${where} route to ${r.to}: outside the documentation ranges`);
}
