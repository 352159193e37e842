import { describe, expect, it } from 'vitest';
import { decodeArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import { decodeNaFrame } from '../../../../src/vrrp/codec/UnsolicitedNaCodec.js';
import { masterDownIntervalUs, skewTimeUs } from '../../../../src/vrrp/fsm/VrrpTimerMath.js';
import { configFrom } from './ConfigText.js';
import { encode, SimulatedLan, type SimulatedHost } from './SimulatedLan.js';

interface InstanceOptions {
  priority: number;
  extra?: string;
  version?: 2 | 3;
  vip?: string;
  vrid?: number;
  name?: string;
  advertInt?: string;
  auth?: boolean;
}

function instanceBlock(o: InstanceOptions): string {
  const v3 = o.version === 3;
  const auth = !v3 && (o.auth ?? true) ? 'authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }' : '';
  return `
vrrp_instance ${o.name ?? 'VI_1'} {
  state BACKUP
  interface eth0
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.priority}
  advert_int ${o.advertInt ?? '1'}
  ${v3 ? 'version 3' : ''}
  ${auth}
  virtual_ipaddress {
    ${o.vip ?? '192.0.2.100/24'}
  }
  ${o.extra ?? ''}
}`;
}

function conf(blocks: string, global = ''): ReturnType<typeof configFrom> {
  return configFrom(`global_defs {\n  router_id test\n  ${global}\n}\n${blocks}\n`);
}

/** µs → ms rounded up, as the machine arms its timers. */
const ms = (us: number): number => Math.ceil(us / 1000);

async function twoDirectors(a: InstanceOptions, b: InstanceOptions): Promise<{ lan: SimulatedLan; d1: SimulatedHost; d2: SimulatedHost }> {
  const lan = new SimulatedLan();
  const d1 = lan.add({ name: 'd1', n: 1, config: conf(instanceBlock(a)) });
  const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock(b)) });
  await lan.startAll();
  return { lan, d1, d2 };
}

