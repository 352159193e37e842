import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { buildFromText } from '../../config/model/buildFromText.js';
import { VigilError } from '../../../../src/core/VigilError.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { ParentChannel } from '../../../../src/supervisor/process/ParentChannel.js';
import type { ProcessTuningPort, TuningLog } from '../../../../src/supervisor/process/ProcessTuning.js';
import { startProcessTuning } from '../../../../src/supervisor/process/ProcessTuningChild.js';
import { errnoResult } from '../../../../src/supervisor/process/ProcessTuningSystem.js';

function config(globalLines: string): VigilConfig {
  const { model, diagnostics } = buildFromText(`global_defs {\n${globalLines}\n}\n`);
  if (!model) throw new Error(JSON.stringify(diagnostics));
  return model;
}

function recordingLog(): TuningLog & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (_f: Record<string, unknown>, m: string) => lines.push(`${level}: ${m}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

function okPort(calls: string[]): ProcessTuningPort {
  const ok = { ok: true } as const;
  return {
    setNice: (v) => (calls.push(`nice ${v}`), ok),
    setRealtimePriority: (p) => (calls.push(`realtime ${p}`), ok),
    setRealtimeTimeLimit: (s, h) => (calls.push(`rlimit ${s}/${h}`), ok),
    lockMemory: () => (calls.push('lock'), ok),
    onlineCpuCount: () => 4,
    setCpuAffinity: (c) => (calls.push(`affinity ${c.join(',')}`), ok),
    onRealtimeLimitWarning: () => undefined,
  };
}

/** A parent channel over a fake process object, so a test can deliver parent messages. */
function fakeChannel(): { channel: ParentChannel; deliver: (m: unknown) => void } {
  const proc = Object.assign(new EventEmitter(), { connected: true, send: () => true });
  return { channel: new ParentChannel(proc as unknown as NodeJS.Process), deliver: (m) => proc.emit('message', m) };
}

describe('startProcessTuning (the child-start entry point)', () => {
  it("applies its own child's settings only", () => {
    const calls: string[] = [];
    const log = recordingLog();
    const cfg = config('vrrp_priority -5\nchecker_no_swap');
    startProcessTuning(cfg, 'checker', log, () => okPort(calls), fakeChannel().channel);
    expect(calls).toEqual(['lock']);
    startProcessTuning(cfg, 'vrrp', log, () => okPort(calls), fakeChannel().channel);
    expect(calls).toEqual(['lock', 'nice -5']);
  });

  it('does not load the addon when nothing is configured', () => {
    const log = recordingLog();
    startProcessTuning(config(''), 'vrrp', log, () => {
      throw new Error('loaded');
    }, fakeChannel().channel);
    expect(log.lines).toEqual([]);
  });

  it('an addon that cannot be loaded is an error line, not a dead child', () => {
    const log = recordingLog();
    const outcomes = startProcessTuning(config('vrrp_no_swap'), 'vrrp', log, () => {
      throw new VigilError('NATIVE_ADDON_MISSING', 'the vigil_net addon is not built');
    }, fakeChannel().channel);
    expect(outcomes).toEqual([]);
    expect(log.lines).toEqual(['error: VRRP child: process settings not applied - the vigil_net addon is not built']);
  });

  it('a reload that changes the settings warns that they take effect at the next start, and applies nothing', () => {
    const calls: string[] = [];
    const log = recordingLog();
    const { channel, deliver } = fakeChannel();
    startProcessTuning(config('vrrp_rt_priority 10'), 'vrrp', log, () => okPort(calls), channel);
    expect(calls).toEqual(['realtime 10', 'rlimit 500000/1000000']);
    log.lines.length = 0;

    deliver({ type: 'reload', id: 1, config: config('vrrp_rt_priority 10\nchecker_no_swap') });
    expect(log.lines).toEqual([]);
    deliver({ type: 'reload', id: 2, config: config('vrrp_rt_priority 20') });
    deliver({ type: 'status-request', id: 3 });
    expect(calls).toHaveLength(2);
    expect(log.lines).toEqual([
      'warn: VRRP child process settings changed by the reload (now: realtime priority 20 (RLIMIT_RTTIME 1000000 us); running with: realtime priority 10 (RLIMIT_RTTIME 1000000 us)); they take effect when the child next starts',
    ]);
  });
});

describe('errnoResult', () => {
  it("names an errno with libuv's name and text", () => {
    expect(errnoResult(0, 'mlock2')).toEqual({ ok: true });
    expect(errnoResult(1, 'sched_setscheduler')).toEqual({ ok: false, code: 'EPERM', errno: 1, message: 'operation not permitted (sched_setscheduler)' });
    expect(errnoResult(22, 'sched_setaffinity')).toMatchObject({ code: 'EINVAL', errno: 22 });
  });
});
