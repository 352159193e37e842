import { describe, expect, it } from 'vitest';
import type { CarriedRealServer, CarriedVirtualServer } from '../../../../src/checker/state/CheckerStateCarryOver.js';
import { VirtualServerState } from '../../../../src/checker/state/VirtualServerState.js';
import { virtualServerFrom } from '../support/ConfigFixture.js';
import { RecordingEffects } from '../support/RecordingEffects.js';

const VS = '[203.0.113.100]:tcp:80';

function vsConfig(n: number, vsLines = '', rsLines = ''): string {
  const rs = Array.from({ length: n }, (_, i) => `  real_server 198.51.100.${11 + i} 80 {\n    weight 1\n    ${rsLines}\n    TCP_CHECK { connect_timeout 1 }\n  }`).join('\n');
  return `virtual_server 203.0.113.100 80 {\n  protocol TCP\n  ${vsLines}\n${rs}\n}\n`;
}

const up: CarriedRealServer = { verdicts: [{ up: true, ran: true, weightDelta: 0 }], reason: null, since: 500, lastCheck: 900 };
const down: CarriedRealServer = { verdicts: [{ up: false, ran: true, weightDelta: 0 }], reason: 'connect-timeout', since: 600, lastCheck: 900 };

function resumed(text: string, carried: CarriedVirtualServer): { st: VirtualServerState; fx: RecordingEffects } {
  const vs = virtualServerFrom(text);
  const fx = new RecordingEffects();
  const st = new VirtualServerState(vs, 0, vs.realServers.map(() => [false]), fx, 1000);
  st.init(1000, carried);
  return { st, fx };
}

function pool(st: VirtualServerState): string[] {
  return st.snapshot().realServers.map((r) => `${r.rs} ${r.up ? 'up' : 'down'} ${r.inPool ? `in=${r.weight}` : 'out'}`);
}

describe('VirtualServerState.init with a carried state', () => {
  it('continues silently: no quorum announcement, no notify, the times kept', () => {
    const { st, fx } = resumed(vsConfig(2, 'quorum_up "/usr/local/bin/qup"', 'notify_down /usr/bin/down.sh'), { quorumUp: true, quorumSince: 400, sorryServer: null, realServers: [up, down] });
    expect(pool(st)).toEqual(['[198.51.100.11]:tcp:80 up in=1', '[198.51.100.12]:tcp:80 down out']);
    expect(fx.timeline).toEqual([]);
    const snap = st.snapshot();
    expect(snap.quorum).toMatchObject({ up: true, since: 400 });
    expect(snap.realServers.map((r) => [r.since, r.reason, r.lastCheck])).toEqual([
      [500, null, 900],
      [600, 'connect-timeout', 900],
    ]);
    expect(snap.realServers[1]?.checkerStates).toEqual([{ plan: '', up: false, ran: true, weightDelta: 0 }]);
  });

  it('announces a quorum change the new membership causes', () => {
    // quorum 2: one carried healthy server was short of it; a new (fresh, up) one brings it.
    const { st, fx } = resumed(vsConfig(2, 'quorum 2\n  quorum_up "/usr/local/bin/qup"'), { quorumUp: false, quorumSince: 400, sorryServer: null, realServers: [up, null] });
    expect(fx.lines).toEqual([`Gained quorum 2+0=2 <= 2 for VS ${VS}`]);
    expect(fx.notifies.map((n) => n.kind)).toEqual(['quorum_up']);
    expect(pool(st)).toEqual(['[198.51.100.11]:tcp:80 up in=1', '[198.51.100.12]:tcp:80 up in=1']);
  });

  it('keeps a standing-in sorry server and the healthy servers it holds out', () => {
    const { st, fx } = resumed(vsConfig(2, 'quorum 2\n  sorry_server 192.0.2.9 8080', 'inhibit_on_failure'), {
      quorumUp: false,
      quorumSince: 400,
      sorryServer: { active: true, since: 450 },
      realServers: [up, down],
    });
    expect(fx.timeline).toEqual([]);
    // inhibit_on_failure: both stay in the service at weight 0 while the sorry server serves.
    expect(pool(st)).toEqual(['[198.51.100.11]:tcp:80 up in=0', '[198.51.100.12]:tcp:80 down in=0']);
    expect(st.snapshot().sorryServer).toMatchObject({ active: true, inPool: true, weight: 1, since: 450 });
  });

  it('a carried down server recovers with one success, announced once', () => {
    const { st, fx } = resumed(vsConfig(1, '', 'notify_up /usr/bin/up.sh'), { quorumUp: false, quorumSince: 400, sorryServer: null, realServers: [down] });
    expect(pool(st)).toEqual(['[198.51.100.11]:tcp:80 down out']);
    st.checkerReport(0, 0, true, null, 2000);
    expect(pool(st)).toEqual(['[198.51.100.11]:tcp:80 up in=1']);
    expect(fx.notifies.map((n) => n.kind)).toEqual(['notify_up']);
  });
});
