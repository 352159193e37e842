import { describe, expect, it } from 'vitest';
import { CheckerCycle, type CycleSettings } from '../../../../src/checker/state/CheckerCycle.js';
import { probeFailure, probeSuccess, type ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';

const OK = probeSuccess('connected');
const FAIL = probeFailure('connect-refused', 'ECONNREFUSED');

function cycle(over: Partial<CycleSettings> = {}): CheckerCycle {
  return new CheckerCycle({ kind: 'tcp', retry: 1, delayLoopMs: 6000, delayBeforeRetryMs: 1000, alpha: false, fastRecovery: false, logAllFailures: false, ...over });
}

/** Runs outcomes through a cycle; returns [report, delay] per step. */
function run(c: CheckerCycle, outcomes: ProbeOutcome[]): [boolean | null, number][] {
  return outcomes.map((o) => {
    const s = c.onOutcome(o);
    return [s.report, s.nextDelayMs];
  });
}

describe('CheckerCycle: TCP_CHECK (check_tcp.c tcp_epilog)', () => {
  it('takes a server down on the very first failure (retry_it starts at retry)', () => {
    const c = cycle({ retry: 3 });
    const s = c.onOutcome(FAIL);
    expect(s).toMatchObject({ report: false, nextDelayMs: 6000, logs: [{ kind: 'failed', retries: 0 }] });
    expect(c.isUp).toBe(false);
  });

  it('reports the first success of a non-alpha checker (has_run was false)', () => {
    const c = cycle();
    expect(c.onOutcome(OK)).toMatchObject({ report: true, logs: [{ kind: 'success' }], nextDelayMs: 6000 });
    expect(c.onOutcome(OK)).toMatchObject({ report: null, logs: [] });
  });

  it('retries after delay_before_retry and goes down after retry+1 consecutive failures', () => {
    const c = cycle({ retry: 2 });
    c.onOutcome(OK);
    expect(run(c, [FAIL, FAIL])).toEqual([
      [null, 1000],
      [null, 1000],
    ]);
    expect(c.onOutcome(FAIL)).toMatchObject({ report: false, nextDelayMs: 6000, logs: [{ kind: 'failed', retries: 2 }] });
  });

  it('a success between failures resets the retry count', () => {
    const c = cycle({ retry: 1 });
    c.onOutcome(OK);
    expect(run(c, [FAIL, OK, FAIL, OK])).toEqual([
      [null, 1000],
      [null, 6000],
      [null, 1000],
      [null, 6000],
    ]);
    expect(c.isUp).toBe(true);
  });

  it('rises on one success and keeps counting retries quietly while down', () => {
    const c = cycle({ retry: 1 });
    c.onOutcome(FAIL);
    expect(run(c, [FAIL, FAIL, FAIL])).toEqual([
      [null, 1000],
      [null, 6000],
      [null, 1000],
    ]);
    expect(c.onOutcome(OK)).toMatchObject({ report: true, logs: [{ kind: 'success' }] });
  });

  it('alpha starts down; the first failure is reported (so notify_down runs) and a success brings it up', () => {
    const c = cycle({ alpha: true });
    expect(c.isUp).toBe(false);
    expect(c.onOutcome(FAIL)).toMatchObject({ report: false });
    expect(c.onOutcome(OK)).toMatchObject({ report: true });
    const d = cycle({ alpha: true });
    expect(d.onOutcome(OK)).toMatchObject({ report: true });
  });

  it('logs each failed attempt only with log_all_failures', () => {
    const quiet = cycle({ retry: 2 });
    quiet.onOutcome(OK);
    expect(quiet.onOutcome(FAIL).logs).toEqual([]);
    const loud = cycle({ retry: 2, logAllFailures: true });
    loud.onOutcome(OK);
    expect(loud.onOutcome(FAIL).logs).toEqual([{ kind: 'attempt-failed', attempt: 1, retry: 2 }]);
  });

  it('skip() only re-arms at delay_loop', () => {
    const c = cycle();
    expect(c.skip()).toMatchObject({ report: null, nextDelayMs: 6000 });
  });
});

describe('CheckerCycle: HTTP_GET (check_http.c epilog / timeout_epilog)', () => {
  const http = (over: Partial<CycleSettings> = {}): CheckerCycle => cycle({ kind: 'http', retry: 1, delayBeforeRetryMs: 3000, ...over });

  it('goes down after retry+1 failures and then waits max(delay_before_retry, delay_loop)', () => {
    const c = http({ delayBeforeRetryMs: 3000, delayLoopMs: 6000 });
    c.onOutcome(OK);
    expect(run(c, [FAIL, FAIL, FAIL])).toEqual([
      [null, 3000],
      [false, 6000],
      [null, 6000],
    ]);
  });

  it('needs two successes to recover after a failure: the failed url, then all urls a delay_loop later', () => {
    const c = http();
    c.onOutcome(FAIL);
    expect(run(c, [OK, OK])).toEqual([
      [null, 6000],
      [true, 6000],
    ]);
  });

  it('fast_recovery re-checks at once instead of after delay_loop', () => {
    const c = http({ fastRecovery: true });
    c.onOutcome(FAIL);
    expect(run(c, [OK, OK])).toEqual([
      [null, 0],
      [true, 6000],
    ]);
  });

  it('alpha: a first failure is not reported (keepalived skips it) and recovery takes two successes', () => {
    const c = http({ alpha: true });
    expect(c.onOutcome(FAIL).report).toBeNull();
    expect(run(c, [OK, OK])).toEqual([
      [null, 6000],
      [true, 6000],
    ]);
  });

  it('alpha: a first success brings it straight up', () => {
    expect(http({ alpha: true }).onOutcome(OK).report).toBe(true);
  });

  it('reports the retries in the failure log', () => {
    const c = http({ retry: 3 });
    c.onOutcome(OK);
    run(c, [FAIL, FAIL, FAIL]);
    expect(c.onOutcome(FAIL).logs).toEqual([{ kind: 'failed', retries: 3 }]);
  });
});

describe('CheckerCycle: MISC_CHECK (check_misc.c)', () => {
  const misc = (over: Partial<CycleSettings> = {}): CheckerCycle => cycle({ kind: 'misc', retry: 0, ...over });
  const exit = (code: number): ProbeOutcome => (code === 0 || code >= 2 ? probeSuccess(`exit ${code}`, code) : probeFailure('misc-exit', `exit ${code}`, code));

  it('with the default retry 0 the first failing run takes the server down', () => {
    const c = misc();
    c.onOutcome(exit(0));
    expect(c.onOutcome(exit(1))).toMatchObject({ report: false, fromStart: true, nextDelayMs: 6000 });
  });

  it('counts the next run from the start of this one', () => {
    expect(misc().onOutcome(exit(0)).fromStart).toBe(true);
  });

  it('retries at delay_before_retry while up when retry is set', () => {
    const c = misc({ retry: 2 });
    c.onOutcome(exit(0));
    expect(run(c, [exit(1), exit(1), exit(1)])).toEqual([
      [null, 1000],
      [null, 1000],
      [false, 6000],
    ]);
  });

  it('stays quiet while down and comes back on the first exit 0', () => {
    const c = misc();
    c.onOutcome(exit(1));
    expect(run(c, [exit(1), exit(1), exit(0)])).toEqual([
      [null, 6000],
      [null, 6000],
      [true, 6000],
    ]);
  });

  it('flags exit status changes for misc_dynamic weights, and drops the weight when the checker fails', () => {
    const c = misc();
    expect(c.onOutcome(exit(0)).weightExitCode).toBeNull();
    expect(c.onOutcome(exit(12)).weightExitCode).toBe(12);
    expect(c.onOutcome(exit(12)).weightExitCode).toBeNull();
    expect(c.onOutcome(exit(0)).weightExitCode).toBe(0);
    expect(c.onOutcome(exit(12)).weightExitCode).toBe(12);
    expect(c.onOutcome(exit(1))).toMatchObject({ report: false, weightReset: true });
    expect(c.onOutcome(exit(0))).toMatchObject({ report: true, weightExitCode: 0 });
  });

  it('logs the url successes of a recovering HTTP checker (check_http.c "HTTP status code success to")', () => {
    const h = cycle({ kind: 'http' });
    h.onOutcome(FAIL);
    expect(h.onOutcome(OK).logs).toEqual([{ kind: 'url-success' }]);
    expect(h.onOutcome(OK).logs).toEqual([{ kind: 'url-success' }, { kind: 'success' }]);
    expect(h.onOutcome(OK).logs).toEqual([]);
  });

  it('treats a timed-out script as a failure', () => {
    const c = misc();
    c.onOutcome(exit(0));
    expect(c.onOutcome(probeFailure('misc-timeout', 'killed')).report).toBe(false);
  });
});
