import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RtnlClient, VipInstaller, VipOutcome, VipSpec } from '../../../src/netlink/rtnl/index.js';
import { hasNetnsSupport } from '../../support/netns/index.js';
import { RtnlTestBed } from './RtnlTestBed.js';

const support = await hasNetnsSupport();

/** One `ip -o addr` line: `2: eth0    inet 198.51.100.1/24 brd 198.51.100.255 scope global eth0:1\ ...`. */
interface IpOLine {
  readonly family: string;
  readonly cidr: string;
  readonly brd: string | null;
  readonly scope: string;
  /** Flags (nodad, tentative, ...) and, for inet, the label last. */
  readonly rest: readonly string[];
}

function parseIpO(text: string): IpOLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const m = /^\d+:\s+\S+\s+(inet6?)\s+(\S+)(?:\s+brd\s+(\S+))?\s+scope\s+(\S+)([^\\]*)\\/.exec(line);
      if (m === null) throw new Error(`unexpected ip -o line: ${line}`);
      return { family: m[1]!, cidr: m[2]!, brd: m[3] ?? null, scope: m[4]!, rest: (m[5] ?? '').trim().split(/\s+/).filter((t) => t !== '') };
    });
}

const SCOPES = ['host', 'link', 'site', 'global'] as const;

/** 1,000 VIPs on eth0: labelled /24 secondaries with brd +, /32s of every scope, IPv6 /64 and /128. */
function thousandVips(): VipSpec[] {
  const vips: VipSpec[] = [];
  for (let i = 1; i <= 250; i++) vips.push({ address: `198.51.100.${i}`, prefixLength: 24, interface: 'eth0', label: `eth0:${i}`, broadcast: '+' });
  for (let i = 1; i <= 250; i++) {
    vips.push({ address: `203.0.113.${i}`, prefixLength: 32, interface: 'eth0', scope: SCOPES[i % 4]!, label: `eth0:h${i}` });
  }
  for (let i = 1; i <= 500; i++) vips.push({ address: `2001:db8:1::${i.toString(16)}`, prefixLength: i % 2 === 0 ? 64 : 128, interface: 'eth0' });
  return vips;
}

/** What `ip -o addr` should print for a VIP: address/prefix, brd, scope, label. */
function expectedLine(v: VipSpec): string {
  const v6 = v.address.includes(':');
  const prefix = v.prefixLength ?? (v6 ? 128 : 32);
  const brd = v.broadcast === '+' ? ` brd ${v.address.split('.').slice(0, 3).join('.')}.255` : '';
  const scope = typeof v.scope === 'string' ? v.scope : 'global';
  return `${v6 ? 'inet6' : 'inet'} ${v.address}/${prefix}${brd} scope ${scope}${v6 ? ' nodad' : ` ${v.label ?? 'eth0'}`}`;
}

function actualLine(l: IpOLine): string {
  const label = l.family === 'inet' ? l.rest.at(-1) : undefined;
  const flags = l.family === 'inet6' ? l.rest.filter((t) => t === 'nodad' || t === 'tentative') : [];
  return `${l.family} ${l.cidr}${l.brd !== null ? ` brd ${l.brd}` : ''} scope ${l.scope}${label !== undefined ? ` ${label}` : ''}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`;
}

const count = (outcomes: readonly VipOutcome[]): Record<string, number> => {
  const c: Record<string, number> = {};
  for (const o of outcomes) c[o.status] = (c[o.status] ?? 0) + 1;
  return c;
};

