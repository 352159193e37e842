import { readFileSync } from 'node:fs';

/** user + system CPU a process has used, in clock ticks, from `/proc/<pid>/stat`. */
export interface ProcessCpuTicks {
  readonly userTicks: number;
  readonly systemTicks: number;
}

/**
 * USER_HZ: the unit of utime/stime in /proc/<pid>/stat (proc(5); `getconf CLK_TCK`), fixed
 * at 100 on every Linux architecture the kernel exports to user space.
 */
export const USER_HZ = 100;

/**
 * Parses `/proc/<pid>/stat`. comm (field 2) is in parentheses and may hold spaces or ')',
 * so fields are counted from the last ')': utime and stime are fields 14 and 15 (proc(5)).
 */
export function parseProcStatCpu(text: string): ProcessCpuTicks | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ")": field 3 (state) is index 0, so field n is index n - 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const user = Number(rest[14 - 3]);
  const system = Number(rest[15 - 3]);
  if (!Number.isInteger(user) || !Number.isInteger(system)) return undefined;
  return { userTicks: user, systemTicks: system };
}

/** Undefined when the process is gone or /proc is not mounted. */
export function readProcessCpu(pid: number): ProcessCpuTicks | undefined {
  try {
    return parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU used between two readings as a percentage of one core over `wallMs`. */
export function cpuPercentOfOneCore(before: ProcessCpuTicks, after: ProcessCpuTicks, wallMs: number): number {
  if (wallMs <= 0) return 0;
  const ticks = after.userTicks - before.userTicks + (after.systemTicks - before.systemTicks);
  return ((ticks * 1000) / USER_HZ / wallMs) * 100;
}
