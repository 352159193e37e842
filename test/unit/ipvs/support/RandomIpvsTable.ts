import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2 } from '../../../../src/ipvs/IpvsConstants.js';
import { resolveDestSettings, resolveServiceSettings } from '../../../../src/ipvs/IpvsDefaults.js';
import { ipvsDestKey, ipvsServiceKey } from '../../../../src/ipvs/IpvsKey.js';
import type { IpvsDest, IpvsService, IpvsTable, IpvsTableEntry } from '../../../../src/ipvs/IpvsModel.js';
import type { SeededRandom } from '../../netlink/support/SeededRandom.js';

/**
 * Seeded generators of valid IPVS tables (every entry one the kernel accepts) and
 * of mutations of them, for the reconciler's property tests.
 */

const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'mh', 'sed', 'none'];
const FLAG_CHOICES = [0, IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_SCHED1];

function randomSettings(random: SeededRandom, af: typeof AF_INET | typeof AF_INET6) {
  return {
    af,
    scheduler: random.pick(SCHEDULERS),
    ...(random.chance(0.5) && { flags: random.pick(FLAG_CHOICES) }),
    ...(random.chance(0.5) && { timeout: random.pick([0, 60, 300, 3600]) }),
    ...(random.chance(0.4) && { netmask: af === AF_INET ? random.int(0, 32) : random.int(1, 128) }),
    ...(random.chance(0.1) && { persistenceEngine: 'sip' }),
  };
}

function address(random: SeededRandom, af: number, index: number): string {
  // Unique per index so keys never collide; inside the documentation ranges.
  if (af === AF_INET) return `${random.pick(['192.0.2', '198.51.100', '203.0.113'])}.${index % 250}`;
  return `2001:db8:${(index >> 16).toString(16)}:${(index & 0xffff).toString(16)}::${random.int(1, 0xfff).toString(16)}`;
}

export function randomService(random: SeededRandom, index: number): IpvsService {
  const af = random.chance(0.7) ? AF_INET : AF_INET6;
  if (random.chance(0.15)) return { kind: 'fwmark', fwmark: index + 1, ...randomSettings(random, af) };
  return {
    kind: 'inet',
    protocol: random.pick(['tcp', 'udp', 'sctp'] as const),
    // Port carries the index so every service key is unique even when addresses repeat.
    address: address(random, af, index),
    port: 1 + (index % 65000),
    ...randomSettings(random, af),
  };
}

export function randomDest(random: SeededRandom, service: IpvsService, index: number): IpvsDest {
  // Mostly the service's family; sometimes the other one, which only tunnelling can carry.
  const mixed = random.chance(0.05);
  const af = mixed ? (service.af === AF_INET ? AF_INET6 : AF_INET) : service.af;
  const forwarding = mixed ? 'tunnel' : random.pick(['masq', 'droute', 'tunnel', 'local'] as const);
  const lower = random.pick([0, 0, 5, 10]);
  const gue = forwarding === 'tunnel' && random.chance(0.3);
  return {
    af,
    address: address(random, af, 1000 + index),
    port: random.int(1, 65535),
    forwarding,
    weight: random.int(0, 100),
    ...(random.chance(0.3) && { upperThreshold: lower + random.int(0, 100), lowerThreshold: lower }),
    ...(gue && { tunnelType: 'gue' as const, tunnelPort: random.int(1, 65535), tunnelFlags: random.pick([0, 1, 2]) }),
  };
}

export function randomTable(random: SeededRandom, services: number, maxDests: number, firstIndex = 0): IpvsTableEntry[] {
  const table: IpvsTableEntry[] = [];
  for (let i = 0; i < services; i++) {
    const service = randomService(random, firstIndex + i);
    const dests: IpvsDest[] = [];
    const count = random.int(0, maxDests);
    const seen = new Set<string>();
    for (let d = 0; d < count; d++) {
      const dest = randomDest(random, service, d);
      if (seen.has(ipvsDestKey(dest))) continue;
      seen.add(ipvsDestKey(dest));
      dests.push(dest);
    }
    table.push({ service, dests });
  }
  return table;
}

/** A table that differs from `base` in every way the reconciler must handle. */
export function mutateTable(random: SeededRandom, base: IpvsTable, extraIndex: number): IpvsTableEntry[] {
  const out: IpvsTableEntry[] = [];
  for (const entry of base) {
    if (random.chance(0.1)) continue; // service gone
    let service = entry.service;
    if (random.chance(0.15)) service = { ...service, ...randomSettings(random, service.af) }; // settings changed
    const dests: IpvsDest[] = [];
    for (const dest of entry.dests) {
      if (random.chance(0.15)) continue; // dest gone
      if (random.chance(0.15)) {
        dests.push({ ...dest, weight: random.int(0, 100) }); // dest edited
      } else if (random.chance(0.05)) {
        dests.push({ ...dest, forwarding: dest.af === service.af ? random.pick(['masq', 'droute'] as const) : 'tunnel', tunnelType: 'ipip', tunnelPort: 0 });
      } else {
        dests.push(dest);
      }
    }
    if (random.chance(0.15)) {
      const extra = randomDest(random, service, 500 + extraIndex);
      if (!dests.some((d) => ipvsDestKey(d) === ipvsDestKey(extra))) dests.push(extra); // dest added
    }
    out.push({ service, dests });
  }
  out.push(...randomTable(random, random.int(0, Math.max(1, Math.floor(base.length / 10))), 3, 100_000 + extraIndex)); // services added
  return out;
}

/** Order- and default-insensitive form of a table, for equality checks. */
export function normalizeTable(table: IpvsTable): unknown[] {
  const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return table
    .map((entry) => ({
      key: ipvsServiceKey(entry.service),
      settings: resolveServiceSettings(entry.service),
      dests: entry.dests.map((d) => ({ key: ipvsDestKey(d), af: d.af, settings: resolveDestSettings(d) })).sort(byKey),
    }))
    .sort(byKey);
}
