import { describe, expect, it } from 'vitest';
import { VirtualServerState } from '../../../../src/checker/state/VirtualServerState.js';
import { virtualServerFrom } from '../support/ConfigFixture.js';
import { RecordingEffects } from '../support/RecordingEffects.js';

const VS = '[203.0.113.100]:tcp:80';
const rsText = (n: number): string => `[198.51.100.${10 + n}]:tcp:80`;

/** A virtual server with `n` real servers (one TCP_CHECK each) plus extra VS-level lines. */
function vsConfig(n: number, vsLines = '', rsLines = ''): string {
  const rs = Array.from({ length: n }, (_, i) => `  real_server 198.51.100.${11 + i} 80 {\n    ${rsLines}\n    TCP_CHECK { connect_timeout 1 }\n  }`).join('\n');
  return `virtual_server 203.0.113.100 80 {\n  protocol TCP\n  ${vsLines}\n${rs}\n}\n`;
}

function setup(text: string, checkersPerRs = 1): { st: VirtualServerState; fx: RecordingEffects } {
  const vs = virtualServerFrom(text);
  const fx = new RecordingEffects();
  const alpha = vs.realServers.map((r) => r.checkers.slice(0, checkersPerRs === 1 ? r.checkers.length : checkersPerRs).map((c) => ('alpha' in c ? c.alpha : false)));
  const st = new VirtualServerState(vs, 0, alpha, fx, 1000);
  st.init(1000);
  return { st, fx };
}

function pool(st: VirtualServerState): string[] {
  return st.snapshot().realServers.filter((r) => r.inPool).map((r) => `${r.rs}=${r.weight}`);
}

describe('VirtualServerState: start-up (init_service_vs, set_quorum_states)', () => {
  it('adds every real server of a non-alpha virtual server and gains quorum', () => {
    const { st, fx } = setup(vsConfig(2, 'quorum_up "/usr/local/bin/qup"'));
    expect(pool(st)).toEqual([`${rsText(1)}=1`, `${rsText(2)}=1`]);
    expect(fx.lines).toContain(`Gained quorum 1+0=1 <= 2 for VS ${VS}`);
    expect(fx.notifies.map((n) => n.kind)).toEqual(['quorum_up']);
    expect(st.snapshot().quorum.up).toBe(true);
  });

  it('alpha keeps every server out until a check passes; with a sorry server it starts with quorum down', () => {
    const { st, fx } = setup(vsConfig(2, 'alpha\n  sorry_server 192.0.2.9 8080\n  quorum_down "/usr/local/bin/qdown"'));
    expect(pool(st)).toEqual([]);
    expect(fx.lines).toEqual([
      `Starting with quorum down 1-0=1 > 0 for VS ${VS}`,
      `Adding sorry server [192.0.2.9]:tcp:8080 to VS ${VS}`,
      `Removing alive servers from the pool for VS ${VS}`,
    ]);
    expect(fx.notifies.map((n) => n.kind)).toEqual(['quorum_down']);
    expect(st.snapshot().sorryServer).toMatchObject({ active: true, inPool: true, weight: 1 });
    expect(st.snapshot().realServers.map((r) => r.reason)).toEqual(['alpha', 'alpha']);
  });

  it('alpha without a sorry server starts silently with quorum down', () => {
    const { st, fx } = setup(vsConfig(2, 'alpha'));
    expect(fx.lines).toEqual([]);
    expect(st.snapshot().quorum.up).toBe(false);
  });

  it('inhibit_on_failure adds alpha servers at weight 0 from the start', () => {
    const { st } = setup(vsConfig(1, 'alpha\n  inhibit_on_failure'));
    expect(pool(st)).toEqual([`${rsText(1)}=0`]);
  });

  it('reduces a quorum above the total weight and a hysteresis not below the quorum, as keepalived warns', () => {
    // The config validator already rejects this; the state keeps keepalived's runtime correction anyway.
    const vs = { ...virtualServerFrom(vsConfig(2)), quorum: 5, hysteresis: 3 };
    const fx = new RecordingEffects();
    const st = new VirtualServerState(vs, 0, [[false], [false]], fx, 0);
    expect(fx.lines.slice(0, 2)).toEqual([
      `Warning - quorum 5 for ${VS} exceeds total weight of real servers 2, reducing quorum to 2`,
      `Virtual server ${VS}: hysteresis 3 >= quorum 2; setting hysteresis to 1`,
    ]);
    expect(st.snapshot().quorum).toMatchObject({ quorum: 2, hysteresis: 1 });
  });
});

