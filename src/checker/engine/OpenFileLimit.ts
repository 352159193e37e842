import { readFileSync } from 'node:fs';

/** The soft RLIMIT_NOFILE of this process (from /proc/self/limits), or `null`. */
export function openFileSoftLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return null;
    return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
  } catch {
    return null;
  }
}

/**
 * File descriptors the probes may hold at once: half the soft limit (the rest is for the
 * daemon, logs, netlink and scripts), at least 64 and at most 16,384.
 */
export function defaultProbeFdBudget(): number {
  const limit = openFileSoftLimit() ?? 1024;
  return Math.max(64, Math.min(16_384, Math.floor(limit / 2)));
}
