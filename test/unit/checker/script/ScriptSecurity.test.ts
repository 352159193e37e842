import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScriptSecurity, isExecutable, type PathStat, type ScriptInspector } from '../../../../src/checker/script/ScriptSecurity.js';
import { fsScriptInspector } from '../../../../src/checker/script/FsScriptInspector.js';
import { ScriptUserTable } from '../../../../src/checker/script/ScriptUserTable.js';

/** An in-memory tree: path -> stat; symlinks resolve through `links`. */
function fakeFs(entries: Record<string, Partial<PathStat>>, links: Record<string, string> = {}): ScriptInspector {
  const get = (p: string): PathStat | null => {
    const e = entries[p];
    return e ? { kind: 'directory', uid: 0, gid: 0, mode: 0o755, ...e } : null;
  };
  return {
    lstat: (p) => (links[p] ? { kind: 'symlink', uid: 0, gid: 0, mode: 0o777 } : get(p)),
    stat: (p) => get(links[p] ?? p),
    realpath: (p) => (get(links[p] ?? p) ? (links[p] ?? p) : null),
    which: (n) => (get(`/usr/bin/${n}`) ? `/usr/bin/${n}` : null),
  };
}

const base = { '/': {}, '/etc': {}, '/etc/keepalived': {}, '/usr': {}, '/usr/bin': {} };
const file = (o: Partial<PathStat> = {}): Partial<PathStat> => ({ kind: 'file', mode: 0o755, ...o });

describe('checkScriptSecurity (notify.c check_script_secure)', () => {
  it('accepts a root-owned script in root-owned directories', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived/check.sh': file() });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh', 'a'], 0, 0, true, fs)).toMatchObject({ runnable: true, insecure: false, argv: ['/etc/keepalived/check.sh', 'a'] });
  });

  it('disables a script in a world-writable directory under enable_script_security', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived': { mode: 0o777 }, '/etc/keepalived/check.sh': file() });
    const v = checkScriptSecurity(['/etc/keepalived/check.sh'], 0, 0, true, fs);
    expect(v).toMatchObject({ runnable: false, insecure: true });
    expect(v.messages).toContain("Unsafe permissions found for script '/etc/keepalived/check.sh' - disabling.");
  });

  it('runs it anyway (flagged insecure) without enable_script_security', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived': { mode: 0o777 }, '/etc/keepalived/check.sh': file() });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 0, 0, false, fs)).toMatchObject({ runnable: true, insecure: true });
  });

  it('allows a world-writable directory with the sticky bit (like /tmp) but not a script owned by a user', () => {
    const sticky = fakeFs({ ...base, '/tmp': { mode: 0o1777 }, '/tmp/check.sh': file() });
    expect(checkScriptSecurity(['/tmp/check.sh'], 0, 0, true, sticky).runnable).toBe(true);
    const owned = fakeFs({ ...base, '/tmp': { mode: 0o1777 }, '/tmp/check.sh': file({ uid: 1000 }) });
    expect(checkScriptSecurity(['/tmp/check.sh'], 0, 0, true, owned).runnable).toBe(false);
  });

  it('rejects a group-writable script unless its group is root', () => {
    const staff = fakeFs({ ...base, '/etc/keepalived/check.sh': file({ gid: 50, mode: 0o775 }) });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 0, 0, true, staff).runnable).toBe(false);
    const rootGroup = fakeFs({ ...base, '/etc/keepalived/check.sh': file({ gid: 0, mode: 0o775 }) });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 0, 0, true, rootGroup).runnable).toBe(true);
  });

  it('does not apply the path rules to scripts run by an unprivileged user', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived': { mode: 0o777 }, '/etc/keepalived/check.sh': file() });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 65534, 65534, true, fs)).toMatchObject({ runnable: true, insecure: false });
  });

  it('does apply them to a setuid-root script run by an unprivileged user', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived': { mode: 0o777 }, '/etc/keepalived/check.sh': file({ mode: 0o4755 }) });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 65534, 65534, true, fs).runnable).toBe(false);
  });

  it('checks the symlink-resolved path too', () => {
    const fs = fakeFs({ ...base, '/home': {}, '/home/op': { uid: 1000 }, '/home/op/real.sh': file() }, { '/etc/keepalived/check.sh': '/home/op/real.sh' });
    expect(checkScriptSecurity(['/etc/keepalived/check.sh'], 0, 0, true, fs).runnable).toBe(false);
  });

  it('disables missing, non-executable and wrongly typed scripts, secure mode or not', () => {
    const fs = fakeFs({ ...base, '/etc/keepalived/noexec.sh': file({ mode: 0o644 }), '/etc/keepalived/dir.sh': { kind: 'directory' } });
    expect(checkScriptSecurity(['/etc/keepalived/missing.sh'], 0, 0, false, fs).runnable).toBe(false);
    expect(checkScriptSecurity(['/etc/keepalived/noexec.sh'], 0, 0, false, fs).runnable).toBe(false);
    expect(checkScriptSecurity(['/etc/keepalived/dir.sh'], 0, 0, false, fs).runnable).toBe(false);
  });

  it('resolves a bare name through PATH, with keepalived\'s warning', () => {
    const fs = fakeFs({ ...base, '/usr/bin/check': file() });
    const v = checkScriptSecurity(['check', 'x'], 0, 0, true, fs);
    expect(v).toMatchObject({ runnable: true, argv: ['/usr/bin/check', 'x'] });
    expect(v.messages[0]).toContain('resolved by path search to `/usr/bin/check`');
    expect(checkScriptSecurity(['nope'], 0, 0, true, fs).runnable).toBe(false);
  });

  it('isExecutable follows the owner / group / other bits for non-root', () => {
    const st: PathStat = { kind: 'file', uid: 1000, gid: 100, mode: 0o710 };
    expect(isExecutable(st, 1000, 5)).toBe(true);
    expect(isExecutable(st, 2000, 100)).toBe(true);
    expect(isExecutable(st, 2000, 200)).toBe(false);
    expect(isExecutable({ ...st, mode: 0o001 }, 0, 0)).toBe(true);
  });
});

describe('checkScriptSecurity on the real file system', () => {
  const dir = mkdtempSync('/tmp/vigil-sec-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the world-writable directory in a real path', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const script = join(open, 'check.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o755);
    symlinkSync(script, join(dir, 'link.sh'));
    expect(checkScriptSecurity([script], 0, 0, true, fsScriptInspector)).toMatchObject({ runnable: false, insecure: true });
    expect(checkScriptSecurity([join(dir, 'link.sh')], 0, 0, true, fsScriptInspector).runnable).toBe(false);
    chmodSync(open, 0o755);
    expect(checkScriptSecurity([script], 0, 0, true, fsScriptInspector).runnable).toBe(process.getuid?.() === 0);
  });
});

describe('ScriptUserTable', () => {
  const t = ScriptUserTable.parse('root:x:0:0:root:/root:/bin/bash\n# comment\nkeepalived_script:x:998:997::/:/usr/sbin/nologin\n', 'root:x:0:\nadm:x:4:syslog\n');
  it('resolves a user to its uid and primary group, or a named group', () => {
    expect(t.resolve('keepalived_script', null)).toEqual({ uid: 998, gid: 997 });
    expect(t.resolve('keepalived_script', 'adm')).toEqual({ uid: 998, gid: 4 });
  });
  it('reports unknown names as keepalived does', () => {
    expect(t.resolve('nobody2', null)).toEqual({ error: "Script user 'nobody2' does not exist" });
    expect(t.resolve('root', 'wheel')).toEqual({ error: "Script group 'wheel' does not exist" });
  });
});
