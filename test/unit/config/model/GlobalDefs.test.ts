import { describe, expect, it } from 'vitest';
import { buildFromText, errors, only } from './buildFromText.js';

describe('global_defs', () => {
  it('fills in keepalived 2.2.7 defaults when the block is absent', () => {
    const { model } = buildFromText('');
    expect(model?.global).toMatchObject({
      pos: null,
      routerId: null,
      vrrpVersion: 2,
      vrrpMcastGroup4: '224.0.0.18',
      vrrpMcastGroup6: 'ff02::12',
      vrrpStrict: false,
      vrrpGarpMasterDelaySeconds: 5,
      vrrpGarpMasterRepeat: 5,
      vrrpGarpMasterRefreshSeconds: 0,
      vrrpGarpMasterRefreshRepeat: 1,
      vrrpGarpLowerPrioDelaySeconds: 5,
      vrrpGarpLowerPrioRepeat: 5,
      vrrpGarpIntervalSeconds: 0,
      vrrpGnaIntervalSeconds: 0,
      smtpConnectTimeoutSeconds: 30,
      lvsFlushOnStop: 'disabled',
      maxAutoPriority: null,
    });
  });

  it('reads every keyword Vigil acts on', () => {
    const { model, diagnostics } = buildFromText(`global_defs {
  router_id LVS_DEVEL
  vrrp_version 3
  vrrp_mcast_group4 224.0.0.19
  vrrp_mcast_group6 ff02::13
  vrrp_strict
  vrrp_garp_master_delay 9
  vrrp_garp_master_repeat 4
  vrrp_garp_master_refresh 60
  vrrp_garp_master_refresh_repeat 2
  vrrp_garp_interval 0.001
  vrrp_gna_interval 0.5
  vrrp_lower_prio_no_advert
  vrrp_higher_prio_send_advert true
  vrrp_check_unicast_src
  vrrp_skip_check_adv_addr
  script_user nobody nogroup
  enable_script_security
  lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 8848 ttl 2 group 224.0.0.81
  lvs_timeouts tcp 900 tcpfin 120 udp 300
  lvs_flush
  lvs_flush_on_stop VS
  notification_email {
    ops@example.com
    noc@example.com
  }
  notification_email_from vigil@example.com
  smtp_server 192.0.2.25 2525
  smtp_connect_timeout 10
  enable_traps
  dynamic_interfaces allow_if_changes
  max_auto_priority 50
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { 192.0.2.1 }
}`);
    expect(errors(diagnostics)).toEqual([]);
    const g = model?.global;
    expect(g).toMatchObject({
      routerId: 'LVS_DEVEL',
      vrrpVersion: 3,
      vrrpMcastGroup4: '224.0.0.19',
      vrrpMcastGroup6: 'ff02::13',
      vrrpStrict: true,
      vrrpGarpMasterDelaySeconds: 9,
      vrrpGarpMasterRepeat: 4,
      vrrpGarpMasterRefreshSeconds: 60,
      vrrpGarpMasterRefreshRepeat: 2,
      // keepalived derives the lower-priority settings from the master ones (dump-verified).
      vrrpGarpLowerPrioDelaySeconds: 9,
      vrrpGarpLowerPrioRepeat: 4,
      vrrpGarpIntervalSeconds: 0.001,
      vrrpGnaIntervalSeconds: 0.5,
      vrrpLowerPrioNoAdvert: true,
      vrrpHigherPrioSendAdvert: true,
      vrrpCheckUnicastSrc: true,
      vrrpSkipCheckAdvAddr: true,
      scriptUser: { user: 'nobody', group: 'nogroup' },
      enableScriptSecurity: true,
      lvsSyncDaemon: { interface: 'eth1', vrrpInstance: 'VI_1', syncId: 7, maxlen: 1400, port: 8848, ttl: 2, group: { address: '224.0.0.81', family: 'inet' } },
      lvsTimeouts: { tcpSeconds: 900, tcpFinSeconds: 120, udpSeconds: 300 },
      lvsFlush: true,
      lvsFlushOnStop: 'vs',
      notificationEmail: ['ops@example.com', 'noc@example.com'],
      notificationEmailFrom: 'vigil@example.com',
      smtpServer: { host: '192.0.2.25', port: 2525 },
      smtpConnectTimeoutSeconds: 10,
      enableTraps: true,
      dynamicInterfaces: true,
      dynamicInterfacesAllowIfChanges: true,
      maxAutoPriority: 50,
    });
    expect(g?.pos).toEqual({ file: 'test.conf', line: 1, col: 1 });
  });

  it('keeps explicit lower-priority GARP settings', () => {
    const { model } = buildFromText('global_defs {\n vrrp_garp_master_delay 9\n vrrp_garp_lower_prio_delay 2\n vrrp_garp_lower_prio_repeat 0\n}');
    expect(model?.global.vrrpGarpLowerPrioDelaySeconds).toBe(2);
    expect(model?.global.vrrpGarpLowerPrioRepeat).toBe(0);
  });

  it('merges repeated global_defs blocks', () => {
    const { model } = buildFromText('global_defs {\n router_id A\n}\nglobal_defs {\n vrrp_version 3\n}');
    expect(model?.global.routerId).toBe('A');
    expect(model?.global.vrrpVersion).toBe(3);
  });

  it('passes through known keywords it does not act on: a note when nothing is lost, a warning saying what is', () => {
    const { model, diagnostics } = buildFromText('global_defs {\n  bfd_no_swap\n  nftables keepalived\n}');
    expect(model?.global.passThrough.map((p) => [p.keyword, p.args])).toEqual([['bfd_no_swap', []], ['nftables', ['keepalived']]]);
    expect(diagnostics.map((d) => [d.severity, d.code, d.pos?.line])).toEqual([
      ['note', 'unsupported-keyword', 2],
      ['warning', 'unsupported-keyword', 3],
    ]);
    expect(diagnostics[1]?.message).toMatch(/no iptables\/nftables\/ipset rules/);
  });

  it('lvs_flush_on_stop with no value flushes everything; the old spelling is deprecated', () => {
    const { model, diagnostics } = buildFromText('global_defs {\n lvs_flush_onstop\n}');
    expect(model?.global.lvsFlushOnStop).toBe('all');
    expect(only(diagnostics, 'deprecated-keyword').hint).toBe("write 'lvs_flush_on_stop' instead");
  });

  it('max_auto_priority without a value is 99 and -1 turns it off', () => {
    expect(buildFromText('global_defs {\n max_auto_priority\n}').model?.global.maxAutoPriority).toBe(99);
    expect(buildFromText('global_defs {\n max_auto_priority -1\n}').model?.global.maxAutoPriority).toBeNull();
  });

  it('smtp_server port defaults to 25', () => {
    expect(buildFromText('global_defs {\n smtp_server mail.example.com\n}').model?.global.smtpServer).toMatchObject({ host: 'mail.example.com', port: 25 });
  });

  it('rejects vrrp_garp_interval 0 as keepalived 2.2.7 does', () => {
    const d = only(buildFromText('global_defs {\n  vrrp_garp_interval 0\n}').diagnostics, 'invalid-value');
    expect(d.severity).toBe('error');
    expect(d.pos).toEqual({ file: 'test.conf', line: 2, col: 22 });
    expect(d.message).toContain("vrrp_garp_interval '0' is invalid");
  });

  it('refuses a non-multicast vrrp_mcast_group4', () => {
    const d = only(buildFromText('global_defs {\n  vrrp_mcast_group4 10.0.0.1\n}').diagnostics, 'invalid-address');
    expect(d.pos?.col).toBe(21);
    expect(d.hint).toBe('use an address in 224.0.0.0/4');
  });

  it('checks lvs_sync_daemon option ranges', () => {
    const { diagnostics } = buildFromText('global_defs {\n  lvs_sync_daemon eth0 VI_1 maxlen 65508 ttl 0\n}');
    expect(diagnostics.filter((d) => d.code === 'out-of-range').map((d) => d.pos?.col)).toEqual([36, 46]);
  });
});
