import { describe, expect, it } from 'vitest';
import { buildFromText, errors, instance, only, withCode } from './buildFromText.js';

const routes = (lines: string): string => instance(`  virtual_routes {\n${lines}\n  }`);
const rules = (lines: string): string => instance(`  virtual_rules {\n${lines}\n  }`);

function firstRoute(lines: string) {
  const { model, diagnostics } = buildFromText(routes(lines));
  return { route: model?.vrrpInstances[0]?.virtualRoutes[0], diagnostics };
}

function firstRule(lines: string) {
  const { model, diagnostics } = buildFromText(rules(lines));
  return { rule: model?.vrrpInstances[0]?.virtualRules[0], diagnostics };
}

describe('virtual_routes', () => {
  it('reads every supported option', () => {
    const { route, diagnostics } = firstRoute('    src 192.0.2.100 to 198.51.100.0/24 via 192.0.2.1 dev eth0 scope link table 100 metric 7 protocol keepalived onlink');
    expect(diagnostics).toEqual([]);
    expect(route).toEqual({
      family: 'inet',
      type: 'unicast',
      destination: { address: '198.51.100.0', family: 'inet', prefixLength: 24 },
      source: '192.0.2.100',
      via: '192.0.2.1',
      device: 'eth0',
      scope: 253,
      table: 100,
      metric: 7,
      protocol: 18,
      onlink: true,
      noTrack: false,
      text: 'src 192.0.2.100 to 198.51.100.0/24 via 192.0.2.1 dev eth0 scope link table 100 metric 7 protocol keepalived onlink',
      pos: { file: 'test.conf', line: 8, col: 5 },
    });
  });

  it('applies keepalived defaults: table main, protocol keepalived (18), scope global', () => {
    const { route } = firstRoute('    198.51.100.0/24 dev eth0');
    expect(route).toMatchObject({ table: 254, protocol: 18, scope: 0, metric: null, source: null, via: null, noTrack: false, type: 'unicast' });
  });

  it.each([
    ['priority 5', { metric: 5 }],
    ['preference 0x10', { metric: 16 }],
    ['oif eth1', { device: 'eth1' }],
    ['table main', { table: 254 }],
    ['table local', { table: 255 }],
    ['table default', { table: 253 }],
    ['table 1000', { table: 1000 }],
    ['scope host', { scope: 254 }],
    ['scope 200', { scope: 200 }],
    ['no_track', { noTrack: true }],
    ['protocol static no_track', { protocol: 4, noTrack: true }],
    ['protocol 99 no_track', { protocol: 99 }],
  ])('198.51.100.0/24 dev eth0 %s', (option, expected) => {
    const { route, diagnostics } = firstRoute(`    198.51.100.0/24 dev eth0 ${option}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(route).toMatchObject(expected);
  });

  it('reads blackhole, unreachable and prohibit routes (not tracked: they have no interface)', () => {
    const { model, diagnostics } = buildFromText(routes('    blackhole 198.51.100.0/24\n    unreachable 203.0.113.0/24 table 100\n    prohibit 2001:db8:1::/48'));
    expect(diagnostics).toEqual([]);
    expect(model?.vrrpInstances[0]?.virtualRoutes.map((r) => [r.type, r.family, r.noTrack])).toEqual([
      ['blackhole', 'inet', true],
      ['unreachable', 'inet', true],
      ['prohibit', 'inet6', true],
    ]);
  });

  it('reads IPv6 routes, and default of the gateway family', () => {
    const { model, diagnostics } = buildFromText(
      routes('    2001:db8:1::/48 via 2001:db8::1 dev eth0\n    default via 2001:db8::1 dev eth0\n    default via 192.0.2.1 dev eth0 table 101\n    ::/0 dev eth0 table 102'),
    );
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpInstances[0]?.virtualRoutes.map((r) => `${r.destination.address}/${r.destination.prefixLength} ${r.family}`)).toEqual([
      '2001:db8:1::/48 inet6',
      '::/0 inet6',
      '0.0.0.0/0 inet',
      '::/0 inet6',
    ]);
  });

  it('a route with a host address is a /32', () => {
    expect(firstRoute('    198.51.100.7 dev eth0').route?.destination).toEqual({ address: '198.51.100.7', family: 'inet', prefixLength: 32 });
  });

  it("'gw' still applies, with a deprecation warning (as keepalived)", () => {
    const { route, diagnostics } = firstRoute('    198.51.100.0/24 gw 192.0.2.1 dev eth0');
    expect(route?.via).toBe('192.0.2.1');
    expect(only(diagnostics, 'deprecated-keyword')).toMatchObject({ severity: 'warning', pos: { line: 8, col: 21 } });
  });

  it('a route without dev is not tracked, with the warning keepalived gives', () => {
    const { route, diagnostics } = firstRoute('    198.51.100.0/24 via 192.0.2.1');
    expect(route).toMatchObject({ device: null, noTrack: true });
    expect(only(diagnostics, 'missing-required')).toMatchObject({ severity: 'warning', keyword: 'virtual_routes' });
    expect(firstRoute('    198.51.100.0/24 via 192.0.2.1 no_track').diagnostics).toEqual([]);
  });

  it.each([
    ['    198.51.100.0/24 dev eth0 mtu 1400', 'unsupported-keyword', 'mtu'],
    ['    198.51.100.0/24 via 192.0.2.1 or 192.0.2.2 dev eth0', 'unsupported-keyword', 'or'],
    ['    198.51.100.0/24 dev eth0 nexthop via 192.0.2.1', 'unsupported-keyword', 'nexthop'],
    ['    inet6 default dev eth0', 'unsupported-keyword', 'inet6'],
    ['    throw 198.51.100.0/24', 'unsupported-keyword', 'throw'],
    ['    198.51.100.0/24 dev eth0 proto 18', 'unknown-keyword', 'proto'],
    ['    type blackhole 198.51.100.0/24', 'unknown-keyword', 'type'],
    ['    198.51.100.0/24 dev eth0 frobnicate', 'unknown-keyword', 'frobnicate'],
    ['    198.51.100.0/24 dev', 'missing-argument', 'dev'],
    ['    via 192.0.2.1 dev eth0', 'missing-required', 'via'],
    ['    198.51.100.0/24', 'missing-required', '198.51.100.0/24'],
    ['    198.51.100.1/24 dev eth0', 'invalid-prefix', '198.51.100.1/24'],
    ['    198.51.100.0/33 dev eth0', 'invalid-prefix', '198.51.100.0/33'],
    ['    198.51.100.0/24 via 192.0.2.300 dev eth0', 'invalid-address', '192.0.2.300'],
    ['    198.51.100.0/24 via 2001:db8::1 dev eth0', 'mixed-family', '2001:db8::1'],
    ['    2001:db8:1::/48 src 192.0.2.1 dev eth0', 'mixed-family', '192.0.2.1'],
    ['    blackhole 198.51.100.0/24 via 192.0.2.1', 'conflicting-options', 'blackhole'],
    ['    198.51.100.0/24 dev eth0 protocol static', 'conflicting-options', 'static'],
    ['    198.51.100.0/24 dev eth0 table rt_custom', 'invalid-value', 'rt_custom'],
    ['    198.51.100.0/24 dev eth0 table 0', 'invalid-value', '0'],
    ['    198.51.100.0/24 dev eth0 metric -1', 'invalid-value', '-1'],
    ['    198.51.100.0/24 dev eth0 scope galaxy', 'invalid-value', 'galaxy'],
    ['    198.51.100.0/24 dev eth0 protocol nonsense no_track', 'invalid-value', 'nonsense'],
    ['    198.51.100.0/24 to 203.0.113.0/24 dev eth0', 'duplicate-keyword', '203.0.113.0/24'],
  ])('%s: %s at %s', (line, code, at) => {
    const { model, diagnostics } = buildFromText(routes(line));
    const d = only(errors(diagnostics), code);
    expect(d.hint).toBeTruthy();
    expect(d.keyword).toBe('virtual_routes');
    // The diagnostic points at the offending word of the line.
    expect(d.pos?.line).toBe(8);
    expect(d.pos?.col).toBe(5 + line.trimStart().lastIndexOf(at));
    expect(model).toBeNull();
  });
});

describe('virtual_rules', () => {
  it('reads every supported option', () => {
    const { rule, diagnostics } = firstRule('    not from 192.0.2.0/24 to 198.51.100.0/24 iif eth0 oif eth1 fwmark 0x7/0xff table 100 priority 50 no_track');
    expect(diagnostics).toEqual([]);
    expect(rule).toEqual({
      family: 'inet',
      from: { address: '192.0.2.0', family: 'inet', prefixLength: 24 },
      to: { address: '198.51.100.0', family: 'inet', prefixLength: 24 },
      invert: true,
      iif: 'eth0',
      oif: 'eth1',
      fwmark: { value: 7, mask: 255 },
      table: 100,
      priority: 50,
      priorityAssigned: false,
      protocol: 18,
      noTrack: true,
      text: 'not from 192.0.2.0/24 to 198.51.100.0/24 iif eth0 oif eth1 fwmark 0x7/0xff table 100 priority 50 no_track',
      pos: { file: 'test.conf', line: 8, col: 5 },
    });
  });

  it.each([
    ['from all lookup 100 priority 1', { from: null, table: 100, priority: 1, family: 'inet' }],
    ['from all table main order 2', { table: 254, priority: 2 }],
    ['to 2001:db8::/32 table 100 preference 3', { family: 'inet6', to: { address: '2001:db8::', family: 'inet6', prefixLength: 32 } }],
    ['from all to 2001:db8::/32 table 100 preference 3', { family: 'inet6', from: null }],
    ['fwmark 16 table 100 priority 4', { fwmark: { value: 16, mask: null } }],
    ['from 192.0.2.10 table 100 priority 5', { from: { address: '192.0.2.10', family: 'inet', prefixLength: 32 } }],
  ])('%s', (line, expected) => {
    const { rule, diagnostics } = firstRule(`    ${line}`);
    expect(diagnostics).toEqual([]);
    expect(rule).toMatchObject(expected);
  });

  it('numbers rules without a preference as keepalived does: 16384 down, per family, in file order across the file', () => {
    const text = `static_rules {\n  from 192.0.2.1 table 100\n}\n${instance('  virtual_rules {\n    from 192.0.2.2 table 100\n    from 2001:db8::2 table 100\n    from 192.0.2.3 table 100 priority 9\n    from 192.0.2.4 table 100\n  }')}${instance('  virtual_rules {\n    from 192.0.2.5 table 100\n  }', 'VI_2', 52)}`;
    const { model, diagnostics } = buildFromText(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(withCode(diagnostics, 'missing-required').map((d) => d.message)).toHaveLength(5);
    expect(model?.staticRules.map((r) => r.priority)).toEqual([16384]);
    expect(model?.vrrpInstances[0]?.virtualRules.map((r) => [r.priority, r.priorityAssigned])).toEqual([
      [16383, true],
      [16384, true],
      [9, false],
      [16382, true],
    ]);
    expect(model?.vrrpInstances[1]?.virtualRules.map((r) => r.priority)).toEqual([16381]);
  });

  it.each([
    ['    from 192.0.2.0/24 priority 5', 'missing-required', 'from'],
    ['    from 192.0.2.0/24 table 100 tos 4 priority 5', 'unsupported-keyword', 'tos'],
    ['    from 192.0.2.0/24 table 100 priority 7 goto 40', 'unsupported-keyword', 'goto'],
    ['    from 192.0.2.0/24 blackhole priority 7', 'unsupported-keyword', 'blackhole'],
    ['    from 192.0.2.0/24 table 100 uidrange 1-2 priority 7', 'unsupported-keyword', 'uidrange'],
    ['    from 192.0.2.0/24 table 100 frobnicate', 'unknown-keyword', 'frobnicate'],
    ['    from 192.0.2.0/24 to 2001:db8::/32 table 100 priority 6', 'mixed-family', '2001:db8::/32'],
    ['    from 192.0.2.1/24 table 100 priority 6', 'invalid-prefix', '192.0.2.1/24'],
    ['    from nowhere table 100 priority 6', 'invalid-address', 'nowhere'],
    ['    fwmark 0x7/zz table 100 priority 6', 'invalid-value', '0x7/zz'],
    ['    from all table 100 priority many', 'invalid-value', 'many'],
    ['    from all table 100 priority', 'missing-argument', 'priority'],
    ['    from all table 4294967296 priority 1', 'invalid-value', '4294967296'],
  ])('%s: %s at %s', (line, code, at) => {
    const { model, diagnostics } = buildFromText(rules(line));
    const d = only(errors(diagnostics), code);
    expect(d.hint).toBeTruthy();
    expect(d.pos?.line).toBe(8);
    expect(d.pos?.col).toBe(5 + line.trimStart().lastIndexOf(at));
    expect(model).toBeNull();
  });
});

describe('static_routes / static_rules', () => {
  it('are read into the model (no longer a pass-through note)', () => {
    const { model, diagnostics } = buildFromText(`static_routes {\n  198.51.100.0/24 via 192.0.2.1 dev eth0\n  blackhole 203.0.113.0/24\n}\nstatic_rules {\n  from 192.0.2.50 table 100 priority 70\n}\n${instance('')}`);
    expect(diagnostics).toEqual([]);
    expect(model?.staticRoutes.map((r) => r.text)).toEqual(['198.51.100.0/24 via 192.0.2.1 dev eth0', 'blackhole 203.0.113.0/24']);
    expect(model?.staticRules).toMatchObject([{ from: { address: '192.0.2.50' }, table: 100, priority: 70 }]);
    expect(model?.passThrough).toEqual([]);
  });

  it('a static route without dev gets no tracking warning (static routes are never put back)', () => {
    const { model, diagnostics } = buildFromText(`static_routes {\n  198.51.100.0/24 via 192.0.2.1\n}\n${instance('')}`);
    expect(diagnostics).toEqual([]);
    expect(model?.staticRoutes[0]).toMatchObject({ device: null, noTrack: true });
  });

  it('report errors with static_routes as the keyword', () => {
    const { diagnostics } = buildFromText(`static_routes {\n  198.51.100.0/24 dev eth0 mtu 9000\n}\n${instance('')}`);
    expect(only(errors(diagnostics), 'unsupported-keyword')).toMatchObject({ keyword: 'static_routes', pos: { line: 2, col: 28 } });
  });
});
