import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat the harness needs (proc(5)). */
export interface ProcessStat {
  pid: number;
  /** One letter: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  pgrp: number;
}

/**
 * Reads /proc/PID/stat. The command name (field 2) is in parentheses and may itself hold
 * spaces or ')', so the remaining fields are taken after the LAST ')'.
 */
export function readProcessStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const pgrp = Number(rest[2]);
  if (state === undefined || !Number.isInteger(pgrp)) return undefined;
  return { pid, state, pgrp };
}

/** A zombie has finished running; only its parent's wait() is missing. */
export function isProcessRunning(pid: number): boolean {
  const st = readProcessStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** PIDs of the running (non-zombie) members of process group `pgid`. */
export function runningGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const st = readProcessStat(pid);
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') members.push(pid);
  }
  return members;
}

/** True when a process with this PID exists at all (EPERM still means it exists). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