describe.skipIf(!support.ok)('VipInstaller in a network namespace (real kernel)', () => {
  let bed: RtnlTestBed;
  let client: RtnlClient;
  let installer: VipInstaller;

  beforeAll(async () => {
    bed = await RtnlTestBed.create();
    // keepalived's promote_secondaries: deleting the first /24 VIP must not take the others with it.
    await bed.sysctl('net.ipv4.conf.eth0.promote_secondaries=1', 'net.ipv6.conf.eth0.accept_dad=1');
    client = bed.rtnl.RtnlClient.open({ open: bed.opener(), log: bed.log });
    installer = new bed.rtnl.VipInstaller(client, await bed.rtnl.InterfaceSnapshot.load(client));
  });

  afterAll(async () => {
    client?.close();
    await bed?.destroy();
  });

  it('adds 1,000 VIPs with labels, brd and scopes, and `ip -o addr` shows exactly them', async () => {
    const vips = thousandVips();
    const before = parseIpO(await bed.ip(['-o', 'addr', 'show', 'dev', 'eth0'])).map(actualLine);
    const outcomes = await installer.add(vips);
    expect(count(outcomes)).toEqual({ added: 1000 });
    const after = parseIpO(await bed.ip(['-o', 'addr', 'show', 'dev', 'eth0'])).map(actualLine);
    const added = after.filter((l) => !before.includes(l)).sort();
    expect(added).toEqual(vips.map(expectedLine).sort());
  });

  it('adding them again is already-present for every one', async () => {
    expect(count(await installer.add(thousandVips()))).toEqual({ 'already-present': 1000 });
  });

  it('deletes all 1,000, leaving the interface as it was', async () => {
    const outcomes = await installer.remove(thousandVips());
    expect(count(outcomes)).toEqual({ removed: 1000 });
    const left = (await bed.addresses('eth0')).map((a) => `${a.local}/${a.prefixlen}`).sort();
    expect(left.filter((a) => !a.startsWith('fe80:'))).toEqual(['192.0.2.1/24', '2001:db8::1/64']);
    expect(count(await installer.remove(thousandVips().slice(0, 10)))).toEqual({ 'already-absent': 10 });
  });

  it('an IPv6 VIP is not tentative (IFA_F_NODAD), although DAD is on for eth0', async () => {
    await installer.add([
      { address: '2001:db8:2::1', prefixLength: 64, interface: 'eth0' },
      { address: '2001:db8:2::2', prefixLength: 64, interface: 'eth0', noDad: false },
    ]);
    const info = await bed.addresses('eth0');
    const vip = info.find((a) => a.local === '2001:db8:2::1');
    const withDad = info.find((a) => a.local === '2001:db8:2::2');
    expect(vip).toMatchObject({ nodad: true });
    expect(vip?.tentative).toBeUndefined();
    // The contrast shows DAD really is running on this interface.
    expect(withDad?.tentative).toBe(true);
    await installer.remove([
      { address: '2001:db8:2::1', prefixLength: 64, interface: 'eth0' },
      { address: '2001:db8:2::2', prefixLength: 64, interface: 'eth0' },
    ]);
  });

  it('a kernel refusal is pinned on the exact VIP: a secondary whose scope differs from its primary', async () => {
    const outcomes = await installer.add([
      { address: '198.51.100.200', prefixLength: 24, interface: 'eth0' },
      { address: '198.51.100.201', prefixLength: 24, interface: 'eth0', scope: 'link' },
      { address: '198.51.100.202', prefixLength: 24, interface: 'eth0' },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['added', 'failed', 'added']);
    const failed = outcomes[1];
    if (failed?.status !== 'failed') throw new Error('unreachable');
    expect(failed.error.code).toBe('RTNL_ADDRESS_ADD_FAILED');
    expect(failed.error.details).toMatchObject({ address: '198.51.100.201', prefixLength: 24, interface: 'eth0', errnoName: 'EINVAL' });
    await installer.remove([
      { address: '198.51.100.200', prefixLength: 24, interface: 'eth0' },
      { address: '198.51.100.202', prefixLength: 24, interface: 'eth0' },
    ]);
  });

  it('rejects a label that does not start with the interface name before the kernel sees it', async () => {
    const [o] = await installer.add([{ address: '198.51.100.9', interface: 'eth0', label: 'vip9' }]);
    expect(o?.status === 'failed' && o.error.code).toBe('RTNL_INVALID_VIP');
    expect((await bed.addresses('eth0')).some((a) => a.local === '198.51.100.9')).toBe(false);
  });
});
