import { describe, expect, it } from 'vitest';
import { scopeName, scopeNumber } from '../../../../src/netlink/rtnl/AddressScope.js';
import { describeAddressRequest } from '../../../../src/netlink/rtnl/AddressRequest.js';
import { InterfaceSnapshot } from '../../../../src/netlink/rtnl/InterfaceSnapshot.js';
import {
  IFA_F_HOMEADDRESS,
  IFA_F_MCAUTOJOIN,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RT_SCOPE_NOWHERE,
  RT_SCOPE_SITE,
} from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { resolveVip, type VipResolution, type VipSpec } from '../../../../src/netlink/rtnl/VipSpec.js';

const interfaces = new InterfaceSnapshot([
  { ifindex: 2, name: 'eth0', flags: 0x11043, operState: 6, mtu: 1500, hardwareAddress: null },
  { ifindex: 7, name: 'bond0.100', flags: 0x11043, operState: 6, mtu: 1500, hardwareAddress: null },
]);

const resolve = (vip: Partial<VipSpec>): VipResolution => resolveVip({ address: '192.0.2.10', interface: 'eth0', ...vip }, interfaces);

function ok(vip: Partial<VipSpec>) {
  const r = resolve(vip);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(vip)} to resolve: ${r.error.message}`);
  return r.request;
}

function rejected(vip: Partial<VipSpec>): { code: string; message: string } {
  const r = resolve(vip);
  if (r.ok) throw new Error(`expected ${JSON.stringify(vip)} to be rejected`);
  return { code: r.error.code, message: r.error.message };
}

describe('resolveVip: keepalived defaults', () => {
  it('an IPv4 VIP without options is a /32, scope global, no label, no broadcast, no flags', () => {
    expect(ok({})).toMatchObject({ ifindex: 2, ifname: 'eth0', prefixLength: 32, scope: 0, label: null, broadcast: null, flags: 0 });
  });

  it('an IPv6 VIP is a /128 added with IFA_F_NODAD, unless -nodad', () => {
    expect(ok({ address: '2001:db8::10' })).toMatchObject({ prefixLength: 128, flags: IFA_F_NODAD });
    expect(ok({ address: '2001:db8::10', noDad: false }).flags).toBe(0);
  });

  it('takes the interface by index as well as by name', () => {
    expect(ok({ interface: 7 })).toMatchObject({ ifindex: 7, ifname: 'bond0.100' });
  });

  it('computes brd + and brd - from the prefix', () => {
    expect(ok({ prefixLength: 24, broadcast: '+' }).broadcast?.text).toBe('192.0.2.255');
    expect(ok({ prefixLength: 24, broadcast: '-' }).broadcast?.text).toBe('192.0.2.0');
    expect(ok({ prefixLength: 24, broadcast: '192.0.2.127' }).broadcast?.text).toBe('192.0.2.127');
  });

  it('maps scope names and numbers (rtnetlink.h rt_scope_t)', () => {
    expect(ok({ scope: 'host' }).scope).toBe(RT_SCOPE_HOST);
    expect(ok({ scope: 'link' }).scope).toBe(RT_SCOPE_LINK);
    expect(ok({ scope: 'site' }).scope).toBe(RT_SCOPE_SITE);
    expect(ok({ scope: 'nowhere' }).scope).toBe(RT_SCOPE_NOWHERE);
    expect(ok({ scope: 'global' }).scope).toBe(0);
    expect(ok({ scope: 17 }).scope).toBe(17);
  });

  it('accepts labels that start with the interface name, up to 15 bytes', () => {
    expect(ok({ label: 'eth0:1' }).label).toBe('eth0:1');
    expect(ok({ label: 'eth0' }).label).toBe('eth0');
    expect(ok({ label: 'eth0:abcdefghij' }).label).toBe('eth0:abcdefghij');
    expect(ok({ interface: 'bond0.100', label: 'bond0.100:vip' }).label).toBe('bond0.100:vip');
  });

  it('sets IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN and IFA_F_HOMEADDRESS on request', () => {
    expect(ok({ noPrefixRoute: true }).flags).toBe(IFA_F_NOPREFIXROUTE);
    expect(ok({ autoJoin: true }).flags).toBe(IFA_F_MCAUTOJOIN);
    expect(ok({ address: '2001:db8::1', homeAddress: true }).flags).toBe(IFA_F_NODAD | IFA_F_HOMEADDRESS);
  });

  it('describes the request the way ip addr would read it', () => {
    expect(describeAddressRequest(ok({ prefixLength: 24, broadcast: '+', label: 'eth0:1', scope: 'link' }))).toBe(
      '192.0.2.10/24 brd 192.0.2.255 scope link label eth0:1 dev eth0',
    );
  });
});

describe('resolveVip: what is refused, and why', () => {
  const refusals: [Record<string, unknown>, string, RegExp][] = [
    [{ address: '192.0.2.300' }, 'RTNL_INVALID_VIP', /not an IPv4 or IPv6 address/],
    [{ address: 'fe80::1%eth0' }, 'RTNL_INVALID_VIP', /not an IPv4 or IPv6 address/],
    [{ prefixLength: 33 }, 'RTNL_INVALID_VIP', /outside 0\.\.32/],
    [{ address: '2001:db8::1', prefixLength: 129 }, 'RTNL_INVALID_VIP', /outside 0\.\.128/],
    [{ prefixLength: 24.5 }, 'RTNL_INVALID_VIP', /prefix length/],
    [{ interface: 'eth9' }, 'RTNL_INTERFACE_NOT_FOUND', /no interface eth9/],
    [{ interface: 99 }, 'RTNL_INTERFACE_NOT_FOUND', /no interface 99/],
    [{ label: 'vip1' }, 'RTNL_INVALID_VIP', /must start with the interface name "eth0"/],
    [{ label: 'eth0:abcdefghijk' }, 'RTNL_INVALID_VIP', /longer than 15 bytes/],
    [{ address: '2001:db8::1', label: 'eth0:1' }, 'RTNL_INVALID_VIP', /IPv6 addresses cannot carry a label/],
    [{ address: '2001:db8::1', broadcast: '+' }, 'RTNL_INVALID_VIP', /no broadcast/],
    [{ address: '2001:db8::1', scope: 'link' }, 'RTNL_INVALID_VIP', /scope from the address/],
    [{ broadcast: '2001:db8::ff' }, 'RTNL_INVALID_VIP', /not an IPv4 address/],
    [{ scope: 'planet' }, 'RTNL_INVALID_VIP', /unknown scope "planet"/],
    [{ scope: 256 }, 'RTNL_INVALID_VIP', /unknown scope/],
    [{ homeAddress: true }, 'RTNL_INVALID_VIP', /IPv6 addresses only/],
  ];
  it.each(refusals)('%j → %s', (vip, code, message) => {
    const r = rejected(vip as Partial<VipSpec>);
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('names the address in every error', () => {
    expect(rejected({ address: '198.51.100.7', label: 'x' }).message).toContain('198.51.100.7');
  });
});

describe('AddressScope', () => {
  it('round-trips names and prints unknown numbers as numbers', () => {
    for (const name of ['global', 'site', 'link', 'host', 'nowhere'] as const) expect(scopeName(scopeNumber(name)!)).toBe(name);
    expect(scopeName(42)).toBe('42');
    expect(scopeNumber('42')).toBe(42);
    expect(scopeNumber('300')).toBeNull();
    expect(scopeNumber(-1)).toBeNull();
  });
});
