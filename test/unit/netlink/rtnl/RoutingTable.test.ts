import { describe, expect, it } from 'vitest';
import type { KernelRoute, KernelRule, RoutingMessage } from '../../../../src/netlink/rtnl/RoutingMessageCodec.js';
import { RoutingTable } from '../../../../src/netlink/rtnl/RoutingTable.js';
import { AF_INET } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

const route = (extra: Partial<KernelRoute> = {}): KernelRoute => ({
  family: AF_INET,
  type: 1,
  destination: '198.51.100.0',
  prefixLength: 24,
  table: 254,
  protocol: 18,
  ifindex: 2,
  gateway: '192.0.2.254',
  metric: null,
  ...extra,
});

const rule: KernelRule = { family: AF_INET, priority: 100, table: 100, protocol: 18, source: '192.0.2.100', sourceLength: 32, destination: null, destinationLength: 0 };

const msg = (deleted: boolean, r: KernelRoute = route()): RoutingMessage => ({ kind: 'route', deleted, route: r });

describe('RoutingTable', () => {
  it('reports the deletion of a protocol-keepalived route or rule it holds', () => {
    const table = new RoutingTable();
    expect(table.apply(msg(false))).toBeNull();
    expect(table.apply({ kind: 'rule', deleted: false, rule })).toBeNull();
    expect(table.size).toBe(2);
    expect(table.apply(msg(true))).toEqual({ kind: 'route-removed', route: route() });
    expect(table.apply({ kind: 'rule', deleted: true, rule })).toEqual({ kind: 'rule-removed', rule });
    expect(table.size).toBe(0);
  });

  it('keeps nothing of other protocols (a BGP table costs no memory)', () => {
    const table = new RoutingTable();
    expect(table.apply(msg(false, route({ protocol: 186 })))).toBeNull();
    expect(table.size).toBe(0);
    expect(table.apply(msg(true, route({ protocol: 186 })))).toBeNull();
  });

  it('after an overrun, a dump without an entry it held reports that entry as removed', () => {
    const table = new RoutingTable();
    table.apply(msg(false));
    table.apply(msg(false, route({ destination: '203.0.113.0' })));
    table.apply({ kind: 'rule', deleted: false, rule });
    const changes = table.replaceAll([msg(false), msg(false, route({ protocol: 2, destination: '192.0.2.0' }))]);
    expect(changes).toEqual([
      { kind: 'route-removed', route: route({ destination: '203.0.113.0' }) },
      { kind: 'rule-removed', rule },
    ]);
    expect(table.size).toBe(1);
  });
});
