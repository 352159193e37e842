import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const APPLY_NETLINK_PATCH = resolve(REPO_ROOT, 'patches/apply-netlink-patch.mjs');

/**
 * Makes sure the `netlink` package loads the patched addon (patches/README.md), building
 * it when a fresh install left only the prebuilds. Must run before the first netlink
 * socket opens: the package loads its addon once, when first required.
 */
export function ensureNetlinkPatched(): void {
  if (spawnSync(process.execPath, [APPLY_NETLINK_PATCH, '--check'], { cwd: REPO_ROOT }).status === 0) return;
  const r = spawnSync(process.execPath, [APPLY_NETLINK_PATCH], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`applying the netlink patch failed:\n${r.stdout}\n${r.stderr}`);
}
