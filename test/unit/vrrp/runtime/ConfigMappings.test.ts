import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InterfaceAddress } from '../../../../src/netlink/rtnl/InterfaceAddress.js';
import { AF_INET, AF_INET6, IFA_F_SECONDARY, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { resolveInstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';
import {
  primaryInterfaceAddress,
  resolveInstanceAddressing,
  resolveInstanceInterface,
} from '../../../../src/vrrp/runtime/InstanceAddressing.js';
import { instanceSpecFromConfig } from '../../../../src/vrrp/runtime/InstanceSpecMapping.js';
import { receiverInstanceFromConfig } from '../../../../src/vrrp/runtime/ReceiverInstanceMapping.js';
import { instanceVipsFromConfig } from '../../../../src/vrrp/runtime/VipSpecMapping.js';
import { configFrom } from './ConfigText.js';

function addr(address: string, opts: Partial<InterfaceAddress> = {}): InterfaceAddress {
  const v6 = address.includes(':');
  return {
    ifindex: 2,
    family: v6 ? AF_INET6 : AF_INET,
    address,
    prefixLength: v6 ? 64 : 24,
    peer: null,
    broadcast: null,
    label: null,
    scope: RT_SCOPE_UNIVERSE,
    flags: 0,
    ...opts,
  };
}

/** Global GARP defaults, a v3 centisecond instance, a v2 PASS unicast one and an IPv6 one. */
const BASIC = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vrrp/runtime/instances.conf'), 'utf8');

describe('instanceSpecFromConfig', () => {
  const config = configFrom(BASIC);
  const [vi1, vi2, vi6] = config.vrrpInstances;

  it('carries the global GARP defaults, centisecond interval, preempt delay, accept mode and down_timer_adverts', () => {
    if (vi1 === undefined) throw new Error('missing VI_1');
    const spec = instanceSpecFromConfig(vi1, '192.0.2.1');
    expect(spec).toMatchObject({
      name: 'VI_1',
      vrid: 51,
      version: 3,
      family: 'ipv4',
      basePriority: 150,
      advertIntervalCs: 50,
      preempt: true,
      preemptDelayMs: 4000,
      primaryAddress: '192.0.2.1',
      vips: ['192.0.2.100', '192.0.2.101'],
      accept: false,
      downTimerAdverts: 5,
      garp: { masterDelayMs: 9000, masterRepeat: 3, masterRefreshMs: 60_000, refreshRepeat: 2, lowerPrioDelayMs: 9000, lowerPrioRepeat: 3 },
    });
    // An unwritten `state` is left for the machine to derive from the priority.
    expect(spec.initialState).toBeUndefined();
    expect(resolveInstanceSpec(spec).ok).toBe(true);
  });

  it('keeps an explicit state and whole-second v2 intervals', () => {
    if (vi2 === undefined) throw new Error('missing VI_2');
    const spec = instanceSpecFromConfig(vi2, '192.0.2.1');
    expect(spec).toMatchObject({ version: 2, advertIntervalCs: 200, initialState: 'MASTER', accept: true });
    expect(spec.downTimerAdverts).toBeUndefined();
    expect(resolveInstanceSpec(spec).ok).toBe(true);
  });

  it('maps IPv6 instances to family ipv6 with canonical VIPs', () => {
    if (vi6 === undefined) throw new Error('missing VI_6');
    const spec = instanceSpecFromConfig(vi6, 'fe80::1');
    expect(spec).toMatchObject({ family: 'ipv6', version: 3, vips: ['2001:db8::100'], basePriority: 100 });
  });
});

describe('receiverInstanceFromConfig', () => {
  const config = configFrom(BASIC);
  const [vi1, vi2] = config.vrrpInstances;

  it('maps PASS auth (cut to 8 bytes by the model), unicast peers and own addresses', () => {
    if (vi2 === undefined) throw new Error('missing VI_2');
    const r = receiverInstanceFromConfig(vi2, 'eth0', ['192.0.2.1', '2001:DB8::1']);
    expect(r).toMatchObject({
      name: 'VI_2',
      interface: 'eth0',
      vrid: 52,
      version: 2,
      family: 'ipv4',
      advertIntervalMs: 2000,
      virtualAddresses: ['192.0.2.200'],
      unicastPeers: ['192.0.2.2', '192.0.2.3'],
      ownAddresses: ['192.0.2.1', '2001:db8::1'],
      checkUnicastSrc: false,
    });
    expect(r.auth.type).toBe('PASS');
    if (r.auth.type === 'PASS') expect(r.auth.password.length).toBeLessThanOrEqual(8);
  });

  it('gives v3 instances no authentication and their millisecond interval', () => {
    if (vi1 === undefined) throw new Error('missing VI_1');
    expect(receiverInstanceFromConfig(vi1, 'eth0', [])).toMatchObject({ version: 3, auth: { type: 'none' }, advertIntervalMs: 500 });
  });
});

describe('instanceVipsFromConfig', () => {
  const config = configFrom(BASIC);
  const [vi1, , vi6] = config.vrrpInstances;

  it('maps brd, dev, label, scope and marks excluded VIPs', () => {
    if (vi1 === undefined) throw new Error('missing VI_1');
    const vips = instanceVipsFromConfig(vi1, 'eth0');
    expect(vips.map((v) => [v.address, v.excluded])).toEqual([
      ['192.0.2.100', false],
      ['192.0.2.101', false],
      ['198.51.100.7', true],
    ]);
    expect(vips[0]?.spec).toMatchObject({ address: '192.0.2.100', prefixLength: 24, interface: 'eth0', broadcast: '+', label: 'eth0:vip', scope: RT_SCOPE_LINK, noDad: true });
    expect(vips[1]?.spec).toMatchObject({ prefixLength: 32, interface: 'eth0' });
  });

  it('honours -nodad on IPv6 VIPs', () => {
    if (vi6 === undefined) throw new Error('missing VI_6');
    expect(instanceVipsFromConfig(vi6, 'eth0')[0]?.spec).toMatchObject({ address: '2001:db8::100', prefixLength: 64, noDad: false });
  });
});

describe('instance addressing', () => {
  const config = configFrom(BASIC);
  const [vi1, vi2, vi6] = config.vrrpInstances;

  it('picks the first non-secondary IPv4 address, skipping our own VIPs', () => {
    const list = [addr('192.0.2.100', { flags: 0, prefixLength: 32 }), addr('192.0.2.9', { flags: IFA_F_SECONDARY }), addr('192.0.2.1')];
    expect(primaryInterfaceAddress('ipv4', list, new Set(['192.0.2.100']))).toBe('192.0.2.1');
    expect(primaryInterfaceAddress('ipv6', [addr('2001:db8::1'), addr('fe80::1', { scope: RT_SCOPE_LINK })])).toBe('fe80::1');
  });

  it('multicasts to the global group from the primary address', () => {
    if (vi1 === undefined) throw new Error('missing VI_1');
    const r = resolveInstanceAddressing(vi1, config.global, 'eth0', [addr('192.0.2.1')]);
    expect(r).toEqual({ ok: true, addressing: { ifname: 'eth0', family: 'ipv4', source: '192.0.2.1', destinations: ['224.0.0.18'], unicast: false } });
  });

  it('sends unicast from unicast_src_ip to every peer', () => {
    if (vi2 === undefined) throw new Error('missing VI_2');
    const r = resolveInstanceAddressing(vi2, config.global, 'eth0', []);
    expect(r).toMatchObject({ ok: true, addressing: { source: '192.0.2.1', destinations: ['192.0.2.2', '192.0.2.3'], unicast: true } });
  });

  it('sends VRRPv3 over IPv6 from the link-local address to ff02::12', () => {
    if (vi6 === undefined) throw new Error('missing VI_6');
    const r = resolveInstanceAddressing(vi6, config.global, 'eth0', [addr('2001:db8::1'), addr('fe80::1', { scope: RT_SCOPE_LINK })]);
    expect(r).toMatchObject({ ok: true, addressing: { family: 'ipv6', source: 'fe80::1', destinations: ['ff02::12'] } });
  });

  it('fails with a stable code when the interface has nothing to send from', () => {
    if (vi1 === undefined || vi6 === undefined) throw new Error('missing instances');
    const v4 = resolveInstanceAddressing(vi1, config.global, 'eth0', [addr('2001:db8::1')]);
    expect(v4.ok).toBe(false);
    if (!v4.ok) expect(v4.error.code).toBe('VRRP_RUNTIME_NO_SOURCE_ADDRESS');
    const v6 = resolveInstanceAddressing(vi6, config.global, 'eth0', [addr('2001:db8::1')]);
    expect(v6.ok).toBe(false);
  });

  it('finds the interface of a unicast instance without `interface` by its unicast_src_ip', () => {
    const unicastOnly = configFrom(`
vrrp_instance U {
  virtual_router_id 9
  unicast_src_ip 192.0.2.1
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.50
  }
}`).vrrpInstances[0];
    if (unicastOnly === undefined) throw new Error('missing U');
    const found = resolveInstanceInterface(unicastOnly, [addr('192.0.2.1', { ifindex: 7 })], (i) => (i === 7 ? 'bond0' : undefined));
    expect(found).toEqual({ ok: true, ifname: 'bond0' });
    const lost = resolveInstanceInterface(unicastOnly, [], () => undefined);
    expect(lost.ok).toBe(false);
    if (!lost.ok) expect(lost.error.code).toBe('VRRP_RUNTIME_NO_INTERFACE');
  });
});
