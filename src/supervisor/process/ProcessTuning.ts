import type { ChildProcessTuning } from '../../config/model/ChildProcessTuning.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { childLabel, type ChildRole } from './ChildRole.js';

/**
 * keepalived's per-child scheduling settings, applied the way keepalived 2.2.7's
 * `set_process_priorities()` and `set_process_cpu_affinity()` do (keepalived/core/process.c):
 * a realtime priority (with its RLIMIT_RTTIME) replaces the nice value, memory locking and
 * CPU affinity follow. A step that fails is logged with its errno and the child keeps
 * running with what it has, as keepalived's children do.
 */

/** One system change, in the order keepalived makes them. */
export type TuningStep =
  | { readonly kind: 'realtime'; readonly priority: number; readonly rttimeSoftMicros: number; readonly rttimeHardMicros: number }
  | { readonly kind: 'nice'; readonly value: number }
  | { readonly kind: 'lock-memory' }
  | { readonly kind: 'cpu-affinity'; readonly cpus: readonly number[] };

/** What a system call returned: nothing, or its errno (name, number, strerror text). */
export type SyscallResult = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly errno: number; readonly message: string };

/** The calls the applier makes; the real one is ProcessTuningSystem.ts, tests pass a fake. */
export interface ProcessTuningPort {
  /** setpriority(2) of every thread of this process. */
  setNice(value: number): SyscallResult;
  /**
   * sched_setscheduler(2) SCHED_RR (reset on fork) for the main thread only: it runs the event
   * loop; V8's helper threads stay normal, and threads started later start normal.
   */
  setRealtimePriority(priority: number): SyscallResult;
  /** setrlimit(2) RLIMIT_RTTIME. */
  setRealtimeTimeLimit(softMicros: number, hardMicros: number): SyscallResult;
  /** Locks the program's code and stack in memory; on success, how many bytes are locked. */
  lockMemory(): SyscallResult & { readonly lockedBytes?: number };
  /** CPUs online (sysconf(_SC_NPROCESSORS_ONLN), the bound keepalived checks CPU ids against). */
  onlineCpuCount(): number;
  /** sched_setaffinity(2) of every thread of this process. */
  setCpuAffinity(cpus: readonly number[]): SyscallResult;
  /** SIGXCPU: the realtime child reached its soft RLIMIT_RTTIME. */
  onRealtimeLimitWarning(listener: () => void): void;
}

/** The log calls the applier makes (a pino Logger fits). */
export interface TuningLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface StepOutcome {
  readonly step: TuningStep;
  /** `null` when the step was applied. */
  readonly error: { readonly code: string; readonly errno: number | null; readonly message: string } | null;
}

/** The tuning a child of `role` reads from the configuration (`vrrp_*` or `checker_*`). */
export function tuningFor(config: VigilConfig, role: ChildRole): ChildProcessTuning {
  return role === 'vrrp' ? config.global.vrrpProcess : config.global.checkerProcess;
}

/** The steps for `tuning`, in keepalived's order; empty when nothing is configured. */
export function planProcessTuning(tuning: ChildProcessTuning): TuningStep[] {
  const steps: TuningStep[] = [];
  if (tuning.realtimePriority !== null) {
    // process.c: soft limit half the hard one, "to get warnings if approaching limit".
    steps.push({
      kind: 'realtime',
      priority: tuning.realtimePriority,
      rttimeSoftMicros: Math.floor(tuning.rlimitRttimeMicros / 2),
      rttimeHardMicros: tuning.rlimitRttimeMicros,
    });
  } else if (tuning.nice !== 0) {
    // keepalived sets the nice value only for a child that is not realtime, and only when non-zero.
    steps.push({ kind: 'nice', value: tuning.nice });
  }
  if (tuning.noSwap) steps.push({ kind: 'lock-memory' });
  if (tuning.cpuAffinity !== null) steps.push({ kind: 'cpu-affinity', cpus: tuning.cpuAffinity });
  return steps;
}

