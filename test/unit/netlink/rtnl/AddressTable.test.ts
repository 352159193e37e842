import { describe, expect, it } from 'vitest';
import { AddressTable } from '../../../../src/netlink/rtnl/AddressTable.js';
import { addressKey, describeAddress, isTentative, type InterfaceAddress } from '../../../../src/netlink/rtnl/InterfaceAddress.js';
import { AF_INET, AF_INET6, IFA_F_DADFAILED, IFA_F_NODAD, IFA_F_PERMANENT, IFA_F_TENTATIVE } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

const v4 = (address: string, extra: Partial<InterfaceAddress> = {}): InterfaceAddress => ({
  ifindex: 2,
  family: AF_INET,
  address,
  prefixLength: 32,
  peer: null,
  broadcast: null,
  label: 'eth0',
  scope: 0,
  flags: IFA_F_PERMANENT,
  ...extra,
});
const v6 = (address: string, extra: Partial<InterfaceAddress> = {}): InterfaceAddress => ({
  ...v4(address),
  family: AF_INET6,
  prefixLength: 128,
  label: null,
  flags: IFA_F_PERMANENT | IFA_F_NODAD,
  ...extra,
});

describe('AddressTable: notifications', () => {
  it('reports a new address once, and a repeated identical RTM_NEWADDR not at all', () => {
    const t = new AddressTable();
    expect(t.upsert(v4('192.0.2.10'), 1234)).toEqual({ kind: 'added', address: v4('192.0.2.10'), cause: 'notification', originPortId: 1234 });
    expect(t.upsert(v4('192.0.2.10'))).toBeNull();
    expect(t.size).toBe(1);
  });

  it('reports a changed label or flags as changed, with the previous state', () => {
    const t = new AddressTable();
    t.upsert(v6('2001:db8::1', { flags: IFA_F_TENTATIVE }));
    const change = t.upsert(v6('2001:db8::1', { flags: IFA_F_PERMANENT }));
    expect(change).toMatchObject({ kind: 'changed', previous: { flags: IFA_F_TENTATIVE }, address: { flags: IFA_F_PERMANENT } });
  });

  it('keeps the same IPv4 address with two prefix lengths apart (the kernel allows both)', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.10', { prefixLength: 24 }));
    t.upsert(v4('192.0.2.10', { prefixLength: 32 }));
    expect(t.size).toBe(2);
    expect(t.remove(v4('192.0.2.10', { prefixLength: 24 }))?.kind).toBe('removed');
    expect(t.get({ ifindex: 2, family: AF_INET, address: '192.0.2.10', prefixLength: 32 })).toBeDefined();
  });

  it('reports a deletion with the state it had, and ignores deletions of unknown addresses', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.10', { label: 'eth0:vip' }));
    expect(t.remove(v4('192.0.2.10', { label: null }), 777)).toMatchObject({ kind: 'removed', address: { label: 'eth0:vip' }, originPortId: 777 });
    expect(t.remove(v4('192.0.2.10'))).toBeNull();
  });

  it('lists the addresses of one interface', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.10'));
    t.upsert(v4('192.0.2.11', { ifindex: 3 }));
    expect(t.onInterface(3).map((a) => a.address)).toEqual(['192.0.2.11']);
  });
});

describe('AddressTable: the resync diff', () => {
  it('turns a dump into removals first, then additions and changes, and adopts it', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.1'));
    t.upsert(v4('192.0.2.2'));
    t.upsert(v6('2001:db8::1', { flags: IFA_F_TENTATIVE }));
    const changes = t.replaceAll([v4('192.0.2.2'), v4('192.0.2.3'), v6('2001:db8::1', { flags: IFA_F_PERMANENT })]);
    expect(changes.map((c) => `${c.kind} ${c.address.address}`)).toEqual(['removed 192.0.2.1', 'added 192.0.2.3', 'changed 2001:db8::1']);
    expect(changes.every((c) => c.cause === 'resync' && c.originPortId === null)).toBe(true);
    expect(t.all().map((a) => a.address).sort()).toEqual(['192.0.2.2', '192.0.2.3', '2001:db8::1']);
  });

  it('reports nothing when the dump matches', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.1'));
    expect(t.replaceAll([v4('192.0.2.1')])).toEqual([]);
  });

  it('an empty dump removes everything', () => {
    const t = new AddressTable();
    t.upsert(v4('192.0.2.1'));
    t.upsert(v4('192.0.2.2'));
    expect(t.replaceAll([]).map((c) => c.kind)).toEqual(['removed', 'removed']);
    expect(t.size).toBe(0);
  });
});

describe('InterfaceAddress helpers', () => {
  it('keys by interface, family, address and prefix length', () => {
    expect(addressKey(v4('192.0.2.1'))).not.toBe(addressKey(v4('192.0.2.1', { ifindex: 3 })));
    expect(addressKey(v4('192.0.2.1'))).toBe(addressKey(v4('192.0.2.1', { label: 'x', flags: 0 })));
  });

  it('tentative means DAD running and not failed', () => {
    expect(isTentative(v6('2001:db8::1', { flags: IFA_F_TENTATIVE }))).toBe(true);
    expect(isTentative(v6('2001:db8::1', { flags: IFA_F_TENTATIVE | IFA_F_DADFAILED }))).toBe(false);
    expect(isTentative(v6('2001:db8::1'))).toBe(false);
  });

  it('describes an address for logs', () => {
    expect(describeAddress(v4('192.0.2.1', { prefixLength: 24, broadcast: '192.0.2.255', label: 'eth0:1' }))).toBe(
      '192.0.2.1/24 brd 192.0.2.255 scope global label eth0:1 (ifindex 2)',
    );
    expect(describeAddress(v6('2001:db8::1'))).toBe('2001:db8::1/128 scope global (ifindex 2)');
  });
});
