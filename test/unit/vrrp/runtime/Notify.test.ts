import { describe, expect, it } from 'vitest';
import { OrderedScriptQueue, type ScriptJob } from '../../../../src/checker/script/OrderedScriptQueue.js';
import type { ScriptOutcome } from '../../../../src/checker/script/ScriptProcess.js';
import type { ScriptCommand } from '../../../../src/config/model/Common.js';
import { groupNotifyCommands, instanceNotifyCommands, type NotifyScripts } from '../../../../src/vrrp/notify/NotifyCommand.js';
import { NotifyDispatcher } from '../../../../src/vrrp/notify/NotifyDispatcher.js';
import type { VrrpLog } from '../../../../src/vrrp/runtime/VrrpLog.js';

const pos = { file: 'test.conf', line: 1, col: 1 };
const cmd = (...argv: string[]): ScriptCommand => ({ command: argv.join(' '), argv, pos });
const scripts = (over: Partial<NotifyScripts> = {}): NotifyScripts => ({
  notify: null,
  notifyMaster: null,
  notifyBackup: null,
  notifyFault: null,
  notifyStop: null,
  ...over,
});

describe('notify commands (keepalived vrrp_notify.c)', () => {
  it('runs the state script as written, then the generic notify with INSTANCE name state priority', () => {
    const s = scripts({ notify: cmd('/etc/vigil/notify.sh', 'extra'), notifyMaster: cmd('/etc/vigil/master.sh'), notifyBackup: cmd('/etc/vigil/backup.sh') });
    expect(instanceNotifyCommands('VI_1', s, 'MASTER', 150)).toEqual([
      { argv: ['/etc/vigil/master.sh'], keyword: 'notify_master', runAs: null },
      { argv: ['/etc/vigil/notify.sh', 'extra', 'INSTANCE', 'VI_1', 'MASTER', '150'], keyword: 'notify', runAs: null },
    ]);
    expect(instanceNotifyCommands('VI_1', s, 'FAULT', 100)).toEqual([
      { argv: ['/etc/vigil/notify.sh', 'extra', 'INSTANCE', 'VI_1', 'FAULT', '100'], keyword: 'notify', runAs: null },
    ]);
    expect(instanceNotifyCommands('VI_1', scripts({ notifyStop: cmd('/stop') }), 'STOP', 100)).toEqual([{ argv: ['/stop'], keyword: 'notify_stop', runAs: null }]);
  });

  it('gives sync groups GROUP name state', () => {
    expect(groupNotifyCommands('G1', scripts({ notify: cmd('/n') }), 'BACKUP')).toEqual([{ argv: ['/n', 'GROUP', 'G1', 'BACKUP'], keyword: 'notify', runAs: null }]);
  });
});

describe('NotifyDispatcher', () => {
  it('runs one instance’s scripts strictly in order, each awaited, and logs failures and timeouts', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const releases: (() => void)[] = [];
    const outcomes: Record<string, ScriptOutcome> = {
      MASTER: { kind: 'exited', code: 0, output: '', durationMs: 1 },
      BACKUP: { kind: 'exited', code: 3, output: '', durationMs: 1 },
      FAULT: { kind: 'signaled', signal: 'SIGKILL', timedOut: true, output: '', durationMs: 30_000 },
    };
    const run = (job: ScriptJob): Promise<ScriptOutcome> => {
      const state = job.argv[3] ?? '?';
      started.push(`${job.argv[2]}:${state}`);
      return new Promise((resolve) =>
        releases.push(() => {
          finished.push(`${job.argv[2]}:${state}`);
          resolve(outcomes[state] ?? { kind: 'exited', code: 0, output: '', durationMs: 0 });
        }),
      );
    };
    const lines: string[] = [];
    const log: VrrpLog = {
      debug: () => undefined,
      info: (_f, m) => lines.push(`info ${m}`),
      warn: (_f, m) => lines.push(`warn ${m}`),
      error: (_f, m) => lines.push(`error ${m}`),
    };
    const jobs: ScriptJob[] = [];
    const queue = new OrderedScriptQueue(undefined, (job) => {
      jobs.push(job);
      return run(job);
    });
    const dispatcher = new NotifyDispatcher({ queue, runAs: { uid: 65534, gid: 65534 }, timeoutMs: 1234, log });
    const s = scripts({ notify: cmd('/n') });
    dispatcher.instance('VI_1', s, 'BACKUP', 100);
    dispatcher.instance('VI_1', s, 'MASTER', 100);
    dispatcher.instance('VI_2', s, 'FAULT', 90);
    await new Promise((r) => setImmediate(r));
    // VI_1's MASTER waits for its BACKUP; VI_2 runs independently.
    expect(started).toEqual(['VI_1:BACKUP', 'VI_2:FAULT']);
    releases.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['VI_1:BACKUP', 'VI_2:FAULT', 'VI_1:MASTER']);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await dispatcher.drain(1000)).toBe(true);
    expect(finished).toEqual(['VI_1:BACKUP', 'VI_2:FAULT', 'VI_1:MASTER']);
    expect(jobs[0]).toMatchObject({ uid: 65534, gid: 65534, timeoutMs: 1234 });
    expect(lines).toEqual([
      'warn (VI_1) notify /n INSTANCE VI_1 BACKUP 100 exited with status 3',
      'warn (VI_2) notify /n INSTANCE VI_2 FAULT 90 timed out and was killed',
    ]);
  });

  it('runs a script as its own USER [GROUP], and never as us when that user is unknown', async () => {
    const jobs: ScriptJob[] = [];
    const queue = new OrderedScriptQueue(undefined, (job) => {
      jobs.push(job);
      return Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 });
    });
    const errors: string[] = [];
    const dispatcher = new NotifyDispatcher({
      queue,
      runAs: { uid: 0, gid: 0 },
      resolveUser: (user) => (user.user === 'www' ? { uid: 33, gid: 33 } : undefined),
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (_f, m) => errors.push(m) },
    });
    const s = scripts({
      notifyMaster: { ...cmd('/m'), runAs: { user: 'www', group: null, pos } },
      notify: { ...cmd('/n'), runAs: { user: 'ghost', group: null, pos } },
    });
    dispatcher.instance('VI_1', s, 'MASTER', 100);
    await dispatcher.drain(1000);
    expect(jobs.map((j) => [j.argv[0], j.uid, j.gid])).toEqual([['/m', 33, 33]]);
    expect(errors).toEqual(['(VI_1) notify /n INSTANCE VI_1 MASTER 100 not run: user ghost is unknown']);
  });

  it('gives up waiting for a stuck queue after the drain bound', async () => {
    const queue = new OrderedScriptQueue(undefined, () => new Promise<ScriptOutcome>(() => undefined));
    const dispatcher = new NotifyDispatcher({ queue, runAs: null, log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
    dispatcher.group('G', scripts({ notifyMaster: cmd('/m') }), 'MASTER');
    expect(dispatcher.pending).toBe(1);
    expect(await dispatcher.drain(10)).toBe(false);
  });
});