describe('VrrpEngine on a simulated LAN (real codecs, receive checks and state machines)', () => {
  it('elects the higher priority, installs the VIP on it alone and announces it with gratuitous ARPs', async () => {
    const { lan, d1, d2 } = await twoDirectors({ priority: 150 }, { priority: 100 });
    await lan.until(() => lan.masters().length > 0, 10_000);
    await lan.advance(3_000);
    expect(lan.masters()).toEqual(['d1']);
    expect(d2.state()).toBe('BACKUP');
    expect(d1.vipsHeld()).toEqual(['192.0.2.100']);
    expect(d2.vipsHeld()).toEqual([]);
    expect(d1.logged(/^\(VI_1\) Entering MASTER STATE$/)).toHaveLength(1);
    expect(d1.logged(/^\(VI_1\) Entering MASTER STATE$/)[0]?.fields).toMatchObject({ instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' });
    expect(d2.logged(/^\(VI_1\) Entering BACKUP STATE \(init\)$/)).toHaveLength(1);
    expect(d1.logged(/^\(VI_1\) Sending\/queueing gratuitous ARPs on eth0 for 192\.0\.2\.100$/).length).toBeGreaterThanOrEqual(1);
    // garp_master_repeat 5 (keepalived's default): five gratuitous ARP requests, SPA = TPA = VIP.
    const arps = d1.frames.map((f) => decodeArpFrame(f.frame)).filter((r) => r.ok);
    expect(arps.length).toBeGreaterThanOrEqual(5);
    for (const r of arps) {
      if (!r.ok) continue;
      expect(r.arp.senderIp).toBe('192.0.2.100');
      expect(r.arp.targetIp).toBe('192.0.2.100');
      expect(r.ethernet.dst).toBe('ff:ff:ff:ff:ff:ff');
      expect(r.arp.gratuitous).toBe(true);
      expect(r.arp.senderMac).toBe(r.ethernet.src);
    }
    // The master's adverts carry its priority, PASS auth and the VIP, from its primary address.
    const advert = lan.advertsFrom('d1').at(-1)?.advert;
    expect(advert?.src).toBe('192.0.2.1');
    expect(advert?.dst).toBe('224.0.0.18');
    expect(advert?.fields).toMatchObject({ version: 2, vrid: 51, priority: 150, adverIntSec: 1, authType: 1, addresses: ['192.0.2.100'] });
    expect(d2.engine.stats.snapshot().instances['VI_1']?.accepted).toBeGreaterThan(0);
    expect(d1.notifications.filter((n) => n.owner === 'VI_1').map((n) => n.state)).toEqual(['BACKUP', 'MASTER']);
  });

  it('takes over within Master_Down_Interval when the master crashes', async () => {
    const { lan, d1, d2 } = await twoDirectors({ priority: 150 }, { priority: 100 });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(2_500);
    d1.detached = true; // kill -9: no priority-0 advert, nothing more on the wire
    const lastAdvert = lan.advertsFrom('d1').at(-1)?.at ?? 0;
    await lan.until(() => d2.state() === 'MASTER', 10_000, 1);
    const took = lan.nowMs - lastAdvert;
    // RFC 3768 §6.1: 3 * Advertisement_Interval + Skew_Time for priority 100 = 3.609 s.
    const bound = ms(masterDownIntervalUs(2, 100, 100));
    expect(took).toBeLessThanOrEqual(bound);
    expect(took).toBeGreaterThan(bound - 1000);
    expect(d2.vipsHeld()).toEqual(['192.0.2.100']);
    expect(d2.logged(/Entering MASTER STATE/)).toHaveLength(1);
  });

  it('hands over after Skew_Time on a graceful stop (priority-0 advert) and drops the VIP', async () => {
    const { lan, d1, d2 } = await twoDirectors({ priority: 150 }, { priority: 100 });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(2_000);
    const stopAt = lan.nowMs;
    await d1.engine.stop(1_000);
    expect(lan.advertsFrom('d1', 0)).toHaveLength(1);
    expect(d1.vipsHeld()).toEqual([]);
    expect(d1.notifications.at(-1)).toMatchObject({ owner: 'VI_1', state: 'STOP' });
    d1.detached = true;
    await lan.until(() => d2.state() === 'MASTER', 5_000, 1);
    // RFC 3768 §6.4.2: on a priority-0 advert the backup waits Skew_Time only (609 ms at 100).
    expect(lan.nowMs - stopAt).toBeLessThanOrEqual(ms(skewTimeUs(2, 100, 100)) + 1);
    expect(d2.vipsHeld()).toEqual(['192.0.2.100']);
  });

  it('keeps the VIP on a graceful stop with -V (releaseVipsOnStop false)', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(instanceBlock({ priority: 150 })), options: { releaseVipsOnStop: false } });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.stop(1_000);
    expect(lan.advertsFrom('d1', 0)).toHaveLength(1);
    expect(d1.vipsHeld()).toEqual(['192.0.2.100']);
  });

  it('preempts a lower-priority master, and nopreempt leaves it alone', async () => {
    const lan = new SimulatedLan();
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100 })) });
    d2.engine.start();
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(instanceBlock({ priority: 150 })) });
    d1.engine.start();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.until(() => d2.state() === 'BACKUP', 2_000);
    expect(d1.logged(/received lower priority \(100\) advert from 192\.0\.2\.2 - discarding/).length).toBeGreaterThan(0);
    expect(d2.logged(/Master received advert from 192\.0\.2\.1 with higher priority 150, ours 100/)).toHaveLength(1);
    expect(d2.vipsHeld()).toEqual([]);

    const quiet = new SimulatedLan();
    const q2 = quiet.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100, extra: 'nopreempt' })) });
    q2.engine.start();
    await quiet.until(() => q2.state() === 'MASTER', 10_000);
    const q1 = quiet.add({ name: 'd1', n: 1, config: conf(instanceBlock({ priority: 150, extra: 'nopreempt' })) });
    q1.engine.start();
    await quiet.advance(15_000);
    expect(quiet.masters()).toEqual(['d2']);
    expect(q1.state()).toBe('BACKUP');
  });

  it('goes to FAULT when its interface loses carrier, the backup takes over, and it preempts back when the link returns', async () => {
    const { lan, d1, d2 } = await twoDirectors({ priority: 150 }, { priority: 100 });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    d1.setLink('eth0', false);
    expect(d1.state()).toBe('FAULT');
    await d1.engine.idle();
    expect(d1.vipsHeld()).toEqual([]);
    expect(d1.logged(/^\(VI_1\) Entering FAULT STATE$/)).toHaveLength(1);
    await lan.until(() => d2.state() === 'MASTER', 5_000);
    d1.setLink('eth0', true);
    expect(d1.state()).toBe('BACKUP');
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.until(() => d2.state() === 'BACKUP', 2_000);
    expect(lan.masters()).toEqual(['d1']);
  });

  it('drops the master by a failing vrrp_script weight and lets the backup preempt', async () => {
    const lan = new SimulatedLan();
    const script = 'vrrp_script chk_service {\n  script "/bin/true"\n  interval 1\n  weight -60\n}\n';
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(script + instanceBlock({ priority: 150, extra: 'track_script {\n    chk_service\n  }' })) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100 })) });
    await lan.startAll();
    d1.engine.onScriptStatus('chk_service', 'up');
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    d1.engine.onScriptStatus('chk_service', 'down');
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(90);
    expect(d1.logged(/Changing effective priority from 150 to 90/)).toHaveLength(1);
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    await lan.until(() => d1.state() === 'BACKUP', 2_000);
    expect(lan.advertsFrom('d1', 90).length).toBeGreaterThan(0);
    // Recovered: priority 150 again, d1 preempts.
    d1.engine.onScriptStatus('chk_service', 'up');
    await lan.until(() => d1.state() === 'MASTER', 10_000);
  });

  it('puts an unweighted failing vrrp_script instance into FAULT', async () => {
    const lan = new SimulatedLan();
    const script = 'vrrp_script chk {\n  script "/bin/false"\n}\n';
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(script + instanceBlock({ priority: 150, extra: 'track_script {\n    chk\n  }' })) });
    await lan.startAll();
    d1.engine.onScriptStatus('chk', 'down');
    expect(d1.state()).toBe('FAULT');
    d1.engine.onScriptStatus('chk', 'up');
    expect(d1.state()).toBe('BACKUP');
  });

  it('tracks another interface with a weight', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({
      name: 'd1',
      n: 1,
      extraInterfaces: ['eth1'],
      config: conf(instanceBlock({ priority: 150, extra: 'track_interface {\n    eth1 weight -100\n  }' })),
    });
    await lan.startAll();
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(150);
    d1.setLink('eth1', false);
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(50);
    d1.setLink('eth1', true);
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(150);
  });

  it('elects over unicast: adverts go to the peer from unicast_src_ip', async () => {
    const unicast = (self: number, peer: number): string => `unicast_src_ip 192.0.2.${self}\n  unicast_peer {\n    192.0.2.${peer}\n  }`;
    const { lan, d1, d2 } = await twoDirectors({ priority: 150, extra: unicast(1, 2) }, { priority: 100, extra: unicast(2, 1) });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(3_000);
    expect(d2.state()).toBe('BACKUP');
    expect(lan.advertsFrom('d1').every((w) => w.advert.dst === '192.0.2.2' && w.advert.src === '192.0.2.1')).toBe(true);
    expect(d1.transports[0]?.groups).toEqual([]);
    d1.detached = true;
    await lan.until(() => d2.state() === 'MASTER', 5_000);
  });

  it('runs VRRPv3 over IPv6 from the link-local address and announces with unsolicited NAs', async () => {
    const v6 = { version: 3 as const, vip: '2001:db8::100/64', advertInt: '0.1' };
    const { lan, d1, d2 } = await twoDirectors({ ...v6, priority: 150 }, { ...v6, priority: 100 });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(1_000);
    expect(d2.state()).toBe('BACKUP');
    const advert = lan.advertsFrom('d1').at(-1)?.advert;
    expect(advert?.src).toBe('fe80::1');
    expect(advert?.dst).toBe('ff02::12');
    expect(advert?.fields).toMatchObject({ version: 3, maxAdverIntCs: 10, addresses: ['2001:db8::100'] });
    expect(d1.vipsHeld()).toEqual(['2001:db8::100']);
    const nas = d1.frames.map((f) => decodeNaFrame(f.frame)).filter((r) => r.ok);
    expect(nas.length).toBeGreaterThanOrEqual(5);
    expect(d1.logged(/Sending\/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::100/).length).toBeGreaterThan(0);
    d1.detached = true;
    const lastAdvert = lan.advertsFrom('d1').at(-1)?.at ?? 0;
    await lan.until(() => d2.state() === 'MASTER', 5_000, 1);
    // RFC 5798 §6.1 with Master_Adver_Interval 10 cs: 3 * 100 ms + (256 - 100) * 100 / 256 ms.
    expect(lan.nowMs - lastAdvert).toBeLessThanOrEqual(ms(masterDownIntervalUs(3, 100, 10)));
  });

  it('moves a sync group together: a fault in one member faults the other and the peer takes both', async () => {
    const group = 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n';
    const blocks = (p: number, track: boolean): string =>
      group +
      instanceBlock({ priority: p }) +
      instanceBlock({ priority: p, name: 'VI_2', vrid: 52, vip: '192.0.2.101/24', extra: track ? 'track_interface {\n    eth1\n  }' : '' });
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, extraInterfaces: ['eth1'], config: conf(blocks(150, true)) });
    const d2 = lan.add({ name: 'd2', n: 2, extraInterfaces: ['eth1'], config: conf(blocks(100, false)) });
    await lan.startAll();
    await lan.until(() => d1.state('VI_1') === 'MASTER' && d1.state('VI_2') === 'MASTER', 10_000);
    await lan.advance(2_000);
    expect(d2.state('VI_1')).toBe('BACKUP');
    expect(d2.state('VI_2')).toBe('BACKUP');
    d1.setLink('eth1', false);
    expect(d1.state('VI_2')).toBe('FAULT');
    expect(d1.state('VI_1')).toBe('FAULT');
    expect(d1.logged(/VRRP_Group\(G1\) Syncing instances to FAULT state/)).toHaveLength(1);
    expect(d1.notifications.filter((n) => n.kind === 'group').map((n) => n.state)).toContain('FAULT');
    await lan.until(() => d2.state('VI_1') === 'MASTER' && d2.state('VI_2') === 'MASTER', 5_000);
    expect(d2.vipsHeld().sort()).toEqual(['192.0.2.100', '192.0.2.101']);
  });

  it('never changes state for adverts with TTL 254, a bad checksum or the wrong password, and counts each drop', async () => {
    const lan = new SimulatedLan();
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100 })) });
    await lan.startAll();
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    const fields = { version: 2 as const, vrid: 51, priority: 200, adverIntSec: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
    const ttl254 = encode(fields, '192.0.2.9', '224.0.0.18', 7, 254);
    const good = encode(fields, '192.0.2.9', '224.0.0.18', 8);
    const badChecksum = good.kind === 'ipv4-datagram' ? { ...good, datagram: Buffer.from(good.datagram) } : good;
    if (badChecksum.kind === 'ipv4-datagram') badChecksum.datagram[26] = (badChecksum.datagram[26] ?? 0) ^ 0xff;
    const wrongPassword = encode({ ...fields, authData: Buffer.from('guess\0\0\0') }, '192.0.2.9', '224.0.0.18', 9);
    for (let i = 0; i < 10; i++) {
      lan.inject(d2, ttl254);
      lan.inject(d2, badChecksum);
      lan.inject(d2, wrongPassword);
      await lan.advance(500);
    }
    expect(d2.state()).toBe('MASTER');
    expect(d2.engine.instance('VI_1')?.transitions.map((t) => t.to)).toEqual(['BACKUP', 'MASTER']);
    expect(d2.engine.stats.drops('VI_1', 'ttl')).toBe(10);
    expect(d2.engine.stats.drops('VI_1', 'bad-checksum')).toBe(10);
    expect(d2.engine.stats.drops('VI_1', 'auth-fail')).toBe(10);
    // The same advert intact does make it step down.
    lan.inject(d2, good);
    expect(d2.state()).toBe('BACKUP');
  });

  it('accepts an advert whose VIP list differs, warning once', async () => {
    const { lan, d1, d2 } = await twoDirectors({ priority: 150, vip: '192.0.2.100/24' }, { priority: 100, vip: '192.0.2.200/24' });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(5_000);
    expect(d2.state()).toBe('BACKUP');
    expect(d2.logged(/virtual addresses differ from the master's/)).toHaveLength(1);
    expect(d2.engine.stats.snapshot().instances['VI_1']?.vipMismatches).toBeGreaterThan(3);
  });

  it('puts back a VIP someone else deleted while master, and announces it again', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(instanceBlock({ priority: 150 })) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(100);
    const framesBefore = d1.frames.length;
    d1.deleteAddressExternally('192.0.2.100');
    await d1.engine.idle();
    expect(d1.vipsHeld()).toEqual(['192.0.2.100']);
    expect(d1.logged(/VIP 192\.0\.2\.100 was removed from eth0 while MASTER - putting it back/)).toHaveLength(1);
    expect(d1.frames.length).toBe(framesBefore + 1);
  });

  it('removes VIPs left on the interface by a crashed run before starting as BACKUP', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(instanceBlock({ priority: 150 })) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100 })) });
    d1.engine.start();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    d2.addAddressExternally('192.0.2.100', 24);
    d2.engine.start();
    await lan.advance(100);
    expect(d2.state()).toBe('BACKUP');
    expect(d2.vipsHeld()).toEqual([]);
    expect(d2.installs[0]).toMatchObject({ op: 'remove', addresses: ['192.0.2.100'] });
    expect(d2.logged(/^\(VI_1\) removing VIPs\.$/)).toHaveLength(1);
  });

  it('logs an internal error in a packet handler instead of letting it kill the daemon', async () => {
    const lan = new SimulatedLan();
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(instanceBlock({ priority: 100 })) });
    await lan.startAll();
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    const original = d2.addressesOf.bind(d2);
    d2.addressesOf = () => {
      throw new Error('interface table exploded');
    };
    d2.engine.onAddressChange(); // forces the receive path to rebuild its own-address list
    const fields = { version: 2 as const, vrid: 51, priority: 200, adverIntSec: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
    expect(() => lan.inject(d2, encode(fields, '192.0.2.9', '224.0.0.18'))).not.toThrow();
    expect(d2.logged(/internal error handling packet on eth0: interface table exploded/)).toHaveLength(1);
    d2.addressesOf = original;
    lan.inject(d2, encode(fields, '192.0.2.9', '224.0.0.18'));
    expect(d2.state()).toBe('BACKUP');
  });

  it('refuses to start when the interface is missing or AH authentication is configured', () => {
    const lan = new SimulatedLan();
    const missing = conf(instanceBlock({ priority: 100 }).replace('interface eth0', 'interface eth9'));
    expect(() => lan.add({ name: 'x', n: 3, config: missing })).toThrow(/\(VI_1\) interface eth9 does not exist/);
    const ah = conf(instanceBlock({ priority: 100, auth: false, extra: 'authentication {\n    auth_type AH\n    auth_pass x\n  }' }));
    expect(() => lan.add({ name: 'y', n: 4, config: ah })).toThrow(/auth_type AH is not supported/);
  });
});
