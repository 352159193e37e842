import type { Statement } from '../ConfigAst.js';
import type { ChildProcessTuning } from './ChildProcessTuning.js';
import type { Draft } from './Draft.js';
import type { KeywordRules } from './KeywordRules.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { readInteger } from './ValueReaders.js';

/**
 * RLIMIT_RTTIME of a realtime child when `*_rlimit_rttime` is not written, µs. keepalived's
 * RT_RLIMIT_DEFAULT is 10000 (keepalived/include/process.h), sized for a C event loop; a Node
 * child runs JavaScript longer than that between blocking calls (start-up, garbage collection)
 * and the kernel kills it with SIGKILL at the hard limit (getrlimit(2)), so Vigil's is 1 s.
 */
export const VIGIL_RT_RLIMIT_DEFAULT_MICROS = 1_000_000;
/** The smallest limit Vigil accepts: below it a Node child is likely to be killed while it starts. */
export const MIN_RT_RLIMIT_MICROS = 100_000;
/** glibc <bits/cpu-set.h> __CPU_SETSIZE: the CPUs a cpu_set_t can name. */
export const CPU_SETSIZE = 1024;
/** sched_get_priority_min/max(SCHED_RR) on Linux (sched(7)). */
const SCHED_RR_MIN = 1;
const SCHED_RR_MAX = 99;
/** keepalived reads the limit as an unsigned 32-bit number (global_parser.c get_rt_rlimit). */
const UINT32_MAX = 0xffffffff;

/** Which child a set of keywords tunes; also the keyword prefix. */
export type TunedChild = 'vrrp' | 'checker';

/** The tuning of one child while global_defs is read, plus where its keywords were. */
export interface ChildProcessTuningDraft extends Draft<ChildProcessTuning> {
  niceStmt: Statement | null;
  realtimeStmt: Statement | null;
  rlimitStmt: Statement | null;
}

export function newChildProcessTuningDraft(): ChildProcessTuningDraft {
  return {
    nice: 0,
    noSwap: false,
    realtimePriority: null,
    rlimitRttimeMicros: VIGIL_RT_RLIMIT_DEFAULT_MICROS,
    cpuAffinity: null,
    pos: null,
    niceStmt: null,
    realtimeStmt: null,
    rlimitStmt: null,
  };
}

export function finishChildProcessTuning(d: ChildProcessTuningDraft): ChildProcessTuning {
  return {
    nice: d.nice,
    noSwap: d.noSwap,
    realtimePriority: d.realtimePriority,
    rlimitRttimeMicros: d.rlimitRttimeMicros,
    cpuAffinity: d.cpuAffinity,
    pos: d.pos,
  };
}

/**
 * The `<child>_priority`, `_no_swap`, `_rt_priority`, `_rlimit_rttime` (old spelling
 * `_rlimit_rtime`) and `_cpu_affinity` rules for one child, reading into `pick(draft)`.
 * Ranges are keepalived 2.2.7's (global_parser.c get_priority, get_realtime_priority,
 * get_rt_rlimit, get_cpu_affinity); where keepalived ignores, clamps or zeroes a bad value,
 * Vigil refuses it (DIFFERENCES.md).
 */