describe('VirtualServerState: real servers going down and up (perform_svr_state)', () => {
  it('removes a failed server, runs notify_down, and adds it back with notify_up', () => {
    const { st, fx } = setup(vsConfig(2, '', 'notify_up "/bin/up"\n    notify_down "/bin/down"'));
    fx.clear();
    st.checkerReport(0, 0, false, 'connect-refused', 2000);
    expect(fx.timeline).toEqual([`Removing service ${rsText(1)} from VS ${VS}`, `notify notify_down ${rsText(1)}`]);
    expect(pool(st)).toEqual([`${rsText(2)}=1`]);
    expect(st.snapshot().realServers[0]).toMatchObject({ up: false, reason: 'connect-refused', since: 2000 });
    fx.clear();
    st.checkerReport(0, 0, true, null, 3000);
    expect(fx.timeline).toEqual([`Adding service ${rsText(1)} to VS ${VS}`, `notify notify_up ${rsText(1)}`]);
    expect(st.snapshot().realServers[0]).toMatchObject({ up: true, inPool: true, reason: null, since: 3000 });
  });

  it('logs once per transition: repeated down reports change nothing', () => {
    const { st, fx } = setup(vsConfig(2));
    fx.clear();
    for (let i = 0; i < 5; i++) st.checkerReport(0, 0, false, 'connect-timeout', 2000 + i);
    expect(fx.lines).toEqual([`Removing service ${rsText(1)} from VS ${VS}`]);
  });

  it('inhibit_on_failure sets weight 0 instead of removing ("Disabling ... of VS")', () => {
    const { st, fx } = setup(vsConfig(1, 'inhibit_on_failure'));
    fx.clear();
    st.checkerReport(0, 0, false, 'reset', 2000);
    expect(fx.lines[0]).toBe(`Disabling service ${rsText(1)} of VS ${VS}`);
    expect(pool(st)).toEqual([`${rsText(1)}=0`]);
    st.checkerReport(0, 0, true, null, 3000);
    expect(fx.lines).toContain(`Enabling service ${rsText(1)} of VS ${VS}`);
    expect(pool(st)).toEqual([`${rsText(1)}=1`]);
  });

  it('a real server with several checkers is up only while all pass', () => {
    const text = `virtual_server 203.0.113.100 80 {
  protocol TCP
  real_server 198.51.100.11 80 {
    TCP_CHECK { connect_timeout 1 }
    HTTP_GET { url { path /health } }
  }
}`;
    const { st, fx } = setup(text);
    fx.clear();
    st.checkerReport(0, 1, false, 'http-status', 2000);
    expect(pool(st)).toEqual([]);
    st.checkerReport(0, 0, false, 'connect-refused', 2100);
    st.checkerReport(0, 1, true, null, 2200);
    expect(pool(st)).toEqual([]);
    expect(st.snapshot().realServers[0]?.failedCheckers).toBe(1);
    st.checkerReport(0, 0, true, null, 2300);
    expect(pool(st)).toEqual([`${rsText(1)}=1`]);
    expect(fx.lines.filter((l) => l.startsWith('Removing service') || l.startsWith('Adding service'))).toHaveLength(2);
  });

  it('alpha: the first failing result of a checker announces the server down (notify_down) without a transition', () => {
    const { st, fx } = setup(vsConfig(1, 'alpha', 'notify_down "/bin/down"'));
    fx.clear();
    st.checkerReport(0, 0, false, 'connect-refused', 2000);
    expect(fx.timeline).toEqual([`notify notify_down ${rsText(1)}`]);
    expect(st.snapshot().realServers[0]?.reason).toBe('connect-refused');
  });
});

