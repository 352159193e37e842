import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export type ConfigReadResult =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'missing' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'too-large'; readonly size: number };

/** How the preprocessor reaches files: the disk, or functions injected by tests. */
export interface ConfigFileAccess {
  read(path: string): ConfigReadResult;
  /** Entry names of `dir`, directories with a trailing `/`; null if not a readable directory. */
  listDir(dir: string): string[] | null;
  /** Key identifying a file for include-loop detection. */
  identity(path: string): string;
}

/** Real files; never reads more than `maxBytes` + 1 bytes of a file. */
export function diskFileAccess(maxBytes: number): ConfigFileAccess {
  return {
    read(path) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unreadable', reason: code ?? 'error' };
      }
      try {
        const st = fstatSync(fd);
        if (st.isDirectory()) return { kind: 'directory' };
        if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
        const buf = Buffer.alloc(Math.min(st.size + 1, maxBytes + 1));
        let got = 0;
        for (;;) {
          const n = readSync(fd, buf, got, buf.length - got, null);
          if (n <= 0) break;
          got += n;
          if (got === buf.length) break;
        }
        if (got > maxBytes) return { kind: 'too-large', size: got };
        return { kind: 'ok', bytes: buf.subarray(0, got) };
      } catch (e) {
        return { kind: 'unreadable', reason: (e as NodeJS.ErrnoException).code ?? 'error' };
      } finally {
        closeSync(fd);
      }
    },
    listDir(dir) {
      try {
        return readdirSync(dir, { withFileTypes: true }).map((d) => {
          let isDir = d.isDirectory();
          if (d.isSymbolicLink()) {
            try {
              isDir = statSync(posix.join(dir, d.name)).isDirectory();
            } catch {
              isDir = false;
            }
          }
          return isDir ? `${d.name}/` : d.name;
        });
      } catch {
        return null;
      }
    },
    identity: (path) => posix.resolve(path),
  };
}

/** Test doubles from ParseOptions; without a lister, wildcards match nothing. */
export function injectedFileAccess(
  readFile: (path: string) => Buffer | null,
  listDir: ((dir: string) => string[] | null) | undefined,
  maxBytes: number,
): ConfigFileAccess {
  const list = listDir ?? (() => null);
  return {
    read(path) {
      let bytes: Buffer | null;
      try {
        bytes = readFile(path);
      } catch (e) {
        return { kind: 'unreadable', reason: e instanceof Error ? e.message : 'error' };
      }
      if (!bytes) return list(path) !== null ? { kind: 'directory' } : { kind: 'missing' };
      if (bytes.length > maxBytes) return { kind: 'too-large', size: bytes.length };
      return { kind: 'ok', bytes };
    },
    listDir: list,
    identity: (path) => posix.resolve(path),
  };
}
