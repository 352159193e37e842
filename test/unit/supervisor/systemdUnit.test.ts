import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const unitText = readFileSync(join(repoRoot, 'systemd/vigil.service'), 'utf8');

/** `Key=value` lines of one section, comments dropped. */
function sectionValues(section: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  let current = '';
  for (const raw of unitText.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1] ?? '';
      continue;
    }
    if (current !== section) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1)]);
  }
  return values;
}

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('systemd/vigil.service', () => {
  const service = sectionValues('Service');

  it('is a notify service that reloads with SIGHUP and restarts on failure only', () => {
    expect(service.get('Type')).toEqual(['notify']);
    expect(service.get('NotifyAccess')).toEqual(['all']);
    expect(service.get('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(service.get('Restart')).toEqual(['on-failure']);
    expect(service.get('RestartPreventExitStatus')).toEqual(['5']);
    expect(service.get('ExecStart')?.[0]).toMatch(/^\/usr\/bin\/vigil -n -f \/etc\/keepalived\/keepalived\.conf/);
  });

  it('bounds capabilities to exactly the six Vigil needs', () => {
    const caps = (service.get('CapabilityBoundingSet') ?? []).join(' ').split(/\s+/).sort();
    expect(caps).toEqual(['CAP_KILL', 'CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID']);
    expect(service.has('AmbientCapabilities')).toBe(false);
  });

  it('makes the file system read-only except /run/vigil', () => {
    expect(service.get('ProtectSystem')).toEqual(['strict']);
    expect(service.get('ReadWritePaths')).toEqual(['/run/vigil']);
    expect(service.get('RuntimeDirectory')).toEqual(['vigil']);
    expect(service.get('ProtectHome')).toEqual(['yes']);
    expect(service.get('PrivateTmp')).toEqual(['yes']);
  });

  describe.skipIf(!hasAnalyze)('systemd-analyze verify', () => {
    // verify insists that ExecStart's binary exists; /usr/bin/vigil is not installed here,
    // so the copy under test points ExecStart at a stand-in script (--root would need a
    // whole unit tree with sysinit.target and friends).
    const dir = mkdtempSync(join(tmpdir(), 'vigil-unit-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const verify = (text: string): { status: number | null; stderr: string } => {
      const stand = join(dir, 'vigil');
      writeFileSync(stand, '#!/bin/sh\nexit 0\n');
      chmodSync(stand, 0o755);
      const unit = join(dir, 'vigil.service');
      writeFileSync(unit, text.replace(/^ExecStart=\/usr\/bin\/vigil /m, `ExecStart=${stand} `));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    };

    it('passes without a warning', () => {
      const r = verify(unitText);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    it('would report an unknown key (the check is not vacuous)', () => {
      const r = verify(unitText.replace('[Service]\n', '[Service]\nNotAKey=1\n'));
      expect(r.stderr).toMatch(/Unknown key 'NotAKey'/);
    });
  });
});
