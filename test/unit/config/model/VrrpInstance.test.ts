import { describe, expect, it } from 'vitest';
import { buildFromText, errors, instance, only, withCode } from './buildFromText.js';

describe('vrrp_instance', () => {
  it('applies keepalived defaults to a minimal instance', () => {
    const { model, diagnostics } = buildFromText(instance(''));
    expect(diagnostics).toEqual([]);
    const vi = model?.vrrpInstances[0];
    expect(vi).toMatchObject({
      name: 'VI_1',
      pos: { file: 'test.conf', line: 1, col: 1 },
      state: 'BACKUP',
      stateConfigured: false,
      interface: 'eth0',
      virtualRouterId: 51,
      priority: 100,
      advertIntervalSeconds: 1,
      version: 2,
      family: 'inet',
      preempt: true,
      preemptDelaySeconds: 0,
      authentication: null,
      garpMasterDelaySeconds: 5,
      garpMasterRepeat: 5,
      garpMasterRefreshSeconds: 0,
      garpMasterRefreshRepeat: 1,
      garpLowerPrioDelaySeconds: 5,
      garpLowerPrioRepeat: 5,
      accept: true,
      strictMode: false,
      debug: 0,
    });
    expect(vi?.virtualIpAddresses).toEqual([
      { address: '192.0.2.100', family: 'inet', prefixLength: 32, broadcast: null, device: null, scope: null, label: null, peer: null, noTrack: false, otherOptions: [], pos: { file: 'test.conf', line: 5, col: 5 } },
    ]);
  });

  it('reads every instance keyword', () => {
    const { model, diagnostics } = buildFromText(`vrrp_script chk {
  script /bin/true
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 2
  authentication {
    auth_type PASS
    auth_pass 1111
  }
  virtual_ipaddress {
    192.0.2.100/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip no_track
    192.0.2.101
  }
  virtual_ipaddress_excluded {
    2001:db8::5/64
  }
  virtual_routes {
    198.51.100.0/24 via 192.0.2.1 dev eth0
  }
  virtual_rules {
    from 192.0.2.0/24 table 100
  }
  unicast_src_ip 192.0.2.10
  unicast_peer {
    192.0.2.11 min_ttl 250 max_ttl 255
    192.0.2.12
  }
  track_interface {
    eth1 weight -20
    eth2
  }
  track_script {
    chk weight 10 reverse
  }
  notify "/usr/local/bin/notify.sh all"
  notify_master "/usr/local/bin/master.sh VI_1"
  notify_backup /usr/local/bin/backup.sh
  notify_fault /usr/local/bin/fault.sh
  notify_stop /usr/local/bin/stop.sh
  notify_master_rx_lower_pri /usr/local/bin/lower.sh
  smtp_alert
  garp_master_delay 3
  garp_master_repeat 2
  garp_master_refresh 30
  garp_master_refresh_repeat 3
  garp_lower_prio_delay 1
  garp_lower_prio_repeat 1
  lower_prio_no_advert
  higher_prio_send_advert false
  use_vmac vrrp51
  vmac_xmit_base
  dont_track_primary
  skip_check_adv_addr
  no_accept
  debug 2
}`);
    expect(errors(diagnostics)).toEqual([]);
    const vi = model?.vrrpInstances[0];
    expect(vi).toMatchObject({
      state: 'MASTER',
      stateConfigured: true,
      priority: 150,
      advertIntervalSeconds: 2,
      authentication: { type: 'PASS', password: '1111' },
      virtualIpAddressesExcluded: [{ address: '2001:db8::5', family: 'inet6', prefixLength: 64 }],
      virtualRoutes: [{ destination: { address: '198.51.100.0', prefixLength: 24 }, via: '192.0.2.1', device: 'eth0' }],
      virtualRules: [{ from: { address: '192.0.2.0', prefixLength: 24 }, table: 100, priority: 16384, priorityAssigned: true }],
      unicastSrcIp: { address: '192.0.2.10', family: 'inet' },
      unicastPeers: [
        { address: '192.0.2.11', minTtl: 250, maxTtl: 255 },
        { address: '192.0.2.12', minTtl: null, maxTtl: null },
      ],
      trackInterfaces: [
        { name: 'eth1', weight: -20, reverse: false },
        { name: 'eth2', weight: null, reverse: false },
      ],
      trackScripts: [{ name: 'chk', weight: 10, reverse: true }],
      notify: { command: '/usr/local/bin/notify.sh all', argv: ['/usr/local/bin/notify.sh', 'all'] },
      notifyMaster: { command: '/usr/local/bin/master.sh VI_1', argv: ['/usr/local/bin/master.sh', 'VI_1'] },
      notifyMasterRxLowerPri: { argv: ['/usr/local/bin/lower.sh'] },
      smtpAlert: true,
      garpMasterDelaySeconds: 3,
      garpMasterRepeat: 2,
      garpMasterRefreshSeconds: 30,
      garpMasterRefreshRepeat: 3,
      garpLowerPrioDelaySeconds: 1,
      garpLowerPrioRepeat: 1,
      lowerPrioNoAdvert: true,
      higherPrioSendAdvert: false,
      useVmac: { name: 'vrrp51' },
      vmacXmitBase: true,
      dontTrackPrimary: true,
      skipCheckAdvAddr: true,
      accept: false,
      debug: 2,
    });
    expect(vi?.virtualIpAddresses[0]).toMatchObject({ address: '192.0.2.100', prefixLength: 24, broadcast: '192.0.2.255', device: 'eth1', scope: 'link', label: 'eth1:vip', noTrack: true });
  });

  it('takes GARP defaults from global_defs', () => {
    const { model } = buildFromText(`global_defs {\n vrrp_garp_master_delay 9\n vrrp_garp_master_repeat 4\n}\n${instance('  garp_master_delay 7')}`);
    expect(model?.vrrpInstances[0]).toMatchObject({ garpMasterDelaySeconds: 7, garpMasterRepeat: 4, garpLowerPrioDelaySeconds: 9, garpLowerPrioRepeat: 4 });
  });

  it('uses VRRP version 3 for IPv6 and accepts fractional advert_int there', () => {
    const { model, diagnostics } = buildFromText(`vrrp_instance V6 {
  interface eth0
  virtual_router_id 7
  advert_int 0.5
  virtual_ipaddress {
    fe80::1
    2001:db8::1/64
  }
}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpInstances[0]).toMatchObject({ version: 3, family: 'inet6', advertIntervalSeconds: 0.5 });
  });

  it('version 3 from global_defs allows centisecond adverts', () => {
    const { model } = buildFromText(`global_defs {\n vrrp_version 3\n}\n${instance('  advert_int 0.25')}`);
    expect(model?.vrrpInstances[0]?.advertIntervalSeconds).toBe(0.25);
  });

  it('strict mode turns accept mode off by default', () => {
    expect(buildFromText(instance('  strict_mode')).model?.vrrpInstances[0]).toMatchObject({ strictMode: true, accept: false });
    expect(buildFromText(`global_defs {\n vrrp_strict\n}\n${instance('')}`).model?.vrrpInstances[0]?.accept).toBe(false);
  });

  it('nopreempt and preempt_delay', () => {
    expect(buildFromText(instance('  nopreempt')).model?.vrrpInstances[0]?.preempt).toBe(false);
    expect(buildFromText(instance('  preempt_delay 12.5')).model?.vrrpInstances[0]?.preemptDelaySeconds).toBe(12.5);
  });

  it('use_vmac without a name lets the runtime pick one', () => {
    expect(buildFromText(instance('  use_vmac')).model?.vrrpInstances[0]?.useVmac).toMatchObject({ name: null });
  });

  it('truncates auth_pass to 8 characters like keepalived, with a warning', () => {
    const { model, diagnostics } = buildFromText(instance('  authentication {\n    auth_type AH\n    auth_pass 123456789\n  }'));
    expect(model?.vrrpInstances[0]?.authentication).toMatchObject({ type: 'AH', password: '12345678' });
    const d = only(diagnostics, 'invalid-value');
    expect(d.severity).toBe('warning');
    expect(d.pos).toMatchObject({ line: 9, col: 15 });
  });

  it('passes through instance keywords Vigil does not act on', () => {
    const { model, diagnostics } = buildFromText(instance('  promote_secondaries\n  unicast_ttl 10'));
    expect(model?.vrrpInstances[0]?.passThrough.map((p) => p.keyword)).toEqual(['promote_secondaries', 'unicast_ttl']);
    expect(withCode(diagnostics, 'unsupported-keyword')).toHaveLength(2);
  });

  it('an instance without virtual_ipaddress is allowed, with a warning', () => {
    const { model, diagnostics } = buildFromText('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 3\n}');
    expect(model?.vrrpInstances).toHaveLength(1);
    expect(only(diagnostics, 'missing-required')).toMatchObject({ severity: 'warning', keyword: 'virtual_ipaddress' });
  });

  it('a unicast instance may omit interface when it has unicast_src_ip', () => {
    const { model, diagnostics } = buildFromText(`vrrp_instance U {
  virtual_router_id 9
  unicast_src_ip 192.0.2.1
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.50
  }
}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpInstances[0]?.interface).toBe('');
  });
});