/** One line describing the steps, for the reload message; `none` when empty. */
export function describeSteps(steps: readonly TuningStep[]): string {
  if (steps.length === 0) return 'none';
  return steps
    .map((s) => {
      switch (s.kind) {
        case 'realtime':
          return `realtime priority ${s.priority} (RLIMIT_RTTIME ${s.rttimeHardMicros} us)`;
        case 'nice':
          return `nice ${s.value}`;
        case 'lock-memory':
          return 'locked in memory';
        case 'cpu-affinity':
          return `CPU affinity ${s.cpus.join(' ')}`;
      }
    })
    .join(', ');
}

function failure(r: SyscallResult): StepOutcome['error'] {
  return r.ok ? null : { code: r.code, errno: r.errno, message: r.message };
}

/**
 * Runs `steps` through `port`, logging one line per setting. Errors are logged at error level
 * with their errno and do not stop the following steps (keepalived logs and carries on).
 */
export function applyProcessTuning(steps: readonly TuningStep[], role: ChildRole, port: ProcessTuningPort, log: TuningLog): StepOutcome[] {
  const label = childLabel(role);
  // The keyword prefix is the role's name: vrrp_rlimit_rttime, checker_cpu_affinity ...
  const prefix: string = role;
  const outcomes: StepOutcome[] = [];
  const report = (step: TuningStep, error: StepOutcome['error'], applied: string, failed: string): void => {
    outcomes.push({ step, error });
    if (error === null) log.info({ tuning: step.kind }, applied);
    else log.error({ tuning: step.kind, code: error.code, errno: error.errno }, `${failed} - ${error.message}`);
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'realtime': {
        const sched = failure(port.setRealtimePriority(step.priority));
        if (sched !== null) {
          // keepalived sets the limit only once the child is realtime: it means nothing otherwise.
          report(step, sched, '', `${label}: cannot raise priority to realtime ${step.priority}`);
          break;
        }
        log.info({ tuning: step.kind }, `Set ${label} realtime priority ${step.priority} (SCHED_RR)`);
        port.onRealtimeLimitWarning(() =>
          log.warn({ tuning: step.kind, reason: 'SIGXCPU' }, `${label} has used too much CPU time, ${prefix}_rlimit_rttime may need to be increased`),
        );
        report(
          step,
          failure(port.setRealtimeTimeLimit(step.rttimeSoftMicros, step.rttimeHardMicros)),
          `Set ${label} realtime limit (RLIMIT_RTTIME) to ${step.rttimeSoftMicros}/${step.rttimeHardMicros} us`,
          `${label} cannot set realtime rlimit`,
        );
        break;
      }
      case 'nice':
        report(step, failure(port.setNice(step.value)), `Set ${label} process priority (nice) to ${step.value}`, 'Unable to set process priority to ' + String(step.value));
        break;
      case 'lock-memory': {
        const r = port.lockMemory();
        const size = r.ok && r.lockedBytes !== undefined ? ` (${Math.round(r.lockedBytes / 2 ** 20)} MiB of program code and stack)` : '';
        report(step, failure(r), `Locked ${label} in memory${size}`, 'Unable to lock process in memory');
        break;
      }
      case 'cpu-affinity': {
        const online = port.onlineCpuCount();
        const absent = step.cpus.filter((c) => c >= online);
        if (absent.length > 0) {
          // keepalived checks ids against the CPUs online and then ignores the whole set.
          const message = `CPU ${absent.join(', ')} not present (${online} online), affinity left unchanged`;
          report(step, { code: 'CPU_NOT_PRESENT', errno: null, message }, '', `Invalid cpu_id specified for ${prefix} process`);
          break;
        }
        report(step, failure(port.setCpuAffinity(step.cpus)), `Set ${label} CPU affinity to ${step.cpus.join(' ')}`, `unable to set cpu affinity to ${prefix} process`);
        break;
      }
    }
  }
  return outcomes;
}
