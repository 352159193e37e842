import { describe, expect, it } from 'vitest';
import { decodeArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import { decodeNaFrame } from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { configFrom } from './ConfigText.js';
import { SimulatedLan } from './SimulatedLan.js';

function conf(priority: number, extra: string, vrrp6 = false): ReturnType<typeof configFrom> {
  return configFrom(`global_defs {
  router_id test
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  ${vrrp6 ? 'version 3' : ''}
  virtual_ipaddress {
    ${vrrp6 ? '2001:db8::100/64' : '192.0.2.100/24\n    192.0.2.200/32 dev eth0'}
  }
  ${extra}
}
`);
}

/** eth0 is ifindex 2 and the first extra interface (the vmac) 3 in the simulated hosts. */
const VMAC_IFINDEX = 3;

describe('VrrpEngine with use_vmac (the daemon has created the macvlan)', () => {
  it('adverts go out on the vmac from the parent\'s address; VIPs without dev sit on the vmac and are announced there', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac'), extraInterfaces: ['vrrp.51'] });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100, 'use_vmac'), extraInterfaces: ['vrrp.51'] });
    await lan.startAll();
    await lan.until(() => lan.masters().length > 0, 10_000);
    await lan.advance(3_000);
    expect(lan.masters()).toEqual(['d1']);
    expect(d2.state()).toBe('BACKUP');
    expect(d1.transports.map((t) => t.ifname)).toEqual(['vrrp.51']);
    expect(d1.engine.status()[0]).toMatchObject({ interface: 'vrrp.51', source: '192.0.2.1' });
    expect(d1.addressesOf(VMAC_IFINDEX).map((a) => a.address)).toEqual(['192.0.2.100']);
    // `dev eth0` is honoured: that VIP stays on the parent.
    expect(d1.addressesOf(2).map((a) => a.address)).toContain('192.0.2.200');
    const garps = d1.frames.filter((f) => decodeArpFrame(f.frame).ok);
    expect(garps.some((f) => f.ifname === 'vrrp.51')).toBe(true);
    expect(garps.filter((f) => f.ifname === 'vrrp.51').every((f) => {
      const arp = decodeArpFrame(f.frame);
      return arp.ok && arp.arp.senderIp === '192.0.2.100';
    })).toBe(true);
    expect(d1.logged(/use_vmac/)).toEqual([]);
  });

  it('vmac_xmit_base: adverts on the parent, VIPs on the vmac', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac\n  vmac_xmit_base'), extraInterfaces: ['vrrp.51'] });
    await lan.startAll();
    await lan.until(() => lan.masters().length > 0, 10_000);
    expect(d1.transports.map((t) => t.ifname)).toEqual(['eth0']);
    await lan.advance(1_000);
    expect(d1.addressesOf(VMAC_IFINDEX).map((a) => a.address)).toEqual(['192.0.2.100']);
  });

  it('the vmac going down is a fault of the instance', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac'), extraInterfaces: ['vrrp.51'] });
    await lan.startAll();
    await lan.until(() => lan.masters().length > 0, 10_000);
    d1.setLink('vrrp.51', false);
    await lan.advance(100);
    expect(d1.state()).toBe('FAULT');
  });

  it('a missing vmac is a start-up error, not a silent fallback to the parent', () => {
    const lan = new SimulatedLan();
    // SimulatedLan.add creates the engine and throws with its errors.
    expect(() => lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac vmac-web') })).toThrow(/\(VI_1\) VMAC interface vmac-web does not exist/);
  });

  it('IPv6: adverts on the vmac from the vmac\'s own link-local, the VIP on the vmac, NAs sent there with its MAC; no warning', async () => {
    const lan = new SimulatedLan();
    // What VmacInterfaces gives each vmac; distinct from the parents' fe80::N so the source is seen to come from the vmac.
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac', true), extraInterfaces: ['vrrp.51'], linkLocals: [{ ifname: 'vrrp.51', address: 'fe80::ff:fe00:1' }] });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100, 'use_vmac', true), extraInterfaces: ['vrrp.51'], linkLocals: [{ ifname: 'vrrp.51', address: 'fe80::ff:fe00:2' }] });
    await lan.startAll();
    await lan.until(() => lan.masters().length > 0, 10_000);
    await lan.advance(3_000);
    expect(lan.masters()).toEqual(['d1']);
    expect(d2.state()).toBe('BACKUP');
    expect(d1.transports.map((t) => t.ifname)).toEqual(['vrrp.51']);
    expect(d1.engine.status()[0]).toMatchObject({ interface: 'vrrp.51', source: 'fe80::ff:fe00:1' });
    expect(new Set(lan.advertsFrom('d1').map((w) => w.advert.src))).toEqual(new Set(['fe80::ff:fe00:1']));
    expect(d1.addressesOf(VMAC_IFINDEX).map((a) => a.address)).toContain('2001:db8::100');
    expect(d1.addressesOf(2).map((a) => a.address)).not.toContain('2001:db8::100');
    const nas = d1.frames.filter((f) => decodeNaFrame(f.frame).ok);
    expect(nas.length).toBeGreaterThan(0);
    for (const f of nas) {
      const na = decodeNaFrame(f.frame);
      expect(f.ifname).toBe('vrrp.51');
      expect(na.ok && [na.na.target, na.ethernet.src, na.na.targetMac]).toEqual(['2001:db8::100', d1.hardwareAddress('vrrp.51'), d1.hardwareAddress('vrrp.51')]);
    }
    expect(d1.log.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('IPv6 vmac_xmit_base: adverts on the parent from its link-local, the VIP still on the vmac', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac\n  vmac_xmit_base', true), extraInterfaces: ['vrrp.51'] });
    await lan.startAll();
    await lan.until(() => lan.masters().length > 0, 10_000);
    await lan.advance(1_000);
    expect(d1.transports.map((t) => t.ifname)).toEqual(['eth0']);
    expect(d1.engine.status()[0]).toMatchObject({ source: 'fe80::1' });
    expect(d1.addressesOf(VMAC_IFINDEX).map((a) => a.address)).toEqual(['2001:db8::100']);
  });

  it('IPv6: a vmac without its own address is a start-up error (it would otherwise send from an address it does not hold)', () => {
    const lan = new SimulatedLan();
    expect(() => lan.add({ name: 'd1', n: 1, config: conf(150, 'use_vmac', true), extraInterfaces: ['vrrp.51'] })).toThrow(/vrrp\.51 has no IPv6 link-local address/);
  });
});
