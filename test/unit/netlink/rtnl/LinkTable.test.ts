import { describe, expect, it } from 'vitest';
import type { LinkState } from '../../../../src/netlink/rtnl/LinkState.js';
import { LinkTable } from '../../../../src/netlink/rtnl/LinkTable.js';
import { IFF_LOWER_UP, IFF_RUNNING, IFF_UP, IF_OPER_DOWN, IF_OPER_UP } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

const UP = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
const link = (ifindex: number, name: string, extra: Partial<LinkState> = {}): LinkState => ({
  ifindex,
  name,
  flags: UP,
  operState: IF_OPER_UP,
  mtu: 1500,
  hardwareAddress: '02:00:00:00:00:01',
  ...extra,
});

describe('LinkTable', () => {
  it('reports a new link, then only real changes', () => {
    const t = new LinkTable();
    expect(t.upsert(link(2, 'eth0'))?.kind).toBe('added');
    // RTM_NEWLINK also comes for statistics and feature changes: same tracked state, no event.
    expect(t.upsert(link(2, 'eth0'))).toBeNull();
    expect(t.upsert(link(2, 'eth0', { mtu: 9000 }))).toMatchObject({ kind: 'changed', wentDown: false, cameUp: false });
  });

  it('flags a lost carrier as wentDown and its return as cameUp', () => {
    const t = new LinkTable();
    t.upsert(link(2, 'eth0'));
    expect(t.upsert(link(2, 'eth0', { flags: IFF_UP, operState: IF_OPER_DOWN }))).toMatchObject({ kind: 'changed', wentDown: true, cameUp: false });
    expect(t.upsert(link(2, 'eth0'))).toMatchObject({ kind: 'changed', wentDown: false, cameUp: true });
  });

  it('an administratively downed link went down too', () => {
    const t = new LinkTable();
    t.upsert(link(2, 'eth0'));
    expect(t.upsert(link(2, 'eth0', { flags: 0 }))).toMatchObject({ wentDown: true });
  });

  it('tracks renames by index', () => {
    const t = new LinkTable();
    t.upsert(link(2, 'eth0'));
    t.upsert(link(2, 'lan0'));
    expect(t.byName('eth0')).toBeUndefined();
    expect(t.byName('lan0')?.ifindex).toBe(2);
  });

  it('removes links and reports their last state', () => {
    const t = new LinkTable();
    t.upsert(link(3, 'eth1', { mtu: 1400 }));
    expect(t.remove(3)).toMatchObject({ kind: 'removed', link: { mtu: 1400 } });
    expect(t.remove(3)).toBeNull();
  });

  it('diffs a dump: removed, then added and changed, with the down/up edges', () => {
    const t = new LinkTable();
    t.upsert(link(1, 'lo'));
    t.upsert(link(2, 'eth0'));
    t.upsert(link(3, 'eth1'));
    const changes = t.replaceAll([link(1, 'lo'), link(2, 'eth0', { flags: IFF_UP }), link(4, 'eth2')]);
    expect(changes.map((c) => `${c.kind} ${c.link.name}`)).toEqual(['removed eth1', 'changed eth0', 'added eth2']);
    expect(changes[1]).toMatchObject({ wentDown: true, cause: 'resync' });
    expect(t.all().map((l) => l.ifindex).sort()).toEqual([1, 2, 4]);
  });
});
