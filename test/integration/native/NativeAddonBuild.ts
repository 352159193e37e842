import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultAddonPath } from '../../../src/vrrp/io/VigilNetBinding.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** npm's bundled node-gyp, next to the running node (Debian: /usr/lib/node_modules/npm). */
function nodeGypScript(): string | undefined {
  const prefix = resolve(process.execPath, '..', '..');
  const candidates = [
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((c) => existsSync(c));
}

/**
 * Builds native/ when the addon is missing (the same command as `npm run build:native`),
 * so these suites also run on a fresh checkout. Uses the installed node's headers
 * (`--nodedir`): nothing is downloaded. Returns the addon path; throws with the build log
 * when the build fails.
 */
export function ensureVigilNetBuilt(): string {
  const addon = defaultAddonPath();
  if (existsSync(addon)) return addon;
  const gyp = nodeGypScript();
  if (gyp === undefined) throw new Error('vigil_net is not built and node-gyp was not found; run npm run build:native');
  const prefix = resolve(process.execPath, '..', '..');
  const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : '/usr';
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', 'native', `--nodedir=${nodedir}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0 || !existsSync(addon)) {
    throw new Error(`building native/ failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  }
  return addon;
}
