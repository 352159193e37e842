import { describe, expect, it } from 'vitest';
import type { ChildProcessTuning } from '../../../../src/config/model/ChildProcessTuning.js';
import {
  applyProcessTuning,
  describeSteps,
  planProcessTuning,
  type ProcessTuningPort,
  type SyscallResult,
  type TuningLog,
  type TuningStep,
} from '../../../../src/supervisor/process/ProcessTuning.js';

const NONE: ChildProcessTuning = { nice: 0, noSwap: false, realtimePriority: null, rlimitRttimeMicros: 1_000_000, cpuAffinity: null, pos: null };
const OK: SyscallResult = { ok: true };
const EPERM: SyscallResult = { ok: false, code: 'EPERM', errno: 1, message: 'Operation not permitted (sched_setscheduler)' };

/** A port that records every call and answers from `answers` (default: success). */
class FakePort implements ProcessTuningPort {
  readonly calls: string[] = [];
  readonly sigxcpu: (() => void)[] = [];
  constructor(
    private readonly answers: Partial<Record<string, SyscallResult>> = {},
    private readonly online = 2,
  ) {}
  private answer(name: string, call: string): SyscallResult {
    this.calls.push(call);
    return this.answers[name] ?? OK;
  }
  setNice = (v: number): SyscallResult => this.answer('nice', `nice ${v}`);
  setRealtimePriority = (p: number): SyscallResult => this.answer('realtime', `realtime ${p}`);
  setRealtimeTimeLimit = (soft: number, hard: number): SyscallResult => this.answer('rlimit', `rlimit ${soft}/${hard}`);
  lockMemory = (): SyscallResult & { lockedBytes?: number } => {
    const r = this.answer('lock', 'lock');
    return r.ok ? { ok: true, lockedBytes: 90 * 2 ** 20 } : r;
  };
  onlineCpuCount = (): number => this.online;
  setCpuAffinity = (cpus: readonly number[]): SyscallResult => this.answer('affinity', `affinity ${cpus.join(',')}`);
  onRealtimeLimitWarning = (listener: () => void): void => {
    this.sigxcpu.push(listener);
  };
}

class RecordingLog implements TuningLog {
  readonly lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
}

describe('planProcessTuning (keepalived 2.2.7 set_process_priorities order)', () => {
  it('plans nothing when nothing is configured', () => {
    expect(planProcessTuning(NONE)).toEqual([]);
  });

  it('realtime (soft limit half the hard one), then memory lock, then CPU affinity', () => {
    expect(planProcessTuning({ ...NONE, realtimePriority: 10, rlimitRttimeMicros: 300_001, noSwap: true, cpuAffinity: [0, 3] })).toEqual([
      { kind: 'realtime', priority: 10, rttimeSoftMicros: 150_000, rttimeHardMicros: 300_001 },
      { kind: 'lock-memory' },
      { kind: 'cpu-affinity', cpus: [0, 3] },
    ]);
  });

  it('a nice value only for a child that is not realtime, and only when non-zero', () => {
    expect(planProcessTuning({ ...NONE, nice: -10 })).toEqual([{ kind: 'nice', value: -10 }]);
    expect(planProcessTuning({ ...NONE, nice: -10, realtimePriority: 5 }).map((s) => s.kind)).toEqual(['realtime']);
    expect(planProcessTuning({ ...NONE, nice: 0, noSwap: true })).toEqual([{ kind: 'lock-memory' }]);
  });

  it('describes steps for the reload message', () => {
    expect(describeSteps([])).toBe('none');
    expect(describeSteps(planProcessTuning({ ...NONE, realtimePriority: 20, cpuAffinity: [1] }))).toBe(
      'realtime priority 20 (RLIMIT_RTTIME 1000000 us), CPU affinity 1',
    );
  });
});

