import { describe, expect, it } from 'vitest';
import { formatStatusLine, formatTransitionLine } from '../../../src/lab/LabView.js';

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
