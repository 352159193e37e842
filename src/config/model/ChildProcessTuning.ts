import type { SourcePos } from '../SourcePos.js';

/**
 * keepalived's per-child scheduling knobs (`vrrp_*` / `checker_*` in global_defs): how the
 * child asks the kernel to keep it responsive under load. keepalived 2.2.7 applies them in
 * `set_process_priorities()` and `set_process_cpu_affinity()` (keepalived/core/process.c).
 */
export interface ChildProcessTuning {
  /**
   * `*_priority`, the nice value (-20..19). 0 leaves the inherited value alone: keepalived
   * calls setpriority(2) only for a non-zero value.
   */
  readonly nice: number;
  /** `*_no_swap`: lock the child's memory (mlockall(2)). */
  readonly noSwap: boolean;
  /** `*_rt_priority`, SCHED_RR priority 1..99 (sched(7)); `null`: normal scheduling. */
  readonly realtimePriority: number | null;
  /**
   * `*_rlimit_rttime`: RLIMIT_RTTIME hard limit in microseconds, applied only with a realtime
   * priority (soft limit half of it, so SIGXCPU warns first). Vigil's default is 1 s where
   * keepalived's is 10000 µs (see VIGIL_RT_RLIMIT_DEFAULT_MICROS).
   */
  readonly rlimitRttimeMicros: number;
  /** `*_cpu_affinity`: CPU numbers as in /proc/cpuinfo; `null`: inherited affinity. */
  readonly cpuAffinity: readonly number[] | null;
  /** Where each setting was written, for messages; `null` when defaulted. */
  readonly pos: SourcePos | null;
}
