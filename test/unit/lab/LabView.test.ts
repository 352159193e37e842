import { describe, expect, it } from 'vitest';
import type { DirectorStatusView } from '../../../src/lab/DirectorStatusView.js';
import { formatStatusLine, formatTransitionLine, realServerVerdictText } from '../../../src/lab/LabView.js';

const realServers = [
  { name: 'rs1', address: '198.51.100.11' },
  { name: 'rs2', address: '198.51.100.12' },
];

describe('LabView', () => {
  it('shows states, VIP holders and real server answers on one line', () => {
    const line = formatStatusLine({
      elapsedMs: 12_000,
      instances: [
        { name: 'FRONT', vip: '203.0.113.100', states: [{ director: 'd1', state: 'MASTER' }, { director: 'd2', state: 'BACKUP' }] },
      ],
      vipHolders: new Map([['203.0.113.100', ['d1']]]),
      probe: { answers: { rs1: 'rs1', rs2: null }, errors: { rs2: 'no answer (timeout)' } },
      realServers,
    });
    expect(line).toBe(
      '[ 12.0s] FRONT d1=MASTER d2=BACKUP | 203.0.113.100 on d1 | rs1 198.51.100.11 answers "rs1" | rs2 198.51.100.12 no answer (timeout)',
    );
  });

  it('says when a VIP is left behind on a director whose Vigil is not running', () => {
    const line = formatStatusLine({
      elapsedMs: 0,
      instances: [{ name: 'BACK', vip: '198.51.100.1', states: [{ director: 'd1', state: 'DOWN' }, { director: 'd2', state: 'MASTER' }] }],
      vipHolders: new Map([['198.51.100.1', ['d1', 'd2']]]),
      probe: undefined,
      realServers,
    });
    expect(line).toContain('198.51.100.1 on d2 (and still on d1, whose Vigil is down)');
    expect(line).toContain('rs1 not probed yet');
  });

  it('says when only a director whose Vigil is down still carries a VIP', () => {
    const line = formatStatusLine({
      elapsedMs: 0,
      instances: [{ name: 'FRONT', vip: '203.0.113.100', states: [{ director: 'd1', state: 'DOWN' }, { director: 'd2', state: 'BACKUP' }] }],
      vipHolders: new Map([['203.0.113.100', ['d1']]]),
      probe: undefined,
      realServers: [],
    });
    expect(line).toBe('[  0.0s] FRONT d1=DOWN d2=BACKUP | 203.0.113.100 only on d1, whose Vigil is down');
  });

  it("puts each director's health verdict next to a real server, and the virtual service's answer last", () => {
    const d1: DirectorStatusView = {
      realServers: [
        { address: '198.51.100.11', port: 80, up: false, reason: 'connect-refused' },
        { address: '198.51.100.12', port: 80, up: true, reason: null },
      ],
      ipvs: { kind: 'absent' },
    };
    const line = formatStatusLine({
      elapsedMs: 9_000,
      instances: [],
      vipHolders: new Map(),
      probe: { answers: { rs1: null, rs2: 'rs2', vip: 'rs2' }, errors: { rs1: 'connect ECONNREFUSED 198.51.100.11:80' } },
      realServers,
      directorViews: [
        { director: 'd1', view: d1 },
        { director: 'd2', view: undefined },
      ],
      virtualService: { probeName: 'vip', address: '203.0.113.100:80' },
    });
    expect(line).toBe(
      '[  9.0s] rs1 198.51.100.11 connect ECONNREFUSED 198.51.100.11:80 (checks d1=down d2=?) | rs2 198.51.100.12 answers "rs2" (checks d1=up d2=?) | 203.0.113.100:80 answered by "rs2"',
    );
  });

  it('says "unchecked" for a director without health checkers and "?" for a server it does not know', () => {
    expect(realServerVerdictText({ realServers: null, ipvs: { kind: 'absent' } }, '198.51.100.11')).toBe('unchecked');
    expect(realServerVerdictText({ realServers: [], ipvs: { kind: 'absent' } }, '198.51.100.11')).toBe('?');
    expect(realServerVerdictText(undefined, '198.51.100.11')).toBe('?');
  });

  it('prints a transition in keepalived words with its reason', () => {
    const line = formatTransitionLine(4_250, 'd2', {
      kind: 'transition',
      timeMs: 0,
      instance: 'FRONT',
      from: 'BACKUP',
      to: 'MASTER',
      reason: 'master-down-timer',
      msg: '(FRONT) Entering MASTER STATE',
    });
    expect(line).toBe('[  4.3s] d2: (FRONT) Entering MASTER STATE (reason: master-down-timer)');
  });
});
