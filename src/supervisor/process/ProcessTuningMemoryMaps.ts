/**
 * Which mappings of /proc/self/maps (proc(5)) Vigil locks for `*_no_swap`. keepalived calls
 * mlockall(); a Node process cannot: V8 madvise(MADV_DONTNEED)s code pages it frees, which
 * the kernel refuses on locked memory (EINVAL, madvise(2)), and V8 then aborts. So Vigil locks
 * what the child needs to keep running without page faults and what V8 never releases: the
 * mapped program files (node, its libraries, the addon) and the main thread's stack. The
 * JavaScript heap stays pageable.
 */

export interface LockableRange {
  readonly start: bigint;
  readonly length: bigint;
  /** The file (or `[stack]`) the range maps. */
  readonly name: string;
}

// start-end perms offset dev inode [pathname]
const LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+\S+\s*(.*)$/;

function isLockable(name: string): boolean {
  if (name === '[stack]') return true;
  // Device mappings (/dev/zero, GPU and shared-memory files) are not program code.
  return name.startsWith('/') && !name.startsWith('/dev/');
}

/** The ranges to lock, in address order, from the text of /proc/self/maps. */
export function lockableRanges(mapsText: string): LockableRange[] {
  const ranges: LockableRange[] = [];
  for (const line of mapsText.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, from, to, rawName] = m;
    const name = (rawName ?? '').trim();
    if (from === undefined || to === undefined || !isLockable(name)) continue;
    const start = BigInt(`0x${from}`);
    const end = BigInt(`0x${to}`);
    if (end > start) ranges.push({ start, length: end - start, name });
  }
  return ranges;
}
