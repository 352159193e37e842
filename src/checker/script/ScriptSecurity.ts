import { posix } from 'node:path';

/** What `lstat`/`stat` tell about one path (the fields notify.c looks at). */
export interface PathStat {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  readonly uid: number;
  readonly gid: number;
  /** Permission bits including setuid/setgid/sticky (st_mode & 07777). */
  readonly mode: number;
}

/** The file-system questions the rules ask; `FsScriptInspector` answers them for real. */
export interface ScriptInspector {
  lstat(path: string): PathStat | null;
  stat(path: string): PathStat | null;
  realpath(path: string): string | null;
  /** PATH search for a bare command name: the first regular, executable match. */
  which(name: string, uid: number, gid: number): string | null;
}

export interface ScriptVerdict {
  /** Run it. `false`: keepalived disables (MISC_CHECK: removes) the script. */
  readonly runnable: boolean;
  /** Writable by non-root somewhere along its path while run with root privileges. */
  readonly insecure: boolean;
  /** The command with its program resolved (PATH search). */
  readonly argv: readonly string[];
  /** keepalived's log lines for what it found, in order. */
  readonly messages: readonly string[];
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;

/**
 * keepalived 2.2.7's script checks (notify.c check_script_secure / check_security /
 * is_executable), applied to MISC_CHECK and notify scripts before anything runs:
 *
 * 1. A bare name is looked up in PATH; not found disables the script.
 * 2. The file must exist and be executable by the uid:gid it will run as.
 * 3. If it runs with root privileges (uid 0 or gid 0, or it is setuid/setgid root), every
 *    directory from `/` down to the script, and the script itself, for both the path as
 *    written and its symlink-resolved path, must be owned by root and not writable by group
 *    (unless the group is root) or others — except directories with the sticky bit. A path
 *    component of the wrong type (a non-directory inside the path) always disables it.
 * 4. An unsafe path disables the script only under `enable_script_security`; otherwise it
 *    runs and keepalived warns ("SECURITY VIOLATION").
 */
export function checkScriptSecurity(argv: readonly string[], uid: number, gid: number, scriptSecurity: boolean, fs: ScriptInspector): ScriptVerdict {
  const messages: string[] = [];
  const program = argv[0] ?? '';
  const fail = (): ScriptVerdict => ({ runnable: false, insecure: false, argv, messages });
  if (program === '') {
    messages.push('No script path given');
    return fail();
  }
  let path = program;
  if (!program.includes('/')) {
    const found = fs.which(program, uid, gid);
    if (found === null) {
      messages.push(`Cannot find script ${program} in path - disabling`);
      return fail();
    }
    messages.push(`WARNING - script \`${program}\` resolved by path search to \`${found}\`. Please specify full path.`);
    path = found;
  }
  const real = fs.realpath(path);
  if (real === null) {
    messages.push(`Script ${path} cannot be accessed - disabling`);
    return fail();
  }
  const st = fs.stat(real);
  if (st === null) {
    messages.push(`Unable to access script \`${path}\` - disabling`);
    return fail();
  }
  // notify.c replace_cmd_name: the resolved path replaces the program when it keeps its file name
  // (keepalived 2.2.7 logs "by [/usr/bin/sh]" for "/bin/sh").
  const program2 = posix.basename(real) === posix.basename(path) ? real : path;
  const resolvedArgv = [program2, ...argv.slice(1)];
  if (!isExecutable(st, uid, gid)) {
    messages.push(`WARNING - script '${path}' is not executable for uid:gid ${uid}:${gid} - disabling.`);
    return { runnable: false, insecure: false, argv: resolvedArgv, messages };
  }
  const needsProtection =
    uid === 0 || gid === 0 || (st.uid === 0 && (st.mode & S_IXUSR) !== 0 && (st.mode & S_ISUID) !== 0) || (st.gid === 0 && (st.mode & S_IXGRP) !== 0 && (st.mode & S_ISGID) !== 0);
  if (!needsProtection) return { runnable: true, insecure: false, argv: resolvedArgv, messages };

  let insecure = false;
  let inhibit = false;
  for (const p of real === path ? [path] : [path, real]) {
    const r = pathSecurity(p, scriptSecurity, fs, messages);
    insecure ||= r.insecure;
    inhibit ||= r.inhibit;
  }
  return { runnable: !inhibit, insecure, argv: resolvedArgv, messages };
}

/** notify.c check_security: walks `/`, `/a`, `/a/b`, ... up to the file itself. */
function pathSecurity(file: string, scriptSecurity: boolean, fs: ScriptInspector, messages: string[]): { insecure: boolean; inhibit: boolean } {
  const norm = posix.normalize(file);
  const parts = norm.split('/').filter((p) => p !== '');
  const prefixes = ['/', ...parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'))];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i] as string;
    const last = i === prefixes.length - 1;
    const st = fs.lstat(p);
    if (st === null) {
      messages.push(`check_script_secure could not find script '${file}' - disabling`);
      return { insecure: false, inhibit: true };
    }
    if ((!last && st.kind !== 'directory') || (last && st.kind !== 'file' && st.kind !== 'symlink')) {
      messages.push(`Wrong file type found in script path '${file}'.`);
      return { insecure: false, inhibit: true };
    }
    const writable = ((st.kind === 'directory' && (st.mode & S_ISVTX) === 0) || st.kind === 'file') && ((st.gid !== 0 && (st.mode & S_IWGRP) !== 0) || (st.mode & S_IWOTH) !== 0);
    if (st.uid !== 0 || writable) {
      messages.push(`Unsafe permissions found for script '${file}'${scriptSecurity ? ' - disabling' : ''}.`);
      return { insecure: true, inhibit: scriptSecurity };
    }
  }
  return { insecure: false, inhibit: false };
}

/** notify.c is_executable: root needs any x bit; others the bit of their class. */
export function isExecutable(st: PathStat, uid: number, gid: number): boolean {
  if (st.kind !== 'file') return false;
  if (uid === 0) return (st.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (uid === st.uid) return (st.mode & S_IXUSR) !== 0;
  if (gid === st.gid) return (st.mode & S_IXGRP) !== 0;
  return (st.mode & S_IXOTH) !== 0;
}
