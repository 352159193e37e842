#!/usr/bin/env node
// Applies netlink-0.3.0-enobufs.patch (beside this file) to the installed `netlink`
// package and rebuilds its addon into build/Release, which node-gyp-build loads before
// the package's prebuilds. Without it, a multicast overrun (ENOBUFS) noticed through
// EPOLLERR aborts the process; see README.md beside this file.
//
//   node patches/apply-netlink-patch.mjs          apply + build (idempotent)
//   node patches/apply-netlink-patch.mjs --check  exit 0 if the patched build loads, 1 if not
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PATCH = join(HERE, 'netlink-0.3.0-enobufs.patch');
const MARKER = 'VIGIL-PATCH netlink-enobufs';
const EXPECTED_EXPORT = 'netlink-enobufs-1';
const VERSION = '0.3.0';

const requireFromRepo = createRequire(join(HERE, '..', 'package.json'));
const pkgDir = dirname(requireFromRepo.resolve('netlink/package.json'));

function fail(message) {
  console.error(`apply-netlink-patch: ${message}`);
  process.exit(1);
}

/** What the package's own loader picks, in a fresh process (a loaded addon cannot be reloaded). */
function loadedPatchLevel() {
  const probe = `const b = require('node-gyp-build')(${JSON.stringify(pkgDir)}); process.stdout.write(String(b.vigilPatch ?? ''))`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: pkgDir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

function nodeGypScript() {
  const prefix = resolve(process.execPath, '..', '..');
  return [
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].find((c) => existsSync(c));
}

if (process.argv.includes('--check')) process.exit(loadedPatchLevel() === EXPECTED_EXPORT ? 0 : 1);

const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
if (version !== VERSION) fail(`the patch is for netlink ${VERSION}, found ${version}; port it before upgrading`);

const source = join(pkgDir, 'src', 'binding.cc');
if (!readFileSync(source, 'utf8').includes(MARKER)) {
  const r = spawnSync('patch', ['-p1', '--forward', '--batch', '-d', pkgDir, '-i', PATCH], { encoding: 'utf8' });
  if (r.error) fail(`cannot run patch(1) (Debian package "patch"): ${r.error.message}`);
  if (r.status !== 0) fail(`patch did not apply:\n${r.stdout}${r.stderr}`);
}

if (loadedPatchLevel() !== EXPECTED_EXPORT) {
  const gyp = nodeGypScript();
  if (gyp === undefined) fail('node-gyp not found (it ships with npm)');
  // Installed headers only: node-gyp would otherwise try to download them.
  const prefix = resolve(process.execPath, '..', '..');
  const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : '/usr';
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], { cwd: pkgDir, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) fail(`building the patched addon failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  if (loadedPatchLevel() !== EXPECTED_EXPORT) fail('the rebuilt addon does not carry the patch marker');
}
console.log(`apply-netlink-patch: netlink ${VERSION} patched (${EXPECTED_EXPORT}) in ${pkgDir}`);
