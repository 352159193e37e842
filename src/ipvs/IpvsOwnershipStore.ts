import { constants as fsConstants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ipvsError } from './IpvsError.js';
import { parseIpvsOwnership, serialiseIpvsOwnership } from './IpvsOwnershipRecord.js';
import type { IpvsOwnership } from './IpvsReconciler.js';

/** The record's name inside the run directory (the directory of the pid files, /run/vigil by default). */
export const IPVS_OWNERSHIP_FILE = 'ipvs-owned.json';

export function ipvsOwnershipPath(runDirectory: string): string {
  return join(runDirectory, IPVS_OWNERSHIP_FILE);
}

/** What reading the record found. `ignored` carries why (corrupt, foreign, unsafe, unreadable). */
export type IpvsOwnershipLoad =
  | { readonly kind: 'found'; readonly owned: IpvsOwnership }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ignored'; readonly reason: string };

/** What IpvsSync and `vigil ipvs diff` need of a record; tests may keep one in memory. */
export interface IpvsOwnershipPersistence {
  /** Where the record lives, for log lines. */
  readonly location: string;
  load(): Promise<IpvsOwnershipLoad>;
  /** Replaces the record whole; throws IPVS_OWNERSHIP_WRITE_FAILED. */
  save(owned: IpvsOwnership): Promise<void>;
}

/** The calls the store makes; node:fs/promises by default, tests wrap it to inject failures. */
export type OwnershipFileSystem = Pick<typeof FsPromises, 'open' | 'rename' | 'unlink' | 'mkdir'>;

/** A record larger than this is not one Vigil wrote (a key is < 100 bytes; a million keys fit). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** Group- or world-writable: someone other than root could have chosen what gets deleted. */
const UNSAFE_MODE_BITS = 0o022;

/**
 * The ownership record as a file: read once at start, replaced whole (write to a temporary
 * file beside it, fsync, rename(2)) so a reader or a crash sees the old record or the new
 * one, never half of either. The file is 0600, in a directory created 0700 if missing. /run
 * is tmpfs, so a reboot forgets the record together with the kernel table it describes.
 */
export class IpvsOwnershipStore implements IpvsOwnershipPersistence {
  constructor(
    readonly location: string,
    private readonly fs: OwnershipFileSystem = nodeFs,
  ) {}

  async load(): Promise<IpvsOwnershipLoad> {
    let handle: FsPromises.FileHandle;
    try {
      // O_NOFOLLOW: a symlink planted at the record's path is refused, not followed.
      handle = await this.fs.open(this.location, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      if (code === 'ELOOP') return { kind: 'ignored', reason: 'it is a symbolic link' };
      return { kind: 'ignored', reason: `cannot open it (${(e as Error).message})` };
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { kind: 'ignored', reason: 'it is not a regular file' };
      const euid = process.geteuid?.();
      if (euid !== undefined && stat.uid !== euid) return { kind: 'ignored', reason: `it belongs to uid ${stat.uid}, not to this process (uid ${euid})` };
      if ((stat.mode & UNSAFE_MODE_BITS) !== 0) return { kind: 'ignored', reason: `it is writable by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})` };
      if (stat.size > MAX_RECORD_BYTES) return { kind: 'ignored', reason: `it is ${stat.size} bytes, more than a record can be` };
      const parsed = parseIpvsOwnership(await handle.readFile({ encoding: 'utf8' }));
      return parsed.ok ? { kind: 'found', owned: parsed.owned } : { kind: 'ignored', reason: parsed.reason };
    } catch (e) {
      return { kind: 'ignored', reason: `cannot read it (${(e as Error).message})` };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async save(owned: IpvsOwnership): Promise<void> {
    const text = serialiseIpvsOwnership(owned);
    const directory = dirname(this.location);
    const temporary = join(directory, `.${basename(this.location)}.${process.pid}.tmp`);
    try {
      await this.fs.mkdir(directory, { recursive: true, mode: 0o700 });
      const handle = await this.openExclusive(temporary);
      try {
        await handle.writeFile(text, { encoding: 'utf8' });
        await handle.sync();
      } finally {
        await handle.close();
      }
      // rename(2) replaces the target atomically within one file system. The directory is
      // not fsynced: on tmpfs there is nothing to sync, and the record is only a hint.
      await this.fs.rename(temporary, this.location);
    } catch (e) {
      await this.fs.unlink(temporary).catch(() => undefined);
      throw ipvsError('IPVS_OWNERSHIP_WRITE_FAILED', `cannot write the IPVS ownership record ${this.location}: ${(e as Error).message}`, { path: this.location }, e);
    }
  }

  /** O_EXCL so a planted file or symlink is never written through; a stale one of ours (same pid) is removed once. */
  private async openExclusive(path: string): Promise<FsPromises.FileHandle> {
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
    try {
      return await this.fs.open(path, flags, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await this.fs.unlink(path);
      return this.fs.open(path, flags, 0o600);
    }
  }
}
