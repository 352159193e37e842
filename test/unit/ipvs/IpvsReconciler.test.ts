import { describe, expect, it } from 'vitest';
import { AF_INET, IP_VS_SVC_F_HASHED, IP_VS_SVC_F_PERSISTENT } from '../../../src/ipvs/IpvsConstants.js';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import { ipvsServiceDestKey, ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import type { IpvsDest, IpvsService, IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import type { IpvsOperation } from '../../../src/ipvs/IpvsOperation.js';
import { reconcileIpvs, type IpvsOwnership } from '../../../src/ipvs/IpvsReconciler.js';
import { SeededRandom } from '../netlink/support/SeededRandom.js';
import { FakeIpvsSession } from './support/FakeIpvsSession.js';
import { mutateTable, normalizeTable, randomTable } from './support/RandomIpvsTable.js';
import { FWMARK_SERVICE, GUE_DEST, MASQ_DEST, TCP_SERVICE, UDP6_SERVICE } from './support/SampleIpvs.js';

const kinds = (ops: readonly IpvsOperation[]): string[] =>
  ops.map((op) => `${op.kind} ${ipvsServiceKey(op.service)}${'dest' in op ? `>${op.dest.address}|${op.dest.port}` : ''}`);

/** A fake kernel holding `table`, loaded through the codec. */
function kernelWith(table: IpvsTable): FakeIpvsSession {
  const session = new FakeIpvsSession();
  session.apply(reconcileIpvs(table, []));
  return session;
}

describe('reconcileIpvs: plans', () => {
  it('adds services before their dests', () => {
    const ops = reconcileIpvs([{ service: TCP_SERVICE, dests: [MASQ_DEST, GUE_DEST] }], []);
    expect(kinds(ops)).toEqual(['add-service tcp|192.0.2.1|80', 'add-dest tcp|192.0.2.1|80>198.51.100.2|8080', 'add-dest tcp|192.0.2.1|80>198.51.100.4|80']);
  });

  it('plans nothing for a table that already matches, whatever the order and spelling', () => {
    const desired = [
      { service: TCP_SERVICE, dests: [MASQ_DEST, GUE_DEST] },
      { service: UDP6_SERVICE, dests: [] },
    ];
    const current = [
      { service: { ...UDP6_SERVICE, address: '2001:DB8:0:0::1' }, dests: [] },
      { service: { ...TCP_SERVICE, flags: IP_VS_SVC_F_HASHED }, dests: [GUE_DEST, { ...MASQ_DEST, tunnelType: 'ipip' as const, tunnelPort: 0 }] },
    ];
    expect(reconcileIpvs(desired, current)).toEqual([]);
  });

  it('edits a service in place when scheduler, flags, timeout, netmask or engine change', () => {
    for (const change of [{ scheduler: 'lc' }, { flags: IP_VS_SVC_F_PERSISTENT }, { timeout: 60 }, { netmask: 24 }, { persistenceEngine: 'sip' }]) {
      const ops = reconcileIpvs([{ service: { ...TCP_SERVICE, ...change }, dests: [] }], [{ service: TCP_SERVICE, dests: [] }]);
      expect(ops).toEqual([{ kind: 'edit-service', service: { ...TCP_SERVICE, ...change }, previous: TCP_SERVICE }]);
    }
  });

  it('edits a dest in place when weight, forwarding, thresholds or tunnel settings change', () => {
    for (const change of [{ weight: 9 }, { forwarding: 'droute' as const }, { upperThreshold: 50 }, { lowerThreshold: 1 }, { tunnelType: 'gre' as const }, { tunnelFlags: 2 }]) {
      const ops = reconcileIpvs([{ service: TCP_SERVICE, dests: [{ ...MASQ_DEST, ...change }] }], [{ service: TCP_SERVICE, dests: [MASQ_DEST] }]);
      expect(ops.map((op) => op.kind)).toEqual(['edit-dest']);
    }
  });

  it('orders adds and edits before removals, dest removals before service removals', () => {
    const current = [
      { service: TCP_SERVICE, dests: [MASQ_DEST] },
      { service: FWMARK_SERVICE, dests: [{ ...MASQ_DEST, af: 10 as const, address: '2001:db8::5' }] },
    ];
    const desired = [
      { service: { ...TCP_SERVICE, scheduler: 'lc' }, dests: [GUE_DEST] },
      { service: UDP6_SERVICE, dests: [] },
    ];
    expect(kinds(reconcileIpvs(desired, current, { flush: true }))).toEqual([
      'edit-service tcp|192.0.2.1|80',
      'add-service udp|2001:db8::1|53',
      'add-dest tcp|192.0.2.1|80>198.51.100.4|80',
      'delete-dest tcp|192.0.2.1|80>198.51.100.2|8080',
      'delete-service fwm|7|v6',
    ]);
    // With removeDestsWithService the doomed service's dests are deleted first, explicitly.
    expect(kinds(reconcileIpvs(desired, current, { flush: true, removeDestsWithService: true })).slice(-2)).toEqual([
      'delete-dest fwm|7|v6>2001:db8::5|8080',
      'delete-service fwm|7|v6',
    ]);
  });

  it('leaves entries it does not own, and removes the ones it owns', () => {
    const foreignDest: IpvsDest = { ...MASQ_DEST, address: '198.51.100.9' };
    const current = [
      { service: TCP_SERVICE, dests: [MASQ_DEST, foreignDest] },
      { service: UDP6_SERVICE, dests: [] },
      { service: FWMARK_SERVICE, dests: [] },
    ];
    const desired = [{ service: TCP_SERVICE, dests: [] }];
    expect(reconcileIpvs(desired, current)).toEqual([]);
    const owned: IpvsOwnership = {
      services: new Set([ipvsServiceKey(FWMARK_SERVICE)]),
      dests: new Set([ipvsServiceDestKey(TCP_SERVICE, MASQ_DEST)]),
    };
    expect(kinds(reconcileIpvs(desired, current, { owned }))).toEqual(['delete-dest tcp|192.0.2.1|80>198.51.100.2|8080', 'delete-service fwm|7|v6']);
  });

  it('removes its own dests from a service it does not own', () => {
    const current = [{ service: UDP6_SERVICE, dests: [{ ...MASQ_DEST, af: 10 as const, address: '2001:db8::7' }] }];
    const owned = { services: new Set<string>(), dests: new Set([ipvsServiceDestKey(UDP6_SERVICE, { af: 10, address: '2001:db8::7', port: 8080 })]) };
    expect(kinds(reconcileIpvs([], current, { owned }))).toEqual(['delete-dest udp|2001:db8::1|53>2001:db8::7|8080']);
  });

  it('treats a changed identity as remove and add (different key)', () => {
    const ops = reconcileIpvs([{ service: { ...TCP_SERVICE, port: 8080 }, dests: [] }], [{ service: TCP_SERVICE, dests: [] }], { flush: true });
    expect(ops.map((op) => op.kind)).toEqual(['add-service', 'delete-service']);
  });

  it('rejects a table that lists a service or dest twice', () => {
    expect(() => reconcileIpvs([{ service: TCP_SERVICE, dests: [] }, { service: { ...TCP_SERVICE, scheduler: 'rr' }, dests: [] }], [])).toThrow(
      expect.objectContaining({ code: 'IPVS_DUPLICATE_SERVICE' }),
    );
    expect(() => reconcileIpvs([], [{ service: TCP_SERVICE, dests: [MASQ_DEST, { ...MASQ_DEST, weight: 1 }] }])).toThrow(
      expect.objectContaining({ code: 'IPVS_DUPLICATE_DEST' }),
    );
  });
});

describe('reconcileIpvs: properties on seeded random tables', () => {
  it('applying the plan to the fake kernel yields exactly the desired table (flush)', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, random.int(0, 25), 5);
      const session = kernelWith(mutateTable(random, desired, seed));
      const ops = reconcileIpvs(desired, session.readTable(), { flush: true });
      for (const op of ops) seen.add(op.kind);
      session.apply(ops);
      expect(normalizeTable(session.readTable()), `seed ${seed}`).toEqual(normalizeTable(desired));
      expect(reconcileIpvs(desired, session.readTable(), { flush: true }), `seed ${seed}`).toEqual([]);
    }
    // The seeds exercise every kind of operation.
    expect([...seen].sort()).toEqual(['add-dest', 'add-service', 'delete-dest', 'delete-service', 'edit-dest', 'edit-service']);
  });

  it('reconcile(desired, desired) is empty, including after a round trip through the kernel', () => {
    for (let seed = 100; seed < 130; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, random.int(0, 30), 6);
      expect(reconcileIpvs(desired, desired, { flush: true })).toEqual([]);
      expect(reconcileIpvs(desired, kernelWith(desired).readTable(), { flush: true })).toEqual([]);
    }
  });

  it('is deterministic: the order of the input tables does not change the plan', () => {
    for (let seed = 200; seed < 220; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, 20, 5);
      const current = mutateTable(random, desired, seed);
      const shuffle = (table: IpvsTable) => random.shuffle(table).map((e) => ({ service: e.service, dests: random.shuffle(e.dests) }));
      expect(reconcileIpvs(shuffle(desired), shuffle(current), { flush: true })).toEqual(reconcileIpvs(desired, current, { flush: true }));
    }
  });

  it('is minimal: dropping any single operation leaves the kernel short of the desired table', () => {
    for (let seed = 300; seed < 310; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, 8, 4);
      const current = mutateTable(random, desired, seed);
      const ops = reconcileIpvs(desired, current, { flush: true });
      const keys = new Set(ops.filter((op) => op.kind === 'add-service' || op.kind === 'delete-service').map((op) => `${op.kind}:${ipvsServiceKey(op.service)}`));
      for (const op of ops) {
        // Never a delete and an add of the same service: settings changes are edits.
        if (op.kind === 'add-service') expect(keys.has(`delete-service:${ipvsServiceKey(op.service)}`)).toBe(false);
      }
      ops.forEach((_, skip) => {
        const session = kernelWith(current);
        // Without its service, a dest operation fails (ESRCH); that too leaves the table short.
        for (const op of ops.filter((__, i) => i !== skip)) session.call((h) => IpvsCodec.buildOperation(h, op));
        expect(normalizeTable(session.readTable()), `seed ${seed}, without op ${skip}`).not.toEqual(normalizeTable(desired));
      });
    }
  });

  it('without flush, keeps what it does not own and removes exactly what it owns', () => {
    for (let seed = 400; seed < 420; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, 15, 4);
      const current = mutateTable(random, desired, seed);
      const services = new Set<string>();
      const dests = new Set<string>();
      for (const entry of current) {
        if (random.chance(0.5)) services.add(ipvsServiceKey(entry.service));
        for (const dest of entry.dests) if (random.chance(0.5)) dests.add(ipvsServiceDestKey(entry.service, dest));
      }
      const session = kernelWith(current);
      session.apply(reconcileIpvs(desired, session.readTable(), { owned: { services, dests } }));

      // Expected: desired, plus unowned leftovers (and their unowned dests).
      const wanted = new Map(desired.map((e) => [ipvsServiceKey(e.service), e]));
      const expected = desired.map((entry) => {
        const key = ipvsServiceKey(entry.service);
        const before = current.find((c) => ipvsServiceKey(c.service) === key);
        const leftovers = (before?.dests ?? []).filter(
          (d) => !entry.dests.some((w) => w.address === d.address && w.port === d.port) && !dests.has(ipvsServiceDestKey(entry.service, d)),
        );
        return { service: entry.service, dests: [...entry.dests, ...leftovers] };
      });
      for (const entry of current) {
        const key = ipvsServiceKey(entry.service);
        if (wanted.has(key) || services.has(key)) continue;
        expected.push({ service: entry.service, dests: entry.dests.filter((d) => !dests.has(ipvsServiceDestKey(entry.service, d))) });
      }
      expect(normalizeTable(session.readTable()), `seed ${seed}`).toEqual(normalizeTable(expected));
    }
  });

  it('plans and applies a table of thousands of services', () => {
    const random = new SeededRandom(0xbeef);
    const desired = randomTable(random, 3000, 4);
    const current = mutateTable(random, desired, 1);
    const ops = reconcileIpvs(desired, current, { flush: true });
    expect(ops.length).toBeGreaterThan(500);
    expect(reconcileIpvs(desired, desired, { flush: true })).toEqual([]);
    const session = kernelWith(current);
    session.apply(ops);
    expect(normalizeTable(session.kernel.table())).toEqual(normalizeTable(desired));
  });

  it('keeps every dest operation after its service is added and before its service is deleted', () => {
    for (let seed = 500; seed < 520; seed++) {
      const random = new SeededRandom(seed);
      const desired = randomTable(random, 20, 5);
      const ops = reconcileIpvs(desired, mutateTable(random, desired, seed), { flush: true, removeDestsWithService: true });
      ops.forEach((op, index) => {
        if (op.kind !== 'add-dest' && op.kind !== 'edit-dest' && op.kind !== 'delete-dest') return;
        const key = ipvsServiceKey(op.service);
        const added = ops.findIndex((o) => o.kind === 'add-service' && ipvsServiceKey(o.service) === key);
        const deleted = ops.findIndex((o) => o.kind === 'delete-service' && ipvsServiceKey(o.service) === key);
        if (added !== -1) expect(added).toBeLessThan(index);
        if (deleted !== -1) expect(deleted).toBeGreaterThan(index);
      });
    }
  });
});

describe('reconcileIpvs with the defaults ipvsadm uses', () => {
  it('treats omitted optional fields as their defaults', () => {
    const minimal: IpvsService = { kind: 'inet', af: AF_INET, protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'wrr' };
    const dest: IpvsDest = { af: AF_INET, address: '198.51.100.2', port: 8080, forwarding: 'masq', weight: 1 };
    const session = kernelWith([{ service: minimal, dests: [dest] }]);
    expect(reconcileIpvs([{ service: minimal, dests: [dest] }], session.readTable())).toEqual([]);
  });
});
