import { describe, expect, it } from 'vitest';
import { createSdNotify, type NotifyCommandRunner } from '../../../src/supervisor/SdNotify.js';

function recordingRunner(exitCode = 0): { run: NotifyCommandRunner; calls: { command: string; args: readonly string[] }[] } {
  const calls: { command: string; args: readonly string[] }[] = [];
  return {
    calls,
    run: async (command, args) => {
      calls.push({ command, args });
      return { exitCode, stderr: exitCode === 0 ? '' : 'Failed to notify init system: Connection refused\n' };
    },
  };
}

describe('SdNotify', () => {
  const env = { NOTIFY_SOCKET: '/run/systemd/notify' };

  it('does nothing when not started by systemd', async () => {
    const r = recordingRunner();
    const notify = createSdNotify({ env: {}, run: r.run, pid: 42 });
    expect(await notify.ready()).toEqual({ ok: true, sent: false });
    expect(r.calls).toEqual([]);
  });

  it('sends READY=1 with our pid as MAINPID and a one-line status', async () => {
    const r = recordingRunner();
    const notify = createSdNotify({ env, run: r.run, pid: 42 });
    expect(await notify.ready('2 instances\nrunning')).toEqual({ ok: true, sent: true });
    expect(r.calls).toEqual([{ command: 'systemd-notify', args: ['--pid=42', 'READY=1', 'STATUS=2 instances running'] }]);
  });

  it('sends RELOADING=1 with the monotonic timestamp, STOPPING=1 and plain status', async () => {
    const r = recordingRunner();
    const notify = createSdNotify({ env, run: r.run, pid: 7, monotonicMicros: () => 123456789n });
    await notify.reloading();
    await notify.stopping('stopping');
    await notify.status('MASTER on VI_1');
    expect(r.calls.map((c) => c.args)).toEqual([
      ['--pid=7', 'RELOADING=1', 'MONOTONIC_USEC=123456789'],
      ['--pid=7', 'STOPPING=1', 'STATUS=stopping'],
      ['--pid=7', 'STATUS=MASTER on VI_1'],
    ]);
  });

  it('returns a typed error when the helper fails', async () => {
    const notify = createSdNotify({ env, run: recordingRunner(1).run, pid: 7 });
    const r = await notify.ready();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SD_NOTIFY_FAILED');
      expect(r.error.message).toMatch(/Connection refused/);
    }
  });

  it('reports a missing systemd-notify binary as an error, not a throw', async () => {
    const notify = createSdNotify({ env, pid: 7, command: '/nonexistent/systemd-notify' });
    const r = await notify.ready();
    expect(r.ok).toBe(false);
  });
});