describe('vrrp_instance repeated blocks', () => {
  it('track_script blocks add up, and a name already tracked is ignored (as keepalived does)', () => {
    const { model, diagnostics } = buildFromText(
      `vrrp_script a {\n  script /bin/true\n}\nvrrp_script b {\n  script /bin/true\n}\n${instance('  track_script {\n    a\n  }\n  track_script {\n    b\n    a\n  }')}`,
    );
    expect(model?.vrrpInstances[0]?.trackScripts.map((r) => r.name)).toEqual(['a', 'b']);
    expect(only(diagnostics, 'duplicate-keyword')).toMatchObject({ severity: 'warning', pos: { line: 18, col: 5 } });
  });
});

describe('vrrp_instance state and priority defaults (keepalived vrrp.c, dump-verified)', () => {
  it('state MASTER without a priority is the address owner (255)', () => {
    expect(buildFromText(instance('  state MASTER')).model?.vrrpInstances[0]).toMatchObject({ state: 'MASTER', priority: 255 });
  });

  it('priority 255 without a state starts as MASTER', () => {
    expect(buildFromText(instance('  priority 255')).model?.vrrpInstances[0]).toMatchObject({ state: 'MASTER', stateConfigured: false, priority: 255 });
  });

  it('strict mode requires MASTER exactly for the address owner', () => {
    const d = only(buildFromText(instance('  strict_mode\n  state MASTER\n  priority 200')).diagnostics, 'conflicting-options');
    expect(d).toMatchObject({ pos: { line: 8, col: 9 }, hint: 'use state BACKUP, or priority 255' });
  });

  it('VRRPv3 and strict mode require a virtual_ipaddress', () => {
    const { diagnostics, model } = buildFromText('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 3\n  version 3\n}');
    expect(only(diagnostics, 'missing-required')).toMatchObject({ severity: 'error', keyword: 'virtual_ipaddress' });
    expect(model).toBeNull();
  });
});

