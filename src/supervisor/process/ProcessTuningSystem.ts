import { readdirSync, readFileSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { VigilError } from '../../core/VigilError.js';
import { loadVigilNet } from '../../vrrp/io/VigilNetBinding.js';
import type { ProcessTuningPort, SyscallResult } from './ProcessTuning.js';
import { lockableRanges } from './ProcessTuningMemoryMaps.js';

/** The scheduling functions of the vigil_net addon (native/process_scheduling.cc): 0 or an errno. */
interface SchedulingFunctions {
  lockMemoryRange(start: bigint, length: bigint): number;
  setRealtimePriority(priority: number): number;
  setRealtimeTimeLimit(softMicros: number, hardMicros: number): number;
  setCpuAffinity(cpus: readonly number[], tid: number): number;
}

function hasSchedulingFunctions(binding: object): binding is SchedulingFunctions {
  const b = binding as Partial<Record<keyof SchedulingFunctions, unknown>>;
  return (
    typeof b.lockMemoryRange === 'function' &&
    typeof b.setRealtimePriority === 'function' &&
    typeof b.setRealtimeTimeLimit === 'function' &&
    typeof b.setCpuAffinity === 'function'
  );
}

/** The addon's scheduling calls; `NATIVE_ADDON_INCOMPATIBLE` when the build predates them. */
export function loadSchedulingFunctions(): SchedulingFunctions {
  const binding: object = loadVigilNet();
  if (!hasSchedulingFunctions(binding)) {
    throw new VigilError('NATIVE_ADDON_INCOMPATIBLE', 'the vigil_net addon has no scheduling functions; rebuild it with npm run build:native');
  }
  return binding;
}

/** An errno as the port reports it: libuv's name and strerror text (uv_err_name/uv_strerror). */
export function errnoResult(errno: number, syscall: string): SyscallResult {
  if (errno === 0) return { ok: true };
  const known = getSystemErrorMap().get(-errno);
  return { ok: false, code: known?.[0] ?? `E${errno}`, errno, message: `${known?.[1] ?? 'unknown error'} (${syscall})` };
}

/** The threads of this process (proc(5) /proc/self/task): V8 and libuv start some before us. */
function threadIds(): number[] {
  return readdirSync('/proc/self/task').map(Number).filter((tid) => Number.isInteger(tid) && tid > 0);
}

/**
 * Runs `call` for every thread; a thread that ended meanwhile (ESRCH) is skipped, any other
 * error is the result. keepalived's process is one thread, so its per-thread calls cover it all.
 */
function forEachThread(call: (tid: number) => SyscallResult): SyscallResult {
  for (const tid of threadIds()) {
    const r = call(tid);
    if (!r.ok && r.code !== 'ESRCH') return r;
  }
  return { ok: true };
}

/** The real port: the addon for the scheduling calls, Node for the nice value and signals. */
export function systemProcessTuningPort(native: SchedulingFunctions = loadSchedulingFunctions()): ProcessTuningPort {
  return {
    setNice: (value) =>
      forEachThread((tid) => {
        try {
          // setpriority(PRIO_PROCESS, tid) sets one thread's nice value on Linux.
          setPriority(tid, value);
          return { ok: true };
        } catch (e) {
          const err = e as NodeJS.ErrnoException & { info?: { errno?: number } };
          return errnoResult(Math.abs(err.info?.errno ?? err.errno ?? 1), 'setpriority');
        }
      }),
    setRealtimePriority: (priority) => errnoResult(native.setRealtimePriority(priority), 'sched_setscheduler'),
    setRealtimeTimeLimit: (soft, hard) => errnoResult(native.setRealtimeTimeLimit(soft, hard), 'setrlimit'),
    lockMemory() {
      let locked = 0n;
      for (const range of lockableRanges(readFileSync('/proc/self/maps', 'utf8'))) {
        const r = errnoResult(native.lockMemoryRange(range.start, range.length), 'mlock2');
        if (!r.ok) return r;
        locked += range.length;
      }
      return { ok: true, lockedBytes: Number(locked) };
    },
    // os.cpus() lists the CPUs in /proc/cpuinfo, i.e. those online (keepalived's _SC_NPROCESSORS_ONLN).
    onlineCpuCount: () => cpus().length,
    setCpuAffinity: (list) => forEachThread((tid) => errnoResult(native.setCpuAffinity(list, tid), 'sched_setaffinity')),
    onRealtimeLimitWarning(listener) {
      // Without a handler SIGXCPU would terminate the child (signal(7): default action core).
      process.on('SIGXCPU', listener);
    },
  };
}