describe('applyProcessTuning', () => {
  const all: TuningStep[] = planProcessTuning({ ...NONE, realtimePriority: 10, noSwap: true, cpuAffinity: [0] });

  it('makes the calls in order and logs one info line per setting', () => {
    const port = new FakePort();
    const log = new RecordingLog();
    const outcomes = applyProcessTuning(all, 'vrrp', port, log);
    expect(port.calls).toEqual(['realtime 10', 'rlimit 500000/1000000', 'lock', 'affinity 0']);
    expect(outcomes.every((o) => o.error === null)).toBe(true);
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'Set VRRP child realtime priority 10 (SCHED_RR)'],
      ['info', 'Set VRRP child realtime limit (RLIMIT_RTTIME) to 500000/1000000 us'],
      ['info', 'Locked VRRP child in memory (90 MiB of program code and stack)'],
      ['info', 'Set VRRP child CPU affinity to 0'],
    ]);
  });

  it('a refused realtime priority is an error with its errno; no RT limit is set and the other steps still run', () => {
    const port = new FakePort({ realtime: EPERM });
    const log = new RecordingLog();
    const outcomes = applyProcessTuning(all, 'checker', port, log);
    expect(port.calls).toEqual(['realtime 10', 'lock', 'affinity 0']);
    expect(port.sigxcpu).toEqual([]);
    expect(outcomes[0]?.error).toEqual({ code: 'EPERM', errno: 1, message: 'Operation not permitted (sched_setscheduler)' });
    expect(log.lines[0]).toEqual({
      level: 'error',
      fields: { tuning: 'realtime', code: 'EPERM', errno: 1 },
      message: 'Healthcheck child: cannot raise priority to realtime 10 - Operation not permitted (sched_setscheduler)',
    });
    expect(log.lines.slice(1).map((l) => l.level)).toEqual(['info', 'info']);
  });

  it('logs a refused RT limit, memory lock, nice value and affinity with keepalived-familiar wording', () => {
    const fail = (code: string, errno: number): SyscallResult => ({ ok: false, code, errno, message: `${code} text` });
    const port = new FakePort({ rlimit: fail('EPERM', 1), lock: fail('ENOMEM', 12), nice: fail('EACCES', 13), affinity: fail('EINVAL', 22) });
    const log = new RecordingLog();
    applyProcessTuning(all, 'vrrp', port, log);
    applyProcessTuning([{ kind: 'nice', value: -10 }], 'vrrp', port, log);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'VRRP child cannot set realtime rlimit - EPERM text',
      'Unable to lock process in memory - ENOMEM text',
      'unable to set cpu affinity to vrrp process - EINVAL text',
      'Unable to set process priority to -10 - EACCES text',
    ]);
  });

  it('refuses a CPU that is not online without calling sched_setaffinity (keepalived ignores the whole set)', () => {
    const port = new FakePort({}, 2);
    const log = new RecordingLog();
    const [outcome] = applyProcessTuning([{ kind: 'cpu-affinity', cpus: [1, 2, 5] }], 'vrrp', port, log);
    expect(port.calls).toEqual([]);
    expect(outcome?.error?.code).toBe('CPU_NOT_PRESENT');
    expect(log.lines).toEqual([
      {
        level: 'error',
        fields: { tuning: 'cpu-affinity', code: 'CPU_NOT_PRESENT', errno: null },
        message: 'Invalid cpu_id specified for vrrp process - CPU 2, 5 not present (2 online), affinity left unchanged',
      },
    ]);
  });

  it('SIGXCPU (soft RT limit reached) is logged as a warning naming the keyword to raise', () => {
    const port = new FakePort();
    const log = new RecordingLog();
    applyProcessTuning(all.slice(0, 1), 'checker', port, log);
    expect(port.sigxcpu).toHaveLength(1);
    port.sigxcpu[0]?.();
    expect(log.lines.at(-1)).toEqual({
      level: 'warn',
      fields: { tuning: 'realtime', reason: 'SIGXCPU' },
      message: 'Healthcheck child has used too much CPU time, checker_rlimit_rttime may need to be increased',
    });
  });
});
