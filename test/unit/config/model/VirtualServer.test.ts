import { describe, expect, it } from 'vitest';
import { buildFromText, errors, only, withCode } from './buildFromText.js';

const RS = '  real_server 192.0.2.10 80 {\n    weight 2\n  }\n';

describe('virtual_server and real_server', () => {
  it('defaults: wlc, NAT, delay_loop 60, quorum 1, weight 1', () => {
    const { model, diagnostics } = buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.10 80 {\n  }\n}');
    expect(diagnostics).toEqual([]);
    const vs = model?.virtualServers[0];
    expect(vs).toMatchObject({
      pos: { line: 1, col: 1 },
      key: { kind: 'address', address: { address: '192.0.2.1', family: 'inet' }, port: 80 },
      family: 'inet',
      delayLoopSeconds: 60,
      lvsScheduler: 'wlc',
      lvsMethod: { method: 'NAT', tunnelType: null },
      protocol: 'TCP',
      persistenceTimeoutSeconds: null,
      quorum: 1,
      hysteresis: 0,
      alpha: false,
      omega: false,
    });
    expect(vs?.realServers[0]).toMatchObject({ pos: { line: 3, col: 3 }, address: { address: '192.0.2.10' }, port: 80, weight: 1, lvsMethod: null, inhibitOnFailure: false, checkers: [] });
  });

  it('a missing protocol means UDP, as in keepalived 2.2.7, with a warning', () => {
    const { model, diagnostics } = buildFromText(`virtual_server 192.0.2.1 80 {\n${RS}}`);
    expect(model?.virtualServers[0]?.protocol).toBe('UDP');
    expect(model?.virtualServers[0]?.protocolConfigured).toBe(false);
    expect(only(diagnostics, 'missing-protocol')).toMatchObject({ severity: 'warning', pos: { line: 1, col: 1 }, hint: "add 'protocol TCP' if this is a TCP service" });
  });

  it('reads every virtual server keyword', () => {
    const { model, diagnostics } = buildFromText(`virtual_server 192.0.2.1 443 {
  delay_loop 6
  lvs_sched sh
  lvs_method DR
  protocol tcp
  persistence_timeout 50
  persistence_granularity 255.255.255.0
  persistence_engine sip
  sorry_server 192.0.2.99 443
  sorry_server_inhibit
  sorry_server_lvs_method NAT
  quorum 2
  hysteresis 1
  quorum_up "/bin/up.sh"
  quorum_down /bin/down.sh
  inhibit_on_failure
  alpha
  omega
  virtualhost www.example.com
  ha_suspend
  smtp_alert false
  sh-port
  sh-fallback
  flag-1
  retry 4
  delay_before_retry 2
  warmup 1
  connect_timeout 7
  real_server 192.0.2.10 443 {
    weight 2
  }
  real_server 192.0.2.11 443 {
    weight 0
    lvs_method TUN type gue port 6080 csum
    uthreshold 1000
    lthreshold 100
    inhibit_on_failure false
    notify_up /bin/rs-up.sh
    notify_down /bin/rs-down.sh
    alpha false
    virtualhost rs.example.com
    retry 5
    delay_before_retry 1.5
    warmup 0
    delay_loop 12
    connect_timeout 2
  }
}`);
    expect(errors(diagnostics)).toEqual([]);
    const vs = model?.virtualServers[0];
    expect(vs).toMatchObject({
      delayLoopSeconds: 6,
      lvsScheduler: 'sh',
      lvsMethod: { method: 'DR' },
      protocol: 'TCP',
      persistenceTimeoutSeconds: 50,
      persistenceGranularity: '255.255.255.0',
      persistenceEngine: 'sip',
      sorryServer: { address: { address: '192.0.2.99' }, port: 443, inhibit: true, lvsMethod: { method: 'NAT' } },
      quorum: 2,
      hysteresis: 1,
      quorumUp: { command: '/bin/up.sh' },
      quorumDown: { command: '/bin/down.sh' },
      inhibitOnFailure: true,
      alpha: true,
      omega: true,
      virtualhost: 'www.example.com',
      haSuspend: true,
      smtpAlert: false,
      flags: { shPort: true, shFallback: true, flag1: true, flag2: false, onePacketScheduling: false },
      retry: 4,
      delayBeforeRetrySeconds: 2,
      warmupSeconds: 1,
      connectTimeoutSeconds: 7,
    });
    // inhibit_on_failure and alpha on the virtual server are the real servers' defaults.
    expect(vs?.realServers[0]).toMatchObject({ weight: 2, inhibitOnFailure: true, alpha: true, virtualhost: 'www.example.com' });
    expect(vs?.realServers[1]).toMatchObject({
      weight: 0,
      lvsMethod: { method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelChecksum: 'csum' },
      upperThreshold: 1000,
      lowerThreshold: 100,
      inhibitOnFailure: false,
      notifyUp: { command: '/bin/rs-up.sh' },
      notifyDown: { command: '/bin/rs-down.sh' },
      alpha: false,
      virtualhost: 'rs.example.com',
      retry: 5,
      delayBeforeRetrySeconds: 1.5,
      warmupSeconds: 0,
      delayLoopSeconds: 12,
      connectTimeoutSeconds: 2,
    });
  });

  it('a port-less real server takes the service port; DR cannot change ports', () => {
    const ok = buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.10 {\n  }\n}');
    expect(ok.model?.virtualServers[0]?.realServers[0]?.port).toBe(80);
    const d = only(buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lvs_method DR\n  real_server 192.0.2.10 8080 {\n  }\n}').diagnostics, 'conflicting-options');
    expect(d).toMatchObject({ pos: { line: 4, col: 15 }, hint: 'use port 80, or lvs_method NAT' });
  });

  it('quorum above the total weight and hysteresis not below quorum are refused', () => {
    const { diagnostics } = buildFromText(`virtual_server 192.0.2.1 80 {\n  protocol TCP\n  quorum 5\n  hysteresis 5\n${RS}}`);
    expect(diagnostics.filter((d) => d.code === 'out-of-range').map((d) => [d.keyword, d.pos?.line, d.hint])).toEqual([
      ['quorum', 3, 'use a quorum of at most 2'],
      ['hysteresis', 4, 'use a hysteresis of at most 4'],
    ]);
    expect(errors(buildFromText(`virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.10 80 {\n    weight 0\n  }\n}`).diagnostics)).toEqual([]);
  });

  it('fwmark services ignore protocol (warning) and may have port-less real servers', () => {
    const { model, diagnostics } = buildFromText('virtual_server fwmark 7 {\n  protocol TCP\n  real_server 192.0.2.10 {\n  }\n}');
    expect(model?.virtualServers[0]).toMatchObject({ key: { kind: 'fwmark', fwmark: 7 }, protocol: null, family: 'inet' });
    expect(model?.virtualServers[0]?.realServers[0]?.port).toBeNull();
    expect(only(diagnostics, 'conflicting-options')).toMatchObject({ severity: 'warning', pos: { line: 2, col: 3 } });
  });

  it('group services name a virtual_server_group', () => {
    const { model, diagnostics } = buildFromText(`virtual_server_group G {\n  192.0.2.1 80\n}\nvirtual_server group G {\n  protocol TCP\n${RS}}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.virtualServers[0]?.key).toEqual({ kind: 'group', group: 'G' });
  });

  it('an IPv6 service takes its family from the address', () => {
    const { model } = buildFromText('virtual_server 2001:db8::1 80 {\n  protocol TCP\n  real_server 2001:db8::10 80 {\n  }\n}');
    expect(model?.virtualServers[0]?.family).toBe('inet6');
  });

  it('TUN real servers may be of the other family', () => {
    const { diagnostics } = buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 2001:db8::10 80 {\n    lvs_method TUN\n  }\n}');
    expect(errors(diagnostics)).toEqual([]);
  });

  it('lb_algo and lb_kind still apply, with deprecation warnings', () => {
    const { model, diagnostics } = buildFromText(`virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n${RS}}`);
    expect(model?.virtualServers[0]).toMatchObject({ lvsScheduler: 'rr', lvsMethod: { method: 'DR' } });
    expect(withCode(diagnostics, 'deprecated-keyword').map((d) => [d.keyword, d.hint])).toEqual([
      ['lb_algo', "write 'lvs_sched' instead"],
      ['lb_kind', "write 'lvs_method' instead"],
    ]);
  });

  it('persistence_timeout without a value is 360 s (IPVS_SVC_PERSISTENT_TIMEOUT)', () => {
    expect(buildFromText(`virtual_server 192.0.2.1 80 {\n  protocol TCP\n  persistence_timeout\n${RS}}`).model?.virtualServers[0]?.persistenceTimeoutSeconds).toBe(360);
  });

  it('rejects an unknown scheduler and tunnel options that keepalived refuses', () => {
    const { diagnostics } = buildFromText(`virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lvs_sched fastest\n  lvs_method TUN type gue\n${RS}}`);
    expect(withCode(diagnostics, 'invalid-value')[0]).toMatchObject({ pos: { line: 3, col: 13 } });
    expect(only(diagnostics, 'conflicting-options')).toMatchObject({ pos: { line: 4, col: 3 }, hint: 'add: port <udp port>' });
  });

  it('real server weights are 0..2147483647 as in keepalived 2.2.7', () => {
    const { diagnostics } = buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.10 80 {\n    weight 2147483648\n  }\n}');
    expect(only(diagnostics, 'out-of-range')).toMatchObject({ pos: { line: 4, col: 12 } });
    expect(errors(buildFromText('virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 192.0.2.10 80 {\n    weight 99999999\n  }\n}').diagnostics)).toEqual([]);
  });
});
