import { describe, expect, it } from 'vitest';
import { formatAge, formatStatusReport } from '../../../src/supervisor/StatusReport.js';
import { loadStatusFixture } from './statusFixture.js';

describe('formatStatusReport', () => {
  const text = formatStatusReport(loadStatusFixture());
  const lines = text.split('\n');

  it('heads with version, pid, uptime and the last reload with its diagnostics', () => {
    expect(lines[0]).toBe('Vigil 0.1.0, pid 4242, up 1h 0m, config /etc/keepalived/keepalived.conf');
    expect(lines[1]).toBe('Last reload: refused 30m 0s ago - Configuration refused, keeping the running one');
    expect(lines[2]).toBe("  keepalived.conf:12:5: error: unknown keyword 'priorty'");
  });

  it('lists instances with state, priority (configured when adjusted), master, since, adverts and reason', () => {
    const header = lines.find((l) => l.trimStart().startsWith('NAME'));
    expect(header?.split(/\s{2,}/).filter(Boolean)).toEqual(['NAME', 'STATE', 'PRIORITY', 'VRID', 'INTERFACE', 'MASTER', 'SINCE', 'ADVERTS OUT/IN', 'REASON']);
    const vi1 = lines.find((l) => l.trimStart().startsWith('VI_1'));
    const vi6 = lines.find((l) => l.trimStart().startsWith('VI_6'));
    expect(vi1?.split(/\s{2,}/).filter(Boolean)).toEqual(['VI_1', 'MASTER', '150', '51', 'eth0', '198.51.100.2', '2025-11-21T09:00:03Z (59m 57s ago)', '3597/12', 'master-down-timer']);
    // A backup shows the priority its master advertises.
    expect(vi6?.split(/\s{2,}/).filter(Boolean)).toEqual(['VI_6', 'BACKUP', '90 (100)', '52', 'eth1', '2001:db8::3 (priority 120)', '2025-11-21T09:00:01Z (59m 59s ago)', '0/3590', 'higher-priority-advert']);
  });

  it('says what each instance tracks, and the weight and faults that gives it', () => {
    const status = loadStatusFixture();
    const vrrp = status.vrrp!;
    const trackers = {
      scripts: [{ name: 'chk_web', status: 'down' as const }],
      instances: [
        { instance: 'VI_1', weight: 0, faults: [], objects: [] },
        { instance: 'VI_6', weight: -10, faults: ['interface:eth2'], objects: [{ kind: 'script' as const, name: 'chk_web', status: 'down' as const }, { kind: 'interface' as const, name: 'eth2', status: 'down' as const }] },
      ],
    };
    const report = formatStatusReport({ ...status, vrrp: { ...vrrp, trackers } }).split('\n');
    expect(report.filter((l) => l.includes(' tracks '))).toEqual(['  VI_6 tracks script chk_web down, interface eth2 down (weight -10; FAULT from interface:eth2)']);
    expect(lines.some((l) => l.includes(' tracks '))).toBe(false);
  });

  it('shows an unknown master and a missing reason as "-"', () => {
    const status = loadStatusFixture();
    const vrrp = status.vrrp!;
    const vi6 = { ...vrrp.instances[1]!, master: null, lastTransitionReason: null, lastAdvertPriority: null };
    const row = formatStatusReport({ ...status, vrrp: { ...vrrp, instances: [vi6] } })
      .split('\n')
      .find((l) => l.trimStart().startsWith('VI_6'));
    expect(row?.split(/\s{2,}/).filter(Boolean)).toEqual(['VI_6', 'BACKUP', '90 (100)', '52', 'eth1', '-', '2025-11-21T09:00:01Z (59m 59s ago)', '0/3590', '-']);
  });

  it('lists real servers up and down with weight and last check', () => {
    expect(text).toContain('[203.0.113.100]:tcp:80  1/2 up, quorum up');
    const down = lines.find((l) => l.includes('[198.51.100.12]:tcp:80'));
    expect(down?.split(/\s{2,}/).filter(Boolean)).toEqual(['[198.51.100.12]:tcp:80', 'DOWN', '1', 'no', '20m 0s ago', '2s ago', 'connect-refused']);
  });

  it('ends with the IPVS sync state', () => {
    expect(text).toContain('IPVS sync: running, owns 1 service(s) and 1 destination(s), 4 pass(es), last pass (checker): 1 operation(s), 0 failure(s)\n');
  });

  it('omits sides this process does not run', () => {
    const t = formatStatusReport({ ...loadStatusFixture(), vrrp: null, ipvs: null });
    expect(t).not.toContain('VRRP instances');
    expect(t).not.toContain('IPVS sync');
    expect(t).toContain('Virtual servers');
  });

  it('formats ages coarsely', () => {
    expect([formatAge(999), formatAge(61_000), formatAge(3_723_000), formatAge(90_000_000), formatAge(-5)]).toEqual(['0s', '1m 1s', '1h 2m', '1d 1h', '0s']);
  });
});
