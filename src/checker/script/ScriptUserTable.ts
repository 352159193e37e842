import { readFileSync } from 'node:fs';

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

/**
 * User and group names from /etc/passwd and /etc/group (Node has no getpwnam). Pure parsing;
 * `fromSystem()` is the only part that reads files.
 */
export class ScriptUserTable {
  private constructor(
    private readonly users: ReadonlyMap<string, UserIds>,
    private readonly groups: ReadonlyMap<string, number>,
  ) {}

  static parse(passwd: string, group: string): ScriptUserTable {
    const users = new Map<string, UserIds>();
    for (const line of passwd.split('\n')) {
      const f = line.split(':');
      if (f.length < 4 || f[0] === '' || line.startsWith('#')) continue;
      const uid = Number(f[2]);
      const gid = Number(f[3]);
      if (Number.isInteger(uid) && Number.isInteger(gid) && !users.has(f[0] as string)) users.set(f[0] as string, { uid, gid });
    }
    const groups = new Map<string, number>();
    for (const line of group.split('\n')) {
      const f = line.split(':');
      if (f.length < 3 || f[0] === '' || line.startsWith('#')) continue;
      const gid = Number(f[2]);
      if (Number.isInteger(gid) && !groups.has(f[0] as string)) groups.set(f[0] as string, gid);
    }
    return new ScriptUserTable(users, groups);
  }

  static fromSystem(): ScriptUserTable {
    const read = (p: string): string => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    };
    return ScriptUserTable.parse(read('/etc/passwd'), read('/etc/group'));
  }

  /**
   * notify.c set_uid_gid: the user's uid and primary group, or the named group.
   * Returns an error text when a name does not exist.
   */
  resolve(user: string, group: string | null): UserIds | { readonly error: string } {
    const u = this.users.get(user);
    if (!u) return { error: `Script user '${user}' does not exist` };
    if (group === null) return u;
    const gid = this.groups.get(group);
    if (gid === undefined) return { error: `Script group '${group}' does not exist` };
    return { uid: u.uid, gid };
  }
}