describe('VirtualServerState: quorum and hysteresis (update_quorum_state)', () => {
  it('with quorum 3 hysteresis 1 over 5 servers: lost below 2, regained at 4, no flapping at 2-3', () => {
    const { st, fx } = setup(vsConfig(5, 'quorum 3\n  hysteresis 1\n  quorum_up "/bin/qup"\n  quorum_down "/bin/qdown"'));
    fx.clear();
    const down = (i: number): void => st.checkerReport(i, 0, false, 'connect-refused', 2000);
    const up = (i: number): void => st.checkerReport(i, 0, true, null, 3000);
    down(0);
    down(1);
    down(2); // 2 left: 2 >= 3-1, still up
    expect(st.snapshot().quorum.up).toBe(true);
    down(3); // 1 left: lost
    expect(st.snapshot().quorum.up).toBe(false);
    expect(fx.lines).toContain(`Lost quorum 3-1=2 > 1 for VS ${VS}`);
    up(0);
    up(1); // 3: not yet, needs 3+1
    expect(st.snapshot().quorum.up).toBe(false);
    down(1);
    up(1);
    up(2); // 4: gained
    expect(st.snapshot().quorum.up).toBe(true);
    expect(fx.lines).toContain(`Gained quorum 3+1=4 <= 4 for VS ${VS}`);
    expect(fx.notifies.map((n) => n.kind)).toEqual(['quorum_down', 'quorum_up']);
  });

  it('loses quorum when every server is down and puts the sorry server in, then takes it out again', () => {
    const { st, fx } = setup(vsConfig(2, 'sorry_server 192.0.2.9 8080'));
    fx.clear();
    st.checkerReport(0, 0, false, 'connect-refused', 2000);
    st.checkerReport(1, 0, false, 'connect-refused', 2000);
    expect(fx.lines.slice(-3)).toEqual([
      `Lost quorum 1-0=1 > 0 for VS ${VS}`,
      `Adding sorry server [192.0.2.9]:tcp:8080 to VS ${VS}`,
      `Removing alive servers from the pool for VS ${VS}`,
    ]);
    expect(st.snapshot().sorryServer).toMatchObject({ active: true, inPool: true });
    fx.clear();
    st.checkerReport(1, 0, true, null, 3000);
    expect(fx.lines).toEqual([
      `Adding service ${rsText(2)} to VS ${VS}`,
      `Gained quorum 1+0=1 <= 1 for VS ${VS}`,
      `Removing sorry server [192.0.2.9]:tcp:8080 from VS ${VS}`,
      `Adding alive servers to the pool for VS ${VS}`,
    ]);
    expect(st.snapshot().sorryServer).toMatchObject({ active: false, inPool: false });
    expect(pool(st)).toEqual([`${rsText(2)}=1`]);
  });

  it('while the sorry server stands in, healthy servers are kept out of the pool', () => {
    const { st } = setup(vsConfig(3, 'quorum 3\n  sorry_server 192.0.2.9 8080'));
    st.checkerReport(0, 0, false, 'connect-refused', 2000);
    expect(pool(st)).toEqual([]);
    expect(st.snapshot().realServers.map((r) => r.up)).toEqual([false, true, true]);
  });

  it('sorry_server_inhibit keeps the sorry server at weight 0 until it is needed', () => {
    const { st } = setup(vsConfig(1, 'sorry_server 192.0.2.9 8080\n  sorry_server_inhibit'));
    expect(st.snapshot().sorryServer).toMatchObject({ inPool: true, weight: 0, active: false });
    st.checkerReport(0, 0, false, 'connect-refused', 2000);
    expect(st.snapshot().sorryServer).toMatchObject({ inPool: true, weight: 1, active: true });
  });
});

describe('VirtualServerState: weights (update_svr_wgt, misc_dynamic)', () => {
  it('exit status 2..255 sets the weight to status - 2 and counts in the quorum; 0 or a failure takes it back', () => {
    const { st, fx } = setup(vsConfig(1, 'quorum 1'));
    fx.clear();
    st.checkerExitCode(0, 0, 12, 2000);
    expect(fx.lines).toEqual([`Changing weight from 1 to 10 for active service ${rsText(1)} of VS ${VS}`]);
    expect(pool(st)).toEqual([`${rsText(1)}=10`]);
    st.checkerExitCode(0, 0, 2, 3000);
    expect(pool(st)).toEqual([`${rsText(1)}=0`]);
    expect(st.snapshot().quorum).toMatchObject({ up: false, weightSum: 0 });
    st.checkerExitCode(0, 0, 0, 4000);
    expect(pool(st)).toEqual([`${rsText(1)}=1`]);
    expect(st.snapshot().quorum.up).toBe(true);
    st.checkerExitCode(0, 0, 22, 5000);
    fx.clear();
    st.checkerWeightReset(0, 0);
    expect(fx.lines).toEqual([]);
    expect(pool(st)).toEqual([`${rsText(1)}=1`]);
  });
});

describe('VirtualServerState: shutdown (clear_service_vs)', () => {
  it('with omega runs notify_down for healthy servers and quorum_down', () => {
    const { st, fx } = setup(vsConfig(2, 'omega\n  quorum_down "/bin/qdown"', 'notify_down "/bin/down"'));
    st.checkerReport(1, 0, false, 'connect-refused', 2000);
    fx.clear();
    st.shutdown(5000);
    expect(fx.timeline).toEqual([
      `Shutting down service ${rsText(1)} from VS ${VS}`,
      `notify notify_down ${rsText(1)}`,
      `Shutting down service ${rsText(2)} from VS ${VS}`,
      `notify quorum_down ${VS}`,
    ]);
    expect(pool(st)).toEqual([]);
  });

  it('without omega runs no notifiers', () => {
    const { st, fx } = setup(vsConfig(1, 'quorum_down "/bin/qdown"', 'notify_down "/bin/down"'));
    fx.clear();
    st.shutdown(5000);
    expect(fx.notifies).toEqual([]);
  });
});

describe('VirtualServerState: keys', () => {
  it('formats fwmark and group services as keepalived does', () => {
    const fx = new RecordingEffects();
    const fw = virtualServerFrom('virtual_server fwmark 7 {\n lvs_method DR\n real_server 198.51.100.11 { TCP_CHECK { connect_port 80 } }\n}\n');
    expect(new VirtualServerState(fw, 0, [[false]], fx, 0).snapshot()).toMatchObject({ vs: 'FWM 7', realServers: [{ rs: '[198.51.100.11]:none:0' }] });
  });
});