export function childProcessTuningRules<D>(child: TunedChild, pick: (draft: D) => ChildProcessTuningDraft): KeywordRules<D> {
  const mark = (s: Statement, t: ChildProcessTuningDraft): void => {
    t.pos ??= s.keyword.pos;
  };
  const readRlimit = (s: Statement, draft: D, sink: DiagnosticSink): void => {
    const t = pick(draft);
    const v = readInteger(s, 0, { min: 1, max: UINT32_MAX, keepalivedDoes: 'sets no limit for 0 or a bad value' }, sink);
    if (v === null) return;
    const word = s.args[0];
    if (v < MIN_RT_RLIMIT_MICROS && word) {
      sink.error(
        'out-of-range',
        word,
        s.keyword.text,
        `${s.keyword.text} ${v} is below ${MIN_RT_RLIMIT_MICROS} µs: a Vigil child runs JavaScript for longer than that between blocking calls, and the kernel would kill it (SIGKILL at the hard limit)`,
        `use at least ${MIN_RT_RLIMIT_MICROS}, or leave the line out for Vigil's default of ${VIGIL_RT_RLIMIT_DEFAULT_MICROS} µs`,
      );
      return;
    }
    mark(s, t);
    t.rlimitRttimeMicros = v;
    t.rlimitStmt = s;
  };
  return {
    [`${child}_priority`]: {
      minArgs: 1,
      usage: `${child}_priority <-20..19>`,
      apply: (s, draft, sink) => {
        const t = pick(draft);
        const v = readInteger(s, 0, { min: -20, max: 19, keepalivedDoes: 'uses 0, leaving the nice value alone' }, sink);
        if (v === null) return;
        mark(s, t);
        t.nice = v;
        t.niceStmt = v === 0 ? null : s;
      },
    },
    [`${child}_no_swap`]: {
      maxArgs: 0,
      apply: (s, draft) => {
        const t = pick(draft);
        mark(s, t);
        t.noSwap = true;
      },
    },
    [`${child}_rt_priority`]: {
      minArgs: 1,
      usage: `${child}_rt_priority <1..99>`,
      apply: (s, draft, sink) => {
        const t = pick(draft);
        const v = readInteger(s, 0, { min: SCHED_RR_MIN, max: SCHED_RR_MAX, keepalivedDoes: 'clamps it to 1..99' }, sink);
        if (v === null) return;
        mark(s, t);
        t.realtimePriority = v;
        t.realtimeStmt = s;
      },
    },
    [`${child}_rlimit_rttime`]: { minArgs: 1, usage: `${child}_rlimit_rttime <microseconds, at least ${MIN_RT_RLIMIT_MICROS}>`, apply: readRlimit },
    [`${child}_rlimit_rtime`]: { minArgs: 1, deprecatedFor: `${child}_rlimit_rttime`, apply: readRlimit },
    [`${child}_cpu_affinity`]: {
      minArgs: 1,
      maxArgs: CPU_SETSIZE,
      usage: `${child}_cpu_affinity <cpu> [<cpu> ...]`,
      apply: (s, draft, sink) => {
        const t = pick(draft);
        const cpus = new Set<number>();
        let bad = false;
        for (let i = 0; i < s.args.length; i++) {
          const v = readInteger(s, i, { min: 0, max: CPU_SETSIZE - 1, label: 'CPU', keepalivedDoes: 'ignores the whole line' }, sink);
          if (v === null) bad = true;
          else cpus.add(v);
        }
        if (bad) return;
        mark(s, t);
        t.cpuAffinity = [...cpus].sort((a, b) => a - b);
      },
    },
  };
}

/**
 * Settings that keepalived accepts but never acts on in combination: `_priority` is applied
 * only when the child is not realtime (process.c set_process_priorities), and the RT time
 * limit only with a realtime priority (Vigil has no automatic priority raising).
 */
export function checkChildProcessTuning(child: TunedChild, t: ChildProcessTuningDraft, sink: DiagnosticSink): void {
  if (t.niceStmt && t.realtimeStmt) {
    sink.error(
      'conflicting-options',
      t.niceStmt.keyword,
      t.niceStmt.keyword.text,
      `${child}_priority has no effect together with ${child}_rt_priority (keepalived 2.2.7 sets the nice value only for a child that is not realtime)`,
      `remove ${child}_priority, or ${child}_rt_priority to run with a nice value instead`,
    );
  }
  if (t.rlimitStmt && !t.realtimeStmt) {
    sink.warning(
      'conflicting-options',
      t.rlimitStmt.keyword,
      t.rlimitStmt.keyword.text,
      `${t.rlimitStmt.keyword.text} applies only to a realtime child; without ${child}_rt_priority it has no effect`,
      `add ${child}_rt_priority, or remove the line`,
    );
  }
}
