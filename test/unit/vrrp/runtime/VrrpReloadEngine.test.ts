import { describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { decodeArpFrame } from '../../../../src/vrrp/codec/GratuitousArpCodec.js';
import type { VrrpReloadResult } from '../../../../src/vrrp/runtime/VrrpReloadResult.js';
import { configFrom } from './ConfigText.js';
import { settle, SimulatedLan, type SimulatedHost } from './SimulatedLan.js';

interface Vi {
  name?: string;
  iface?: string;
  vrid?: number;
  priority?: number;
  vips?: string[];
  extra?: string;
}

function vi(o: Vi = {}): string {
  return `
vrrp_instance ${o.name ?? 'VI_1'} {
  state BACKUP
  interface ${o.iface ?? 'eth0'}
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.priority ?? 150}
  advert_int 1
  virtual_ipaddress {
    ${(o.vips ?? ['192.0.2.100/24']).join('\n    ')}
  }
  ${o.extra ?? ''}
}`;
}

function conf(blocks: string): VigilConfig {
  return configFrom(`global_defs {\n  router_id test\n}\n${blocks}\n`);
}

async function reload(host: SimulatedHost, next: VigilConfig): Promise<VrrpReloadResult> {
  const result = await host.engine.reload(next);
  await settle();
  return result;
}

function expectOk(result: VrrpReloadResult): asserts result is Extract<VrrpReloadResult, { ok: true }> {
  if (!result.ok) throw new Error(`reload refused: ${result.errors.map((e) => e.message).join('; ')}`);
}

/** The gratuitous ARPs a host sent since `from` (an index into its frames), by VIP. */
function garpsSince(host: SimulatedHost, from: number): string[] {
  return host.frames.slice(from).flatMap((f) => {
    const decoded = decodeArpFrame(f.frame);
    return decoded.ok ? [decoded.arp.senderIp] : [];
  });
}

const timersOf = (host: SimulatedHost): string[] => host.engine.timers.list().map((t) => `${t.owner}/${t.timer}@${t.dueMs}`);

/** One director alone on the LAN: it becomes master of everything it runs. */
async function soloMaster(blocks: string): Promise<{ lan: SimulatedLan; d1: SimulatedHost }> {
  const lan = new SimulatedLan();
  const d1 = lan.add({ name: 'd1', n: 1, extraInterfaces: ['eth1'], config: conf(blocks) });
  await lan.startAll();
  await lan.until(() => d1.engine.status().every((s) => s.state === 'MASTER'), 10_000);
  await lan.advance(300);
  await d1.engine.idle();
  return { lan, d1 };
}

describe('VrrpEngine.reload', () => {
  it('leaves an unchanged master alone: no advert, installer call, GARP, transition, notify or timer change', async () => {
    const blocks = vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] });
    const { lan, d1 } = await soloMaster(blocks);
    const transitions: string[] = [];
    d1.engine.onTransition((name, from, to) => transitions.push(`${name} ${from}->${to}`));
    const before = { adverts: lan.advertsFrom('d1').length, installs: d1.installs.length, frames: d1.frames.length, notifications: d1.notifications.length, timers: timersOf(d1) };

    // The same configuration, re-indented and with the blocks in another order.
    const result = await reload(d1, conf('\n\n' + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }) + '\n' + vi()));
    expectOk(result);
    expect(result.summary).toEqual({ unchanged: ['VI_2', 'VI_1'], updated: [], restarted: [], added: [], removed: [] });
    expect(lan.advertsFrom('d1')).toHaveLength(before.adverts);
    expect(d1.installs).toHaveLength(before.installs);
    expect(d1.frames).toHaveLength(before.frames);
    expect(d1.notifications).toHaveLength(before.notifications);
    expect(timersOf(d1)).toEqual(before.timers);
    expect(transitions).toEqual([]);
    expect(d1.logged(/^\(VI_1\) reload: unchanged$/)[0]?.fields).toEqual({ instance: 'VI_1', vrid: 51, reason: 'reload', change: 'unchanged' });
    expect(d1.transports.filter((t) => t.closed)).toEqual([]);
    // Still master at the same cadence: one advert a second.
    await lan.advance(3_000);
    expect(lan.advertsFrom('d1').length - before.adverts).toBe(6);
    expect(d1.state('VI_1')).toBe('MASTER');
  });

  it('on a master, deletes the VIPs no longer listed, then installs and announces the new ones; adverts carry the new list', async () => {
    const { lan, d1 } = await soloMaster(vi({ vips: ['192.0.2.100/24', '192.0.2.101/24'] }));
    const installs = d1.installs.length;
    const frames = d1.frames.length;
    const result = await reload(d1, conf(vi({ vips: ['192.0.2.100/24', '192.0.2.102/24'] })));
    expectOk(result);
    expect(result.summary.updated).toEqual(['VI_1']);
    await d1.engine.idle();
    expect(d1.installs.slice(installs).map(({ op, addresses }) => ({ op, addresses }))).toEqual([
      { op: 'remove', addresses: ['192.0.2.101'] },
      { op: 'add', addresses: ['192.0.2.102'] },
    ]);
    expect(d1.vipsHeld().sort()).toEqual(['192.0.2.100', '192.0.2.102']);
    // garp_master_repeat (5) gratuitous ARPs for the new VIP only.
    expect(garpsSince(d1, frames)).toEqual(Array(5).fill('192.0.2.102'));
    expect(d1.state()).toBe('MASTER');
    expect(d1.engine.instance('VI_1')?.transitions.map((t) => t.to)).toEqual(['BACKUP', 'MASTER']);
    expect(d1.logged(/^\(VI_1\) reload: virtual addresses changed \(\+1 -1\)$/)).toHaveLength(1);
    await lan.advance(1_000);
    expect(lan.advertsFrom('d1').at(-1)?.advert.fields.addresses).toEqual(['192.0.2.100', '192.0.2.102']);
    // A later step-down drops the new list.
    await d1.engine.stop(1_000);
    expect(d1.vipsHeld()).toEqual([]);
  });

  it('on a backup, only adopts the new VIP list, and installs it when it later becomes master', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(vi({ priority: 150 })) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(vi({ priority: 100 })) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(1_000);
    const installs = d2.installs.length;
    expectOk(await reload(d2, conf(vi({ priority: 100, vips: ['192.0.2.110/24'] }))));
    expect(d2.installs).toHaveLength(installs);
    expect(d2.state()).toBe('BACKUP');
    d1.detached = true;
    await lan.until(() => d2.state() === 'MASTER', 5_000);
    await d2.engine.idle();
    expect(d2.vipsHeld()).toEqual(['192.0.2.110']);
  });

  it('moves a VIP from one master instance to another: deleted from the first, then added to the second, present at the end', async () => {
    const { d1 } = await soloMaster(vi({ vips: ['192.0.2.100/24', '192.0.2.150/24'] }) + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }));
    d1.reportRemovals = true;
    const installs = d1.installs.length;
    const result = await reload(d1, conf(vi({ vips: ['192.0.2.100/24'] }) + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24', '192.0.2.150/24'] })));
    expectOk(result);
    expect(result.summary.updated).toEqual(['VI_1', 'VI_2']);
    await d1.engine.idle();
    const ops = d1.installs.slice(installs).map(({ op, addresses }) => `${op} ${addresses.join(',')}`);
    expect(ops).toEqual(['remove 192.0.2.150', 'add 192.0.2.150']);
    expect(d1.vipsHeld().sort()).toEqual(['192.0.2.100', '192.0.2.101', '192.0.2.150']);
    expect(d1.logged(/VIP .* was removed .* putting it back/)).toEqual([]);
  });

  it('holds the addition of a moved VIP until the slow removal from the other instance has taken effect', async () => {
    const { d1 } = await soloMaster(vi({ vips: ['192.0.2.100/24'] }) + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24', '192.0.2.150/24'] }));
    d1.reportRemovals = true;
    const installs = d1.installs.length;
    let release = (): void => undefined;
    d1.removalGate = new Promise<void>((resolve) => (release = resolve));
    const pending = d1.engine.reload(conf(vi({ vips: ['192.0.2.100/24', '192.0.2.150/24'] }) + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] })));
    await settle();
    expect(d1.installs.slice(installs)).toEqual([]); // VI_1's add waits for VI_2's removal
    release();
    expectOk(await pending);
    await d1.engine.idle();
    expect(d1.installs.slice(installs).map(({ op, addresses }) => `${op} ${addresses.join(',')}`)).toEqual(['remove 192.0.2.150', 'add 192.0.2.150']);
    expect(d1.vipsHeld()).toContain('192.0.2.150');
    expect(d1.logged(/VIP .* was removed .* putting it back/)).toEqual([]);
  });

  it('stops a removed master as on shutdown and starts an added instance through Initialize', async () => {
    const { lan, d1 } = await soloMaster(vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }));
    const transitions: string[] = [];
    d1.engine.onTransition((name, from, to) => transitions.push(`${name} ${from}->${to}`));
    const notifications = d1.notifications.length;
    const result = await reload(d1, conf(vi() + vi({ name: 'VI_3', vrid: 53, vips: ['192.0.2.103/24'] })));
    expectOk(result);
    expect(result.summary).toEqual({ unchanged: ['VI_1'], updated: [], restarted: [], added: ['VI_3'], removed: ['VI_2'] });
    await d1.engine.idle();
    // RFC 5798 §6.4.3: the resigning master's priority-0 advert, for VRID 52.
    expect(lan.advertsFrom('d1', 0).map((w) => w.advert.fields.vrid)).toEqual([52]);
    expect(d1.vipsHeld().sort()).toEqual(['192.0.2.100']);
    expect(d1.engine.instanceNames.sort()).toEqual(['VI_1', 'VI_3']);
    expect(d1.engine.timers.list().some((t) => t.owner === 'VI_2')).toBe(false);
    expect(d1.notifications.slice(notifications).map((n) => `${n.owner} ${n.state}`)).toEqual(['VI_2 STOP', 'VI_3 BACKUP']);
    expect(d1.logged(/^\(VI_2\) reload: removed$/)[0]?.fields).toMatchObject({ instance: 'VI_2', vrid: 52, reason: 'reload' });
    expect(d1.logged(/^\(VI_3\) reload: added$/)).toHaveLength(1);
    await lan.until(() => d1.state('VI_3') === 'MASTER', 10_000);
    await d1.engine.idle();
    expect(d1.vipsHeld().sort()).toEqual(['192.0.2.100', '192.0.2.103']);
    // onTransition listeners registered before the reload hear the new instance.
    expect(transitions).toEqual(['VI_2 MASTER->INIT', 'VI_3 INIT->BACKUP', 'VI_3 BACKUP->MASTER']);
  });

  it('restarts an instance whose VRID changed: priority 0 for the old VRID, Initialize for the new one', async () => {
    const { lan, d1 } = await soloMaster(vi());
    const result = await reload(d1, conf(vi({ vrid: 61 })));
    expectOk(result);
    expect(result.summary.restarted).toEqual(['VI_1']);
    expect(d1.logged(/^\(VI_1\) reload: restarted \(virtualRouterId changed\)$/)).toHaveLength(1);
    await d1.engine.idle();
    expect(lan.advertsFrom('d1', 0).map((w) => w.advert.fields.vrid)).toEqual([51]);
    expect(d1.state()).toBe('BACKUP');
    expect(d1.vipsHeld()).toEqual([]);
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await d1.engine.idle();
    expect(lan.advertsFrom('d1').at(-1)?.advert.fields.vrid).toBe(61);
    expect(d1.vipsHeld()).toEqual(['192.0.2.100']);
  });

  it('lets a restarted address owner add its VIPs only after its old incarnation removed them', async () => {
    const { d1 } = await soloMaster(vi({ priority: 255, extra: 'state MASTER' }));
    const installs = d1.installs.length;
    let release = (): void => undefined;
    d1.removalGate = new Promise<void>((resolve) => (release = resolve));
    const pending = d1.engine.reload(conf(vi({ priority: 255, extra: 'state MASTER\n  advert_int 2' })));
    await settle();
    expect(d1.state()).toBe('MASTER'); // the new incarnation is master at once (owner)...
    expect(d1.installs.slice(installs)).toEqual([]); // ...but its add waits for the old one's removal
    release();
    expectOk(await pending);
    await d1.engine.idle();
    expect(d1.state()).toBe('MASTER');
    expect(d1.installs.slice(installs).map((i) => i.op)).toEqual(['remove', 'add']);
    expect(d1.vipsHeld()).toEqual(['192.0.2.100']);
  });

  it('raises a backup priority in place: it preempts the master through the protocol, without a restart', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(vi({ priority: 150 })) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(vi({ priority: 100 })) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(1_000);
    const result = await reload(d2, conf(vi({ priority: 200 })));
    expectOk(result);
    expect(result.summary.updated).toEqual(['VI_1']);
    expect(d2.engine.instance('VI_1')?.machine.effectivePriority).toBe(200);
    expect(d2.logged(/^\(VI_1\) reload: priority changed from 100 to 200$/)).toHaveLength(1);
    await lan.until(() => d2.state() === 'MASTER' && d1.state() === 'BACKUP', 10_000);
    expect(d2.engine.instance('VI_1')?.transitions.map((t) => `${t.to} ${t.reason}`)).toEqual(['BACKUP startup', 'MASTER preempt']);
    expect(d2.notifications.map((n) => n.state)).not.toContain('STOP');
  });

  it('lowers a master priority in place: its adverts carry it and the peer preempts', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(vi({ priority: 150 })) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(vi({ priority: 100 })) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(1_000);
    expectOk(await reload(d1, conf(vi({ priority: 50 }))));
    expect(d1.state()).toBe('MASTER');
    await lan.until(() => d2.state() === 'MASTER' && d1.state() === 'BACKUP', 10_000);
    expect(lan.advertsFrom('d1', 50).length).toBeGreaterThan(0);
    expect(d1.engine.instance('VI_1')?.transitions.map((t) => `${t.to} ${t.reason}`)).toEqual([
      'BACKUP startup',
      'MASTER master-down-timer',
      'BACKUP higher-priority-advert',
    ]);
  });

  it('refuses a reload naming a missing interface and leaves everything as it was', async () => {
    const { lan, d1 } = await soloMaster(vi());
    const before = { installs: d1.installs.length, transports: d1.transports.length, timers: timersOf(d1), adverts: lan.advertsFrom('d1').length };
    const result = await reload(d1, conf(vi({ vips: ['192.0.2.100/24', '192.0.2.105/24'] }) + vi({ name: 'VI_2', vrid: 52, iface: 'eth9' })));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.code)).toEqual(['VRRP_RUNTIME_INTERFACE_MISSING']);
    expect(result.errors[0]?.message).toMatch(/\(VI_2\) interface eth9 does not exist/);
    expect(d1.engine.instanceNames).toEqual(['VI_1']);
    expect(d1.engine.config.vrrpInstances).toHaveLength(1);
    expect(d1.installs).toHaveLength(before.installs);
    expect(d1.transports).toHaveLength(before.transports);
    expect(timersOf(d1)).toEqual(before.timers);
    expect(lan.advertsFrom('d1')).toHaveLength(before.adverts);
    expect(d1.logged(/reload:/)).toEqual([]);
    expect(d1.engine.instance('VI_1')?.vips.map((v) => v.address)).toEqual(['192.0.2.100']);
    // And the engine still takes a valid reload afterwards.
    expectOk(await reload(d1, conf(vi({ vips: ['192.0.2.100/24', '192.0.2.105/24'] }))));
  });

  it('refuses a reload whose new socket cannot be opened, closing the sockets it did open', async () => {
    const { d1 } = await soloMaster(vi());
    d1.failTransportOn = new Set(['eth1']);
    const transports = d1.transports.length;
    const result = await reload(d1, conf(vi() + vi({ name: 'VI_2', vrid: 52, iface: 'eth1', vips: ['198.51.100.1/24'], extra: 'mcast_src_ip 192.0.2.1' })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/cannot open the VRRP socket on eth1: socket on eth1: Operation not permitted/);
    expect(d1.transports).toHaveLength(transports);
    expect(d1.transports.every((t) => !t.closed)).toBe(true);
    expect(d1.engine.instanceNames).toEqual(['VI_1']);
  });

  it('replaces a socket that lacks a new multicast group, switching the kept instance to it, and closes sockets no longer used', async () => {
    const unicast = 'unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n  }';
    const { lan, d1 } = await soloMaster(vi({ extra: unicast }));
    const [first] = d1.transports;
    expect(first?.groups).toEqual([]);
    const result = await reload(d1, conf(vi({ extra: unicast }) + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] })));
    expectOk(result);
    expect(result.summary).toMatchObject({ unchanged: ['VI_1'], added: ['VI_2'] });
    expect(first?.closed).toBe(true);
    const open = d1.transports.filter((t) => !t.closed);
    expect(open.map((t) => t.groups)).toEqual([['224.0.0.18']]);
    const adverts = lan.advertsFrom('d1').filter((w) => w.advert.fields.vrid === 51).length;
    await lan.advance(2_000);
    expect(lan.advertsFrom('d1').filter((w) => w.advert.fields.vrid === 51).length).toBe(adverts + 2);
    expect(d1.state('VI_1')).toBe('MASTER');

    // Removing the only instance on eth1 closes its socket.
    expectOk(await reload(d1, conf(vi({ extra: unicast }) + vi({ name: 'VI_3', vrid: 53, iface: 'eth1', vips: ['198.51.100.1/24'], extra: 'mcast_src_ip 192.0.2.1' }))));
    const eth1 = d1.transports.find((t) => t.ifname === 'eth1' && !t.closed);
    expect(eth1).toBeDefined();
    expectOk(await reload(d1, conf(vi({ extra: unicast }))));
    expect(eth1?.closed).toBe(true);
  });

  it('keeps an unchanged tracked script status across a reload, and a restarted script starts again from INIT', async () => {
    const script = (interval: number): string => `vrrp_script chk {\n  script "/bin/true"\n  interval ${interval}\n  weight -60\n}\n`;
    const track = 'track_script {\n    chk\n  }';
    const { d1 } = await soloMaster(script(1) + vi({ extra: track }));
    d1.engine.onScriptStatus('chk', 'down');
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(90);
    expectOk(await reload(d1, conf('\n' + script(1) + vi({ extra: track }))));
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(90);
    expect(d1.logged(/^\(VI_1\) reload: unchanged$/)).toHaveLength(1);
    // A new interval means a new runner: its status is INIT again, which weighs nothing.
    expectOk(await reload(d1, conf(script(3) + vi({ extra: track }))));
    expect(d1.engine.instance('VI_1')?.machine.effectivePriority).toBe(150);
    expect(d1.state()).toBe('MASTER');
  });

  it('keeps a sync group and its state when a member only changes VIPs', async () => {
    const group = 'vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n}\n';
    const { d1 } = await soloMaster(group + vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }));
    const result = await reload(d1, conf(group + vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.109/24'] })));
    expectOk(result);
    expect(result.summary).toMatchObject({ unchanged: ['VI_1'], updated: ['VI_2'] });
    await d1.engine.idle();
    expect(d1.vipsHeld().sort()).toEqual(['192.0.2.100', '192.0.2.109']);
    // The kept coordinator still moves both together.
    d1.setLink('eth0', false);
    expect([d1.state('VI_1'), d1.state('VI_2')]).toEqual(['FAULT', 'FAULT']);
  });

  it('rebuilds a sync group that gains a member, restarting every member together', async () => {
    const group = (members: string[]): string => `vrrp_sync_group G {\n  group {\n    ${members.join('\n    ')}\n  }\n}\n`;
    const blocks = vi() + vi({ name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] }) + vi({ name: 'VI_3', vrid: 53, vips: ['192.0.2.102/24'] });
    const { lan, d1 } = await soloMaster(group(['VI_1', 'VI_2']) + blocks);
    const result = await reload(d1, conf(group(['VI_1', 'VI_2', 'VI_3']) + blocks));
    expectOk(result);
    expect(result.summary.restarted).toEqual(['VI_1', 'VI_2', 'VI_3']);
    expect(d1.logged(/^VRRP_Group\(G\) reload: rebuilt$/)).toHaveLength(1);
    expect(d1.engine.status().map((s) => s.state)).toEqual(['BACKUP', 'BACKUP', 'BACKUP']);
    await lan.until(() => d1.engine.status().every((s) => s.state === 'MASTER'), 10_000);
    d1.setLink('eth1', false); // not tracked: nothing happens
    d1.setLink('eth0', false);
    expect(d1.engine.status().map((s) => s.state)).toEqual(['FAULT', 'FAULT', 'FAULT']);
  });

  it('refuses to reload an engine that was never started or is stopping', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(vi()) });
    const result = await d1.engine.reload(conf(vi()));
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['VRRP_RELOAD_NOT_RUNNING']);
  });
});
