import { describe, expect, it } from 'vitest';
import { configFrom } from './ConfigText.js';
import { encode, SimulatedLan, type SimulatedHost } from './SimulatedLan.js';

function conf(priority: number, extra = ''): ReturnType<typeof configFrom> {
  return configFrom(`global_defs {
  router_id test
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    192.0.2.100/24
  }
  ${extra}
}
`);
}

const status = (h: SimulatedHost) => h.engine.status()[0];

/** A hand-made advert from `src` for VI_1, as the master `from` sends them, with another priority. */
function forgedAdvert(lan: SimulatedLan, from: string, src: string, priority: number) {
  const template = lan.advertsFrom(from).at(-1)?.advert;
  if (template === undefined) throw new Error(`${from} sent nothing`);
  return encode({ ...template.fields, priority }, src, template.dst, 77);
}

describe('VrrpEngine status: reason, master, advert counters', () => {
  it('a BACKUP names the master and its priority; the MASTER counts what it sent', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    await lan.startAll();
    expect(status(d2)).toMatchObject({ state: 'BACKUP', master: null, advertsReceived: 0, lastAdvertPriority: null, lastTransition: { from: 'INIT', to: 'BACKUP', reason: 'startup' } });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(3_000);
    await d1.engine.idle();
    const sent = lan.advertsFrom('d1').length;
    expect(status(d1)).toMatchObject({ state: 'MASTER', master: '192.0.2.1', advertsSent: sent, lastTransition: { from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' } });
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(status(d2)).toMatchObject({ state: 'BACKUP', master: '192.0.2.1', lastAdvertPriority: 150, advertsSent: 0 });
    // The received count is ReceiveStats' own, not a second counter.
    expect(status(d2)?.advertsReceived).toBe(d2.engine.stats.snapshot().instances['VI_1']?.accepted);
    expect(status(d2)?.advertsReceived).toBe(sent);
  });

  it('passes the reason to transition listeners; a preempted master names its successor at once', async () => {
    const lan = new SimulatedLan();
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    const heard: string[] = [];
    d2.engine.onTransition((instance, from, to, reason) => heard.push(`${instance} ${from}->${to} ${reason}`));
    d2.engine.start();
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    d1.engine.start();
    await lan.until(() => d2.state() === 'BACKUP', 10_000);
    expect(heard).toEqual(['VI_1 INIT->BACKUP startup', 'VI_1 BACKUP->MASTER master-down-timer', 'VI_1 MASTER->BACKUP higher-priority-advert']);
    expect(status(d2)).toMatchObject({ master: '192.0.2.1', lastAdvertPriority: 150, lastTransition: { reason: 'higher-priority-advert' } });
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    expect(status(d1)?.lastTransition?.reason).toBe('preempt');
  });

  it('forgets the master when it resigns, and in FAULT', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    await lan.startAll();
    await lan.until(() => status(d2)?.master === '192.0.2.1', 10_000);
    await d1.engine.stop(1_000);
    d1.detached = true;
    await lan.advance(5);
    expect(status(d2)).toMatchObject({ state: 'BACKUP', master: null, lastAdvertPriority: 0 });
    await lan.until(() => d2.state() === 'MASTER', 5_000);
    expect(status(d2)).toMatchObject({ master: '192.0.2.2', lastTransition: { reason: 'priority-0-advert' } });
    d2.setLink('eth0', false);
    expect(status(d2)).toMatchObject({ state: 'FAULT', master: null, lastTransition: { reason: 'link-down' } });
  });
});

describe('VrrpEngine keepalived log lines about other routers (keepalived 2.2.7 vrrp.c vrrp_state_master_rx)', () => {
  it('a master outranked steps down with "Master received advert from X with higher priority"', async () => {
    const lan = new SimulatedLan();
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    d2.engine.start();
    await lan.until(() => d2.state() === 'MASTER', 10_000);
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    d1.engine.start();
    await lan.until(() => d2.state() === 'BACKUP', 10_000);
    const lines = d2.logged(/^\(VI_1\) Master received advert from 192\.0\.2\.1 with higher priority 150, ours 100$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', fields: { instance: 'VI_1', vrid: 51, from: '192.0.2.1', reason: 'higher-priority-advert' } });
    // The backup that preempts says why it discarded the lower master's adverts.
    expect(d1.logged(/^\(VI_1\) received lower priority \(100\) advert from 192\.0\.2\.2 - discarding$/)[0]?.fields).toMatchObject({ instance: 'VI_1', vrid: 51, from: '192.0.2.2', reason: 'preempt' });
  });

  it('a master hearing a lower priority forces a new election, once per advert, and normal adverts are not logged', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150) });
    const d2 = lan.add({ name: 'd2', n: 2, config: conf(100) });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(3_000);
    const before = lan.advertsFrom('d1').length;
    lan.inject(d1, forgedAdvert(lan, 'd1', '192.0.2.9', 90));
    await d1.engine.idle();
    const lines = d1.logged(/^\(VI_1\) Received advert from 192\.0\.2\.9 with lower priority 90, ours 150, forcing new election$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', fields: { instance: 'VI_1', vrid: 51, from: '192.0.2.9', reason: 'lower-priority-advert' } });
    // "forcing new election": an advert of ours goes out at once.
    expect(lan.advertsFrom('d1').length).toBe(before + 1);
    expect(status(d1)).toMatchObject({ state: 'MASTER', master: '192.0.2.1', lastAdvertPriority: 90 });
    // The backup heard a few adverts from the master: none of them is logged above debug.
    expect(d2.log.filter((l) => l.level !== 'debug' && /advert/i.test(l.message))).toEqual([]);
  });

  it('with lower_prio_no_advert the line has no "forcing new election" and nothing is sent', async () => {
    const lan = new SimulatedLan();
    const d1 = lan.add({ name: 'd1', n: 1, config: conf(150, 'lower_prio_no_advert') });
    await lan.startAll();
    await lan.until(() => d1.state() === 'MASTER', 10_000);
    await lan.advance(1_500);
    await d1.engine.idle();
    const before = lan.advertsFrom('d1').length;
    lan.inject(d1, forgedAdvert(lan, 'd1', '192.0.2.9', 90));
    await d1.engine.idle();
    expect(d1.logged(/^\(VI_1\) Received advert from 192\.0\.2\.9 with lower priority 90, ours 150$/)).toHaveLength(1);
    expect(lan.advertsFrom('d1').length).toBe(before);
  });
});
