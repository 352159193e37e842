import { describe, expect, it } from 'vitest';
import { buildFromText, errors, instance, only } from './buildFromText.js';

describe('vrrp_sync_group', () => {
  it('reads members, tracking and notify scripts', () => {
    const { model, diagnostics } = buildFromText(`vrrp_script chk {
  script /bin/true
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  track_interface {
    eth3 weight 5
  }
  track_script {
    chk
  }
  notify_master "/usr/local/bin/vrrp.mast arg1 arg2"
  notify_backup /usr/local/bin/vrrp.back
  notify_fault /usr/local/bin/vrrp.fault
  notify_stop /usr/local/bin/vrrp.stop
  notify /usr/local/bin/vrrp.all
  smtp_alert
  sync_group_tracking_weight
}
${instance('', 'VI_1', 1)}${instance('', 'VI_2', 2)}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpSyncGroups[0]).toMatchObject({
      name: 'G1',
      pos: { line: 4, col: 1 },
      members: [
        { name: 'VI_1', pos: { line: 6, col: 5 } },
        { name: 'VI_2', pos: { line: 7, col: 5 } },
      ],
      trackInterfaces: [{ name: 'eth3', weight: 5 }],
      trackScripts: [{ name: 'chk', weight: null }],
      notifyMaster: { argv: ['/usr/local/bin/vrrp.mast', 'arg1', 'arg2'] },
      notifyBackup: { command: '/usr/local/bin/vrrp.back' },
      notifyFault: { command: '/usr/local/bin/vrrp.fault' },
      notifyStop: { command: '/usr/local/bin/vrrp.stop' },
      notify: { command: '/usr/local/bin/vrrp.all' },
      smtpAlert: true,
      globalTracking: false,
      syncGroupTrackingWeight: true,
    });
  });

  it('accepts several members on one line', () => {
    const { model } = buildFromText(`vrrp_sync_group G {\n  group { VI_1 VI_2 }\n}\n${instance('', 'VI_1', 1)}${instance('', 'VI_2', 2)}`);
    expect(model?.vrrpSyncGroups[0]?.members.map((m) => m.name)).toEqual(['VI_1', 'VI_2']);
  });

  it('global_tracking still applies but is deprecated', () => {
    const { model, diagnostics } = buildFromText(`vrrp_sync_group G {\n  group {\n    VI_1\n  }\n  global_tracking\n}\n${instance('')}`);
    expect(model?.vrrpSyncGroups[0]?.globalTracking).toBe(true);
    expect(only(diagnostics, 'deprecated-keyword')).toMatchObject({ severity: 'warning', pos: { line: 5, col: 3 } });
  });

  it('a repeated notify script keeps the first, as keepalived does', () => {
    const { model, diagnostics } = buildFromText(`vrrp_sync_group G {\n  group {\n    VI_1\n  }\n  notify_master /a\n  notify_master /b\n}\n${instance('')}`);
    expect(model?.vrrpSyncGroups[0]?.notifyMaster?.command).toBe('/a');
    expect(only(diagnostics, 'duplicate-keyword')).toMatchObject({ severity: 'warning', pos: { line: 6, col: 3 } });
  });

  it('weighted tracking in a member needs sync_group_tracking_weight (keepalived ignores the weight)', () => {
    const text = (extra: string) => `vrrp_script chk {\n  script /bin/true\n  weight -10\n}\nvrrp_sync_group G {\n  group {\n    VI_1\n  }\n${extra}}\n${instance('  track_script {\n    chk\n  }\n  track_interface {\n    eth1 weight 5\n    eth2\n  }')}`;
    const d = buildFromText(text('')).diagnostics.filter((x) => x.code === 'conflicting-options');
    expect(d.map((x) => [x.keyword, x.pos?.line, x.pos?.col, x.hint])).toEqual([
      ['track_script', 17, 5, "add 'sync_group_tracking_weight' to vrrp_sync_group G, or use weight 0"],
      ['track_interface', 20, 5, "add 'sync_group_tracking_weight' to vrrp_sync_group G, or use weight 0"],
    ]);
    expect(errors(buildFromText(text('  sync_group_tracking_weight\n')).diagnostics)).toEqual([]);
  });

  it('an instance can be in only one sync group', () => {
    const { diagnostics } = buildFromText(`vrrp_sync_group A {\n  group {\n    VI_1\n  }\n}\nvrrp_sync_group B {\n  group {\n    VI_1\n  }\n}\n${instance('')}`);
    expect(only(diagnostics, 'duplicate-name')).toMatchObject({ pos: { line: 8, col: 5 }, keyword: 'group' });
  });

  it('a group without members is an error', () => {
    const { diagnostics } = buildFromText('vrrp_sync_group G {\n  notify /x\n}');
    expect(only(diagnostics, 'missing-required')).toMatchObject({ pos: { line: 1, col: 1 }, hint: 'add: group { VI_1 VI_2 }' });
  });
});
