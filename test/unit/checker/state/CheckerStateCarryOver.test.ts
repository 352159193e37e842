import { describe, expect, it } from 'vitest';
import type { RealServerDesiredState, VirtualServerDesiredState } from '../../../../src/checker/CheckerOutput.js';
import { carryOverCheckerStates } from '../../../../src/checker/state/CheckerStateCarryOver.js';
import { configFrom } from '../support/ConfigFixture.js';

const A = 'virtual_server 192.0.2.1 80 {\n  protocol TCP\n  real_server 198.51.100.2 80 { }\n  real_server 198.51.100.3 80 { }\n  sorry_server 198.51.100.99 80\n}\n';
const B = 'virtual_server 192.0.2.7 53 {\n  protocol UDP\n  real_server 198.51.100.9 53 { }\n}\n';

function rs(text: string, up: boolean, plans: string[], extra: Partial<RealServerDesiredState> = {}): RealServerDesiredState {
  return {
    rs: text,
    address: { family: 'inet', address: text.slice(1, text.indexOf(']')) },
    port: Number(text.slice(text.lastIndexOf(':') + 1)),
    up,
    inPool: up,
    weight: up ? 1 : 0,
    configuredWeight: 1,
    reason: up ? null : 'connect-refused',
    since: 42,
    lastCheck: 41,
    checkers: plans.length,
    failedCheckers: up ? 0 : plans.length,
    checkerStates: plans.map((plan) => ({ plan, up, ran: true, weightDelta: 0 })),
    ...extra,
  };
}

function vsState(vs: string, configIndex: number, realServers: RealServerDesiredState[], sorry: string | null = null): VirtualServerDesiredState {
  return {
    vs,
    key: { kind: 'fwmark', fwmark: 0 },
    configIndex,
    checkersActive: true,
    quorum: { up: false, weightSum: 0, quorum: 1, hysteresis: 0, since: 7 },
    sorryServer: sorry === null ? null : { rs: sorry, address: { family: 'inet', address: '198.51.100.99' }, port: 80, active: true, inPool: true, weight: 1, since: 8 },
    realServers,
  };
}

const previous = [
  vsState('[192.0.2.7]:udp:53', 0, [rs('[198.51.100.9]:udp:53', true, [])]),
  vsState('[192.0.2.1]:tcp:80', 1, [rs('[198.51.100.2]:tcp:80', true, ['p2']), rs('[198.51.100.3]:tcp:80', false, ['p3'])], '[198.51.100.99]:tcp:80'),
];

describe('carryOverCheckerStates', () => {
  it('finds virtual servers by key wherever they moved, and real servers by address and port', () => {
    const config = configFrom(A + B);
    const result = carryOverCheckerStates(previous, config, [[['p2'], ['p3']], [[]]]);
    expect(result).toMatchObject({ kept: 3, fresh: 0, dropped: 0 });
    const a = result.virtualServers.get(0);
    expect(a?.quorumUp).toBe(false);
    expect(a?.quorumSince).toBe(7);
    expect(a?.sorryServer).toEqual({ active: true, since: 8 });
    expect(a?.realServers.map((r) => r?.verdicts.map((v) => v.up))).toEqual([[true], [false]]);
    expect(a?.realServers[1]).toMatchObject({ reason: 'connect-refused', since: 42, lastCheck: 41 });
    expect(result.virtualServers.get(1)?.realServers).toEqual([{ verdicts: [], reason: null, since: 42, lastCheck: 41 }]);
  });

  it('starts a real server fresh when its checkers changed, and counts the ones that went', () => {
    const config = configFrom(A.replace('198.51.100.3 80', '198.51.100.4 80'));
    const result = carryOverCheckerStates(previous, config, [[['p2-changed'], ['p4']]]);
    expect(result).toMatchObject({ kept: 0, fresh: 2, dropped: 3 });
    expect(result.virtualServers.get(0)?.realServers).toEqual([null, null]);
  });

  it('a new sorry server is not carried', () => {
    const config = configFrom(A.replace('sorry_server 198.51.100.99 80', 'sorry_server 198.51.100.98 80'));
    expect(carryOverCheckerStates(previous, config, [[['p2'], ['p3']]]).virtualServers.get(0)?.sorryServer).toBeNull();
  });

  it('a snapshot without per-checker states carries only servers whose checkers agree', () => {
    const older = [
      vsState('[192.0.2.1]:tcp:80', 0, [
        rs('[198.51.100.2]:tcp:80', true, ['x', 'y'], { checkerStates: undefined }),
        rs('[198.51.100.3]:tcp:80', false, ['x', 'y'], { checkerStates: undefined, failedCheckers: 1 }),
      ]),
    ];
    const result = carryOverCheckerStates(older, configFrom(A), [[['p', 'q'], ['p', 'q']]]);
    expect(result).toMatchObject({ kept: 1, fresh: 1 });
    expect(result.virtualServers.get(0)?.realServers[0]?.verdicts).toEqual([
      { up: true, ran: true, weightDelta: 0 },
      { up: true, ran: true, weightDelta: 0 },
    ]);
  });

  it('a virtual server that changed protocol is another one', () => {
    const result = carryOverCheckerStates(previous, configFrom(A.replace('protocol TCP', 'protocol UDP')), [[['p2'], ['p3']]]);
    expect(result.virtualServers.size).toBe(0);
    expect(result).toMatchObject({ kept: 0, fresh: 2, dropped: 3 });
  });
});
