import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import { bridgeNamespaceName, hostNamespaceName, ownerPidOf } from '../../support/netns/NamespaceName.js';
import { planTopology, type TopologySpec } from '../../support/netns/TopologySpec.js';

function problemsOf(spec: TopologySpec): string[] {
  try {
    planTopology(spec);
  } catch (e) {
    if (isVigilError(e, 'NETNS_SPEC_INVALID')) return (e.details as { problems: string[] }).problems;
    throw e;
  }
  return [];
}

describe('planTopology', () => {
  it('names host legs eth0, eth1, ... and gives each a port on its segment bridge', () => {
    const plan = planTopology({
      segments: ['client', 'server'],
      hosts: [
        { name: 'c1', links: [{ segment: 'client', ipv4: ['198.51.100.10/24'] }] },
        {
          name: 'd1',
          forwarding: true,
          links: [
            { segment: 'client', ipv4: ['198.51.100.1/24'], mac: '02:00:00:00:00:0A' },
            { segment: 'server', ifname: 'srv0', ipv6: ['2001:db8:2::1/64'] },
          ],
        },
      ],
    });
    expect(plan.segments).toEqual([
      { name: 'client', bridge: 'br-client' },
      { name: 'server', bridge: 'br-server' },
    ]);
    const d1 = plan.hosts[1];
    expect(d1?.forwarding).toBe(true);
    expect(d1?.links.map((l) => [l.ifname, l.bridge, l.bridgePort])).toEqual([
      ['eth0', 'br-client', 'p1-0'],
      ['srv0', 'br-server', 'p1-1'],
    ]);
    expect(d1?.links[0]?.mac).toBe('02:00:00:00:00:0a');
    expect(d1?.links[1]?.ipv6[0]).toMatchObject({ family: 6, address: '2001:db8:2::1', prefixLength: 64 });
    expect(plan.hosts[0]?.forwarding).toBe(false);
  });

  it('accepts all four documentation ranges and nothing next to them', () => {
    const link = (ipv4: string[], ipv6: string[]) => ({ segment: 'lan', ipv4, ipv6 });
    expect(
      problemsOf({
        segments: ['lan'],
        hosts: [{ name: 'a', links: [link(['192.0.2.1/24', '198.51.100.1/24', '203.0.113.1/24'], ['2001:db8:ffff::1/48'])] }],
      }),
    ).toEqual([]);
    const problems = problemsOf({
      segments: ['lan'],
      hosts: [{ name: 'a', links: [link(['192.0.3.1/24', '10.0.0.1/8'], ['2001:db9::1/64', 'fe80::1/64'])] }],
    });
    for (const bad of ['192.0.3.1/24', '10.0.0.1/8', '2001:db9::1/64', 'fe80::1/64']) {
      expect(problems.some((p) => p.includes(bad) && p.includes('documentation'))).toBe(true);
    }
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      segments: ['lan', 'lan', 'a-very-long-segment'],
      hosts: [
        { name: 'a', links: [{ segment: 'lan', ipv4: ['192.0.2.1'], mac: '01:00:5e:00:00:01' }] },
        { name: 'a', links: [{ segment: 'wan', mac: '02:00:00:00:00:01' }] },
        { name: 'b', links: [{ segment: 'lan', mac: '02:00:00:00:00:01' }, { segment: 'lan', ifname: 'eth0' }] },
        { name: 'c', links: [] },
        { name: 'd', links: [{ segment: 'lan', ipv4: ['192.0.2.4/24'] }], routes: [{ to: 'default', via: '2001:db8::1' }, { to: '2001:db8::/64', via: '192.0.2.1' }] },
      ],
    });
    const expected = [
      'segment "lan" is listed twice',
      'segment "a-very-long-segment"',
      '"192.0.2.1" is not an IPv4 address/prefix',
      '01:00:5e:00:00:01 is not a unicast',
      'host "a" is listed twice',
      'unknown segment "wan"',
      'mac 02:00:00:00:00:01 is also used',
      'interface name used twice',
      'host "c": needs at least one link',
      'route to 2001:db8::/64: not an IPv4 prefix like its gateway',
    ];
    for (const text of expected) expect(problems.some((p) => p.includes(text)), text).toBe(true);
    // An IPv6 default route through an IPv6 gateway is fine.
    expect(problems.some((p) => p.includes('route to default'))).toBe(false);
  });
});

describe('namespace names', () => {
  it('carry the creating PID so the sweeper can find leftovers of dead runs', () => {
    expect(ownerPidOf(bridgeNamespaceName(4242, 'a1b2c3'))).toBe(4242);
    expect(ownerPidOf(hostNamespaceName(77, 'a1b2c3', 'd1'))).toBe(77);
    expect(hostNamespaceName(77, 'a1b2c3', 'd1')).toBe('vgl-77-a1b2c3-h-d1');
    // Someone else's namespaces are never ours to sweep.
    expect(ownerPidOf('vgl-lab-client')).toBeUndefined();
    expect(ownerPidOf('vgl-12-notHex-br')).toBeUndefined();
    expect(ownerPidOf('docker-1234')).toBeUndefined();
  });
});