describe('vrrp_instance strict mode (keepalived vrrp.c)', () => {
  it('forces no lower-priority GARPs and no reaction adverts', () => {
    expect(buildFromText(instance('  strict_mode')).model?.vrrpInstances[0]).toMatchObject({
      garpLowerPrioDelaySeconds: 0,
      garpLowerPrioRepeat: 0,
      lowerPrioNoAdvert: true,
      higherPrioSendAdvert: false,
      accept: false,
    });
  });

  it('the address owner keeps accept mode in strict mode', () => {
    expect(buildFromText(instance('  strict_mode\n  priority 255')).model?.vrrpInstances[0]?.accept).toBe(true);
  });

  it('refuses settings strict mode would reset', () => {
    const { diagnostics } = buildFromText(instance('  strict_mode\n  garp_lower_prio_repeat 2\n  higher_prio_send_advert\n  accept\n  preempt_delay 5'));
    expect(diagnostics.filter((d) => d.code === 'conflicting-options').map((d) => d.keyword)).toEqual([
      'garp_lower_prio_repeat',
      'higher_prio_send_advert',
      'accept',
      'preempt_delay',
    ]);
  });

  it('preempt_delay with nopreempt is refused', () => {
    expect(only(buildFromText(instance('  nopreempt\n  preempt_delay 5')).diagnostics, 'conflicting-options')).toMatchObject({ keyword: 'preempt_delay', pos: { line: 8, col: 3 } });
  });
});
