import { describe, expect, it } from 'vitest';
import type { VirtualServerDesiredState } from '../../../src/checker/CheckerOutput.js';
import { loadConfig, loadConfigText } from '../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../src/config/model/VigilConfig.js';
import { desiredIpvsTable, statesByConfigIndex } from '../../../src/ipvs/DesiredIpvsTable.js';
import {
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED3,
  IP_VS_SVC_F_SCHED_MH_PORT,
  IP_VS_SVC_F_SCHED_SH_FALLBACK,
  IP_VS_SVC_F_SCHED_SH_PORT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
} from '../../../src/ipvs/IpvsConstants.js';
import { ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import type { IpvsTableEntry } from '../../../src/ipvs/IpvsModel.js';

function model(path: string): VigilConfig {
  const loaded = loadConfig(path);
  if (loaded.model === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.model;
}

function modelText(text: string): VigilConfig {
  const loaded = loadConfigText(text, 'inline.conf');
  if (loaded.model === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.model;
}

const FIXTURE = 'test/fixtures/ipvs/configs/desired-table.conf';

function entry(table: readonly IpvsTableEntry[], key: string): IpvsTableEntry {
  const found = table.find((e) => ipvsServiceKey(e.service) === key);
  if (found === undefined) throw new Error(`no service ${key} in ${table.map((e) => ipvsServiceKey(e.service)).join(', ')}`);
  return found;
}

describe('desiredIpvsTable from the configuration', () => {
  const desired = desiredIpvsTable(model(FIXTURE));

  it('lists one kernel service per address, fwmark and expanded group entry, in configuration order', () => {
    expect(desired.table.map((e) => ipvsServiceKey(e.service))).toEqual([
      'tcp|192.0.2.1|80',
      'udp|192.0.2.2|53',
      'fwm|7|v4',
      'sctp|2001:db8::1|443',
      'tcp|192.0.2.3|25',
      'tcp|192.0.2.10|80',
      'tcp|192.0.2.11|80',
      'tcp|192.0.2.12|80',
      'tcp|2001:db8::a|443',
      'tcp|2001:db8::b|443',
      'fwm|5|v4',
    ]);
    expect(desired.problems).toEqual([]);
    expect(desired.origins.get('tcp|192.0.2.11|80')).toEqual({ vs: '[web]:0', configIndex: 5 });
  });

  it('maps scheduler, persistence and granularity (IPv4 netmask, IPv6 prefix, engine)', () => {
    expect(entry(desired.table, 'tcp|192.0.2.1|80').service).toMatchObject({ scheduler: 'wrr', flags: IP_VS_SVC_F_PERSISTENT, timeout: 300, netmask: 24 });
    // `persistence_timeout` without a value is IPVS_SVC_PERSISTENT_TIMEOUT, 360 s.
    expect(entry(desired.table, 'sctp|2001:db8::1|443').service).toMatchObject({
      af: 10,
      scheduler: 'lc',
      flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED3,
      timeout: 360,
      netmask: 64,
      persistenceEngine: 'sip',
    });
  });

  it('maps sh / mh flags and ops', () => {
    expect(entry(desired.table, 'udp|192.0.2.2|53').service.flags).toBe(IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_ONEPACKET);
    expect(entry(desired.table, 'fwm|7|v4').service).toMatchObject({ scheduler: 'mh', flags: IP_VS_SVC_F_SCHED_MH_PORT });
  });

  it('maps forwarding per real server, thresholds, weights and tunnel types', () => {
    const dests = entry(desired.table, 'tcp|192.0.2.1|80').dests;
    expect(dests).toEqual([
      { af: 2, address: '198.51.100.2', port: 8080, forwarding: 'masq', weight: 3, upperThreshold: 100, lowerThreshold: 10 },
      { af: 2, address: '198.51.100.3', port: 80, forwarding: 'droute', weight: 2, upperThreshold: 0, lowerThreshold: 0 },
      { af: 2, address: '198.51.100.4', port: 80, forwarding: 'tunnel', weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: IP_VS_TUNNEL_ENCAP_FLAG_CSUM },
      // A mixed-family dest is allowed for tunnelling only.
      { af: 10, address: '2001:db8::4', port: 80, forwarding: 'tunnel', weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 'gre', tunnelPort: 0, tunnelFlags: 0 },
    ]);
  });

  it('starts alpha servers down: out of the pool, or at weight 0 with inhibit_on_failure', () => {
    expect(entry(desired.table, 'udp|192.0.2.2|53').dests.map((d) => [d.address, d.weight])).toEqual([['198.51.100.5', 0]]);
  });

  it('puts the sorry server in when the start-up quorum is missed, and takes the real servers out', () => {
    expect(entry(desired.table, 'tcp|192.0.2.3|25').dests.map((d) => [d.address, d.port, d.weight])).toEqual([['198.51.100.99', 25, 1]]);
  });

  it('gives group dests the entry port except for NAT, and port 0 on fwmark entries', () => {
    expect(entry(desired.table, 'tcp|192.0.2.11|80').dests.map((d) => [d.address, d.port])).toEqual([
      ['198.51.100.20', 80],
      ['198.51.100.21', 8080],
    ]);
    expect(entry(desired.table, 'tcp|2001:db8::b|443').dests.map((d) => d.address)).toEqual(['2001:db8::20']);
    expect(entry(desired.table, 'fwm|5|v4').dests.map((d) => [d.address, d.port])).toEqual([
      ['198.51.100.20', 0],
      ['198.51.100.21', 8080],
    ]);
  });

  it('reports a service claimed twice and keeps the first', () => {
    const config = modelText(`
virtual_server 192.0.2.1 80 {
  protocol TCP
  real_server 198.51.100.1 80 { }
}
virtual_server_group g {
  192.0.2.1 80
}
virtual_server group g {
  protocol TCP
  real_server 198.51.100.2 80 { }
}`);
    const result = desiredIpvsTable(config);
    expect(result.table).toHaveLength(1);
    expect(result.table[0]?.dests.map((d) => d.address)).toEqual(['198.51.100.1']);
    expect(result.problems.map((p) => p.code)).toEqual(['duplicate-service']);
  });
});

describe('desiredIpvsTable from checker states', () => {
  const config = model(FIXTURE);

  function state(configIndex: number, realServers: { up: boolean; inPool: boolean; weight: number }[], sorry: { inPool: boolean; weight: number } | null): VirtualServerDesiredState {
    const vs = config.virtualServers[configIndex]!;
    return {
      vs: 'x',
      key: vs.key,
      configIndex,
      checkersActive: true,
      quorum: { up: true, weightSum: 0, quorum: 1, hysteresis: 0, since: 0 },
      sorryServer: sorry && vs.sorryServer ? { rs: 'sorry', address: vs.sorryServer.address, port: vs.sorryServer.port, active: sorry.inPool, ...sorry, since: 0 } : null,
      realServers: vs.realServers.map((rs, i) => ({
        rs: `rs${i}`,
        address: rs.address,
        port: rs.port,
        ...realServers[i]!,
        configuredWeight: rs.weight,
        reason: null,
        since: 0,
        lastCheck: null,
        checkers: 1,
        failedCheckers: 0,
      })),
    };
  }

  it('follows inPool and weight from the checker (inhibited server at 0, recovered server back)', () => {
    const states = statesByConfigIndex([
      state(1, [{ up: false, inPool: true, weight: 0 }, { up: true, inPool: true, weight: 1 }], null),
      state(4, [{ up: true, inPool: true, weight: 1 }, { up: true, inPool: true, weight: 1 }], { inPool: false, weight: 0 }),
    ]);
    const table = desiredIpvsTable(config, states).table;
    expect(entry(table, 'udp|192.0.2.2|53').dests.map((d) => [d.address, d.weight])).toEqual([
      ['198.51.100.5', 0],
      ['198.51.100.6', 1],
    ]);
    expect(entry(table, 'tcp|192.0.2.3|25').dests.map((d) => d.address)).toEqual(['198.51.100.8', '198.51.100.9']);
  });

  it('removes a real server the checker takes out of the pool', () => {
    const states = statesByConfigIndex([state(0, [{ up: true, inPool: true, weight: 3 }, { up: false, inPool: false, weight: 0 }, { up: true, inPool: true, weight: 7 }, { up: true, inPool: true, weight: 1 }], null)]);
    const dests = entry(desiredIpvsTable(config, states).table, 'tcp|192.0.2.1|80').dests;
    expect(dests.map((d) => [d.address, d.weight])).toEqual([
      ['198.51.100.2', 3],
      ['198.51.100.4', 7],
      ['2001:db8::4', 1],
    ]);
  });
});
