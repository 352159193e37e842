import { describe, expect, it } from 'vitest';
import type { ScriptOutcome } from '../../../../src/checker/script/ScriptProcess.js';
import { SILENT_VRRP_LOG } from '../../../../src/vrrp/runtime/VrrpLog.js';
import { InstanceTracking } from '../../../../src/vrrp/track/InstanceTracking.js';
import { ScriptHealth } from '../../../../src/vrrp/track/ScriptHealth.js';
import { trackedFaults, trackedPriorityDelta } from '../../../../src/vrrp/track/TrackedStatus.js';
import { trackingForInstance } from '../../../../src/vrrp/track/TrackingPlan.js';
import { VrrpScriptRunner, type DelayScheduler, type ScriptRunRequest } from '../../../../src/vrrp/track/VrrpScriptRunner.js';
import { configFrom } from './ConfigText.js';

describe('trackedPriorityDelta (keepalived vrrp_track.c)', () => {
  it('adds a positive weight while up and a negative one while down; reverse flips; init adds nothing', () => {
    expect(trackedPriorityDelta('up', 20, false)).toBe(20);
    expect(trackedPriorityDelta('down', 20, false)).toBe(0);
    expect(trackedPriorityDelta('up', -20, false)).toBe(0);
    expect(trackedPriorityDelta('down', -20, false)).toBe(-20);
    expect(trackedPriorityDelta('up', 20, true)).toBe(-20);
    expect(trackedPriorityDelta('down', -20, true)).toBe(20);
    expect(trackedPriorityDelta('init', -20, false)).toBe(0);
    expect(trackedPriorityDelta('down', 0, false)).toBe(0);
    expect(trackedFaults('down', 0)).toBe(true);
    expect(trackedFaults('init', 0)).toBe(false);
    expect(trackedFaults('down', -5)).toBe(false);
  });
});

describe('ScriptHealth (rise / fall as keepalived counts them)', () => {
  it('needs one success from INIT, then `fall` failures to go down and `rise` successes to come back', () => {
    const h = new ScriptHealth(2, 3, false);
    expect(h.status).toBe('init');
    expect(h.record(true)).toBe('succeeded');
    expect(h.status).toBe('up');
    expect(h.record(false)).toBeNull();
    expect(h.record(false)).toBeNull();
    expect(h.record(false)).toBe('failed');
    expect(h.status).toBe('down');
    expect(h.record(true)).toBeNull();
    expect(h.record(true)).toBe('succeeded');
  });

  it('reports the first failure from INIT and starts down with init_fail', () => {
    const fresh = new ScriptHealth(3, 3, false);
    expect(fresh.record(false)).toBe('failed');
    const pessimist = new ScriptHealth(2, 2, true);
    expect(pessimist.status).toBe('down');
    expect(pessimist.record(true)).toBeNull();
    expect(pessimist.record(true)).toBe('succeeded');
  });

  it('a success while good resets the fall count', () => {
    const h = new ScriptHealth(1, 2, false);
    h.record(true);
    expect(h.record(false)).toBeNull();
    expect(h.record(true)).toBeNull();
    expect(h.record(false)).toBeNull();
    expect(h.record(false)).toBe('failed');
  });
});

