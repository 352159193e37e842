import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The marker `patches/netlink-0.3.0-enobufs.patch` adds to the `netlink` package's
 * addon. Without the patch, an overrun that the event loop notices as EPOLLERR makes
 * the addon build an error with a NULL syscall name inside a libuv callback, which
 * aborts the process (see patches/README.md).
 */
export const NETLINK_PATCH_LEVEL = 'netlink-enobufs-1';

let cached: string | null | undefined;

/**
 * The patch level of the addon the `netlink` package loads, or null when it is the
 * unpatched prebuild. Loads the addon the way the package does (node-gyp-build on the
 * package directory), so the answer is about the very binary in use.
 */
export function netlinkAddonPatchLevel(): string | null {
  if (cached !== undefined) return cached;
  try {
    const fromHere = createRequire(import.meta.url);
    const packageJson = fromHere.resolve('netlink/package.json');
    const fromPackage = createRequire(packageJson);
    const load = fromPackage('node-gyp-build') as (dir: string) => { vigilPatch?: unknown };
    const addon = load(dirname(packageJson));
    cached = typeof addon.vigilPatch === 'string' ? addon.vigilPatch : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function isNetlinkAddonPatched(): boolean {
  return netlinkAddonPatchLevel() === NETLINK_PATCH_LEVEL;
}
