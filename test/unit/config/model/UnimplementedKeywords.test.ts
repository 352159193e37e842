import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../../src/config/loadConfig.js';
import { TOP_PASS_THROUGH } from '../../../../src/config/model/buildConfigModel.js';
import { GLOBAL_PASS_THROUGH } from '../../../../src/config/model/buildGlobalDefs.js';
import { URL_PASS_THROUGH } from '../../../../src/config/model/buildChecker.js';
import { INSTANCE_PASS_THROUGH } from '../../../../src/config/model/buildVrrpInstance.js';
import { SYNC_GROUP_PASS_THROUGH } from '../../../../src/config/model/buildVrrpSyncGroup.js';
import { unimplementedKeyword, unimplementedKeywordTable } from '../../../../src/config/model/UnimplementedKeywords.js';

const PASS_THROUGH_BY_BLOCK: Record<string, ReadonlySet<string>> = {
  global_defs: GLOBAL_PASS_THROUGH,
  vrrp_instance: INSTANCE_PASS_THROUGH,
  vrrp_sync_group: SYNC_GROUP_PASS_THROUGH,
  'the top level of the configuration': TOP_PASS_THROUGH,
  url: URL_PASS_THROUGH,
};

const instance = (extra: string): string => `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
    ${extra}
}
`;

describe('unimplemented keepalived keywords', () => {
  it('rules only keywords each block really passes through, each with a consequence (and a hint when refused)', () => {
    for (const [block, rules] of Object.entries(unimplementedKeywordTable())) {
      const passThrough = PASS_THROUGH_BY_BLOCK[block];
      expect(passThrough, block).toBeDefined();
      for (const [keyword, rule] of Object.entries(rules)) {
        expect(passThrough?.has(keyword), `${block}: ${keyword}`).toBe(true);
        expect(rule.consequence.length).toBeGreaterThan(10);
        if (rule.severity === 'error') expect(rule.hint, keyword).toBeDefined();
      }
    }
  });

  it('defaults to a note for keywords with no effect worth a warning', () => {
    expect(unimplementedKeyword('global_defs', 'vrrp_netlink_cmd_rcv_bufs').severity).toBe('note');
    expect(unimplementedKeyword('nowhere', 'anything').severity).toBe('note');
  });

  it('refuses a tracker Vigil cannot run, positioned, with the reason and a hint', () => {
    const loaded = loadConfigText(instance('track_file {\n        ready_file\n    }'), 'tf.conf');
    expect(loaded.model).toBeNull();
    const d = loaded.diagnostics.find((x) => x.code === 'unsupported-keyword');
    expect(d).toMatchObject({ severity: 'error', pos: { file: 'tf.conf', line: 8 } });
    expect(d?.message).toMatch(/Vigil does not implement 'track_file': .*priority/);
    expect(d?.hint).toMatch(/vrrp_script/);
  });

  it('refuses a multicast group Vigil would not use (a split brain), but loads with a lost side effect, warned', () => {
    expect(loadConfigText(instance('mcast_dst_ip 224.0.0.99'), 'm.conf').model).toBeNull();
    const warned = loadConfigText(`global_defs {\n    notify_fifo /run/keepalived.fifo\n}\n${instance('')}`, 'w.conf');
    expect(warned.model).not.toBeNull();
    expect(warned.diagnostics.find((x) => x.code === 'unsupported-keyword')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/no state lines are written to the FIFO/) });
  });

  it('keeps a plain note for internals', () => {
    const loaded = loadConfigText(`global_defs {\n    vrrp_netlink_cmd_rcv_bufs 1048576\n}\n${instance('')}`, 'n.conf');
    expect(loaded.model).not.toBeNull();
    expect(loaded.diagnostics.find((x) => x.code === 'unsupported-keyword')?.severity).toBe('note');
  });
});
