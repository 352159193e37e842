import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isExecutable, type PathStat, type ScriptInspector } from './ScriptSecurity.js';

function toPathStat(s: Stats): PathStat {
  const kind = s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  return { kind, uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 };
}

/** Answers `ScriptInspector` from the real file system (startup only, so synchronous calls are fine). */
export const fsScriptInspector: ScriptInspector = {
  lstat(path) {
    try {
      return toPathStat(lstatSync(path));
    } catch {
      return null;
    }
  },
  stat(path) {
    try {
      return toPathStat(statSync(path));
    } catch {
      return null;
    }
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  },
  which(name, uid, gid) {
    for (const dir of (process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
      if (dir === '') continue;
      const candidate = join(dir, name);
      const st = this.stat(candidate);
      if (st && isExecutable(st, uid, gid)) return candidate;
    }
    return null;
  },
};
