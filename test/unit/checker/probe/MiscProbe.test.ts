import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMiscProbe } from '../../../../src/checker/probe/MiscProbe.js';
import type { MiscProbeSpec } from '../../../../src/checker/probe/ProbeSpec.js';
import { runScript } from '../../../../src/checker/script/ScriptProcess.js';

const SCRIPTS = resolve(import.meta.dirname, '../../../fixtures/checker/scripts');
const tmp = mkdtempSync(join(tmpdir(), 'vigil-misc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function misc(argv: string[], over: Partial<MiscProbeSpec> = {}): MiscProbeSpec {
  return { kind: 'misc', argv: argv.map((a, i) => (i === 0 ? join(SCRIPTS, a) : a)), uid: null, gid: null, timeoutMs: 5000, dynamic: false, ...over };
}

/** A process is gone when it no longer exists or is a zombie nobody reaped yet. */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

describe('MISC_CHECK exit status classes (check_misc.c)', () => {
  it('exit 0 is up, exit 1 is down', async () => {
    expect(await runMiscProbe(misc(['exit-with.sh', '0']))).toMatchObject({ ok: true, exitCode: 0 });
    expect(await runMiscProbe(misc(['exit-with.sh', '1']))).toMatchObject({ ok: false, reason: 'misc-exit', exitCode: 1 });
  });

  it('without misc_dynamic, 2..255 are failures', async () => {
    for (const code of [2, 42, 255]) expect(await runMiscProbe(misc(['exit-with.sh', String(code)]))).toMatchObject({ ok: false, reason: 'misc-exit', exitCode: code });
  });

  it('with misc_dynamic, 2..255 are successes carrying the status (weight = status - 2)', async () => {
    for (const code of [2, 42, 255]) expect(await runMiscProbe(misc(['exit-with.sh', String(code)], { dynamic: true }))).toMatchObject({ ok: true, exitCode: code });
    expect(await runMiscProbe(misc(['exit-with.sh', '1'], { dynamic: true }))).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('keeps the last line the script printed as the failure detail', async () => {
    expect(await runMiscProbe(misc(['print-and-fail.sh']))).toMatchObject({ ok: false, detail: 'exit 1: backend 198.51.100.11 refused' });
  });

  it('a script killed by a signal it was not sent is misc-signal', async () => {
    expect(await runMiscProbe(misc(['kill-self.sh']))).toMatchObject({ ok: false, reason: 'misc-signal' });
  });

  it('a program that cannot be started is misc-spawn', async () => {
    expect(await runMiscProbe(misc(['does-not-exist.sh']))).toMatchObject({ ok: false, reason: 'misc-spawn' });
  });
});

describe('MISC_CHECK misbehaving scripts', () => {
  it('a hanging script is killed with its whole process group at misc_timeout', async () => {
    const pidFile = join(tmp, 'grandchild.pid');
    const r = await runMiscProbe(misc(['hang.sh', pidFile], { timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, reason: 'misc-timeout' });
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    for (let i = 0; i < 50 && !gone(grandchild); i++) await new Promise((r2) => setTimeout(r2, 20));
    expect(gone(grandchild)).toBe(true);
  });

  it('a script that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const r = await runScript({ argv: [join(SCRIPTS, 'hang-ignoring-term.sh')], uid: null, gid: null, timeoutMs: 200, killGraceMs: 200 });
    expect(r).toMatchObject({ kind: 'signaled', signal: 'SIGKILL', timedOut: true });
  });

  it('a script printing megabytes finishes normally and only a little output is kept', async () => {
    const r = await runScript({ argv: [join(SCRIPTS, 'megabytes.sh'), '8'], uid: null, gid: null, timeoutMs: 20_000 });
    expect(r).toMatchObject({ kind: 'exited', code: 0 });
    expect(r.kind === 'exited' && r.output.length).toBeLessThanOrEqual(2048);
  });
});

describe.skipIf(process.getuid?.() !== 0)('MISC_CHECK script user', () => {
  it('runs the script as the configured uid/gid', async () => {
    expect(await runMiscProbe(misc(['uid-is.sh', '65534'], { uid: 65534, gid: 65534 }))).toMatchObject({ ok: true });
    expect(await runMiscProbe(misc(['uid-is.sh', '0']))).toMatchObject({ ok: true });
  });
});