describe('trackingForInstance', () => {
  const config = configFrom(`
vrrp_script chk_a {
  script "/bin/true"
  weight -30
}
vrrp_script chk_b {
  script "/bin/true"
  weight 10 reverse
}
vrrp_sync_group G {
  group {
    VI_1
  }
  track_script {
    chk_b
  }
  track_interface {
    eth2 weight 5
  }
  sync_group_tracking_weight
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  priority 100
  track_script {
    chk_a
    chk_b weight 7
  }
  track_interface {
    eth1
    eth3 weight -50
  }
  virtual_ipaddress {
    192.0.2.9
  }
}`);
  const vi1 = config.vrrpInstances[0];

  it('takes the line weight, else the script weight, and adds the sync group tracks with sync_group_tracking_weight', () => {
    if (vi1 === undefined) throw new Error('missing VI_1');
    const tracking = trackingForInstance(config, vi1);
    expect(tracking.objects).toEqual([
      { kind: 'script', name: 'chk_a', weight: -30, reverse: false },
      { kind: 'script', name: 'chk_b', weight: 7, reverse: false },
      { kind: 'interface', name: 'eth1', weight: 0, reverse: false },
      { kind: 'interface', name: 'eth3', weight: -50, reverse: false },
      { kind: 'script', name: 'chk_b', weight: 10, reverse: true },
      { kind: 'interface', name: 'eth2', weight: 5, reverse: false },
    ]);
    const allDown = tracking.verdict(() => 'down');
    expect(allDown.weight).toBe(-80);
    expect([...allDown.faults]).toEqual(['interface:eth1']);
    const allUp = tracking.verdict(() => 'up');
    expect(allUp).toEqual({ weight: 7 - 10 + 5, faults: new Set() });
  });

  it('turns every weight of a sync group member into a fault without sync_group_tracking_weight', () => {
    const plain = configFrom(`
vrrp_script chk_a {
  script "/bin/true"
}
vrrp_sync_group G {
  group {
    VI_1
  }
  track_interface {
    eth2
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  track_script {
    chk_a
  }
  virtual_ipaddress {
    192.0.2.9
  }
}`);
    const member = plain.vrrpInstances[0];
    if (member === undefined) throw new Error('missing VI_1');
    const verdict = trackingForInstance(plain, member).verdict(() => 'down');
    expect(verdict.weight).toBe(0);
    expect([...verdict.faults].sort()).toEqual(['interface:eth2', 'script:chk_a']);
  });

  it('answers which objects it tracks', () => {
    const t = new InstanceTracking([{ kind: 'interface', name: 'eth1', weight: 0, reverse: false }]);
    expect(t.tracks('interface', 'eth1')).toBe(true);
    expect(t.tracks('script', 'eth1')).toBe(false);
  });
});

/** Scheduler whose callbacks the test runs by hand, and a clock it sets. */
class ManualScheduler {
  readonly queue: { delayMs: number; callback: () => void; cancelled: boolean }[] = [];
  readonly schedule: DelayScheduler = (delayMs, callback) => {
    const entry = { delayMs, callback, cancelled: false };
    this.queue.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  runNext(): number {
    const entry = this.queue.shift();
    if (entry === undefined) throw new Error('nothing scheduled');
    if (!entry.cancelled) entry.callback();
    return entry.delayMs;
  }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('VrrpScriptRunner', () => {
  it('runs at once, then every interval after the start of the previous run, and reports verdict changes', async () => {
    const scheduler = new ManualScheduler();
    let now = 0;
    const outcomes: ScriptOutcome[] = [
      { kind: 'exited', code: 0, output: '', durationMs: 5 },
      { kind: 'exited', code: 1, output: '', durationMs: 5 },
      { kind: 'signaled', signal: 'SIGKILL', timedOut: true, output: '', durationMs: 2000 },
    ];
    const requests: ScriptRunRequest[] = [];
    const runner = new VrrpScriptRunner({
      name: 'chk',
      argv: ['/usr/local/bin/chk', '--fast'],
      intervalMs: 2000,
      timeoutMs: 1500,
      rise: 1,
      fall: 2,
      initFail: false,
      uid: 1000,
      gid: 1000,
      execute: (request) => {
        requests.push(request);
        now += 300;
        return Promise.resolve(outcomes.shift() ?? { kind: 'exited', code: 0, output: '', durationMs: 1 });
      },
      schedule: scheduler.schedule,
      nowMs: () => now,
      log: SILENT_VRRP_LOG,
    });
    const seen: string[] = [];
    runner.onStatusChange((s) => seen.push(s));
    runner.start();
    expect(scheduler.runNext()).toBe(0);
    await flush();
    expect(requests[0]).toEqual({ argv: ['/usr/local/bin/chk', '--fast'], uid: 1000, gid: 1000, timeoutMs: 1500 });
    expect(runner.status).toBe('up');
    expect(seen).toEqual(['up']);
    // Next run one interval after the previous one started (it took 300 ms).
    expect(scheduler.runNext()).toBe(1700);
    await flush();
    expect(runner.status).toBe('up'); // fall 2: one failure is not enough
    scheduler.runNext();
    await flush();
    expect(runner.status).toBe('down'); // the timed-out run counts as the second failure
    expect(seen).toEqual(['up', 'down']);
    expect(runner.completedRuns).toBe(3);
    await runner.stop();
    expect(scheduler.queue.every((e) => e.cancelled)).toBe(true);
  });
});
