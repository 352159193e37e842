import { CheckerEngine, type CheckerEngineOptions } from '../../../../src/checker/engine/CheckerEngine.js';
import type { CheckerLog } from '../../../../src/checker/engine/CheckerLog.js';
import type { CheckerOutputEvent } from '../../../../src/checker/CheckerOutput.js';
import type { ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';
import type { ProbeRunner } from '../../../../src/checker/probe/ProbeRunner.js';
import type { ProbeSpec } from '../../../../src/checker/probe/ProbeSpec.js';
import type { PathStat, ScriptInspector } from '../../../../src/checker/script/ScriptSecurity.js';
import { ScriptUserTable } from '../../../../src/checker/script/ScriptUserTable.js';
import { VirtualTime } from '../../../../src/checker/time/VirtualTime.js';
import { configFrom } from './ConfigFixture.js';

export interface ProbeCall {
  readonly at: number;
  readonly target: string;
}

/** "host:port" (or the script's program) of a probe. */
export function targetOf(spec: ProbeSpec): string {
  return spec.kind === 'misc' ? spec.argv.join(' ') : `${spec.target.host}:${spec.target.port}`;
}

/** A probe runner whose answers the test decides, per target, at the virtual time of the probe. */
export class ScriptedRunner implements ProbeRunner {
  readonly calls: ProbeCall[] = [];
  /** Outcome per target; default success. */
  answer: (target: string, at: number, spec: ProbeSpec) => ProbeOutcome | Promise<ProbeOutcome> = () => ({ ok: true, detail: 'ok', exitCode: null });
  constructor(private readonly time: VirtualTime) {}

  run(spec: ProbeSpec): Promise<ProbeOutcome> {
    const target = targetOf(spec);
    const at = this.time.monotonicMs();
    this.calls.push({ at, target });
    return Promise.resolve(this.answer(target, at, spec));
  }

  startsFor(target: string): number[] {
    return this.calls.filter((c) => c.target === target).map((c) => c.at);
  }
}

export class RecordingLog implements CheckerLog {
  readonly lines: string[] = [];
  readonly entries: { level: string; msg: string; fields: Readonly<Record<string, unknown>> }[] = [];
  info(fields: Readonly<Record<string, unknown>>, msg: string): void {
    this.lines.push(msg);
    this.entries.push({ level: 'info', msg, fields });
  }
  warn(fields: Readonly<Record<string, unknown>>, msg: string): void {
    this.lines.push(msg);
    this.entries.push({ level: 'warn', msg, fields });
  }
  matching(re: RegExp): string[] {
    return this.lines.filter((l) => re.test(l));
  }
}

/** Every path is a root-owned 0755 directory or file: all scripts pass the security checks. */
export const trustingInspector: ScriptInspector = {
  lstat: (p): PathStat => ({ kind: p.endsWith('.sh') || /^\/(usr\/)?s?bin\/./.test(p) ? 'file' : 'directory', uid: 0, gid: 0, mode: 0o755 }),
  stat: (): PathStat => ({ kind: 'file', uid: 0, gid: 0, mode: 0o755 }),
  realpath: (p) => p,
  which: (n) => `/usr/bin/${n}`,
};

export const testUsers = ScriptUserTable.parse('root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n', 'root:x:0:\nnogroup:x:65534:\n');

export interface Harness {
  readonly time: VirtualTime;
  readonly runner: ScriptedRunner;
  readonly log: RecordingLog;
  readonly engine: CheckerEngine;
  readonly events: CheckerOutputEvent[];
  /** Advances virtual time, letting probe results settle at each wake-up. */
  advanceTo(ms: number): Promise<void>;
}

export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function harness(configText: string, options: Partial<CheckerEngineOptions> = {}): Harness {
  const time = new VirtualTime(0);
  const runner = new ScriptedRunner(time);
  const log = new RecordingLog();
  const engine = new CheckerEngine(configFrom(configText), {
    clock: time,
    wakeup: time,
    runner,
    log,
    random: () => 0,
    users: testUsers,
    scriptInspector: trustingInspector,
    scriptRunner: () => Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 }),
    probeFdBudget: 1000,
    ...options,
  });
  const events: CheckerOutputEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const advanceTo = async (ms: number): Promise<void> => {
    await flush();
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = time.nextWakeup();
      if (next === null || next > ms) break;
      time.advanceTo(next);
      await flush();
    }
    time.advanceTo(ms);
    await flush();
  };
  return { time, runner, log, engine, events, advanceTo };
}
