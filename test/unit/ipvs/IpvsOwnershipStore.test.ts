import { chmodSync, copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import { ipvsOwnershipPath, IpvsOwnershipStore, type OwnershipFileSystem } from '../../../src/ipvs/IpvsOwnershipStore.js';

const OWNED = { services: new Set(['tcp|192.0.2.100|80', 'tcp|192.0.2.100|443']), dests: new Set(['tcp|192.0.2.100|80>127.0.0.1|18081']) };
const FIXTURES = 'test/fixtures/ipvs/ownership';

describe('IpvsOwnershipStore', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-ownership-'));
    path = ipvsOwnershipPath(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names ipvs-owned.json in the run directory', () => {
    expect(ipvsOwnershipPath('/run/vigil')).toBe('/run/vigil/ipvs-owned.json');
  });

  it('a missing record is "missing", not an error', async () => {
    expect(await new IpvsOwnershipStore(path).load()).toEqual({ kind: 'missing' });
  });

  it('saves and loads back, mode 0600, no temporary file left', async () => {
    const store = new IpvsOwnershipStore(path);
    await store.save(OWNED);
    expect(await store.load()).toEqual({ kind: 'found', owned: OWNED });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['ipvs-owned.json']);
    await store.save({ services: new Set(), dests: new Set() });
    expect(await store.load()).toEqual({ kind: 'found', owned: { services: new Set(), dests: new Set() } });
  });

  it('creates a missing run directory 0700', async () => {
    const nested = join(dir, 'run', 'vigil');
    await new IpvsOwnershipStore(ipvsOwnershipPath(nested)).save(OWNED);
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    expect(readdirSync(nested)).toEqual(['ipvs-owned.json']);
  });

  it('replaces the record by rename: a write that fails before the rename leaves the old record whole', async () => {
    const calls: string[] = [];
    let failRename = false;
    const fs: OwnershipFileSystem = {
      mkdir: fsp.mkdir,
      unlink: (p) => {
        calls.push(`unlink ${String(p).replace(dir, '')}`);
        return fsp.unlink(p);
      },
      open: ((p: string, flags: number, mode?: number) => {
        calls.push(`open ${p.replace(dir, '')}`);
        return fsp.open(p, flags, mode);
      }) as OwnershipFileSystem['open'],
      rename: (from, to) => {
        calls.push(`rename ${String(from).replace(dir, '')} ${String(to).replace(dir, '')}`);
        return failRename ? Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })) : fsp.rename(from, to);
      },
    };
    const store = new IpvsOwnershipStore(path, fs);
    await store.save(OWNED);
    const temporary = `/.ipvs-owned.json.${process.pid}.tmp`;
    expect(calls).toEqual([`open ${temporary}`, `rename ${temporary} /ipvs-owned.json`]);
    const before = readFileSync(path, 'utf8');

    failRename = true;
    calls.length = 0;
    const failure = await store.save({ services: new Set(['udp|192.0.2.7|53']), dests: new Set() }).catch((e: unknown) => e);
    expect(isVigilError(failure, 'IPVS_OWNERSHIP_WRITE_FAILED')).toBe(true);
    expect((failure as Error).message).toContain('EXDEV');
    expect(calls).toEqual([`open ${temporary}`, `rename ${temporary} /ipvs-owned.json`, `unlink ${temporary}`]);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['ipvs-owned.json']);
  });

  it('a stale temporary file of ours (same pid, a crash mid-write) is replaced, not written through', async () => {
    const temporary = join(dir, `.ipvs-owned.json.${process.pid}.tmp`);
    writeFileSync(temporary, 'half a reco');
    await new IpvsOwnershipStore(path).save(OWNED);
    expect(readdirSync(dir)).toEqual(['ipvs-owned.json']);
  });

  it('ignores a corrupt or foreign record, with the reason', async () => {
    copyFileSync(`${FIXTURES}/truncated.json`, path);
    chmodSync(path, 0o600);
    const corrupt = await new IpvsOwnershipStore(path).load();
    expect(corrupt.kind).toBe('ignored');
    expect(corrupt.kind === 'ignored' && corrupt.reason).toMatch(/^not JSON/);
    copyFileSync(`${FIXTURES}/foreign-format.json`, path);
    expect(await new IpvsOwnershipStore(path).load()).toEqual({ kind: 'ignored', reason: '"format" is not "vigil-ipvs-ownership" (not a Vigil ownership record)' });
  });

  it('ignores a record others could have written (writable by group or world), a symlink, or a directory', async () => {
    const store = new IpvsOwnershipStore(path);
    await store.save(OWNED);
    chmodSync(path, 0o666);
    expect(await store.load()).toEqual({ kind: 'ignored', reason: 'it is writable by others (mode 0666)' });
    rmSync(path);
    const elsewhere = join(dir, 'elsewhere.json');
    copyFileSync(`${FIXTURES}/valid-v1.json`, elsewhere);
    chmodSync(elsewhere, 0o600);
    symlinkSync(elsewhere, path);
    expect(await store.load()).toEqual({ kind: 'ignored', reason: 'it is a symbolic link' });
    // Saving replaces the link itself (rename), never writes through it.
    await store.save(OWNED);
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere, 'utf8')).toBe(readFileSync(`${FIXTURES}/valid-v1.json`, 'utf8'));
    rmSync(path);
    await fsp.mkdir(path);
    const directory = await store.load();
    expect(directory.kind).toBe('ignored');
  });
});
