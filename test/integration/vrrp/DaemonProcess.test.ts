import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, VIGIL_MAIN } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping vigil daemon process tests: ${support.reason}`);

const WAIT_MS = 30_000;

describe.skipIf(!support.ok && !mustRun)('the vigil daemon process', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(1);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  /** Runs vigil to completion in d1 and returns its exit code and output. */
  async function runVigil(argv: readonly string[], wrapper: readonly string[] = []): Promise<{ code: number | null; output: string }> {
    const r = await bed.topology.exec('d1', [...wrapper, process.execPath, VIGIL_MAIN, ...argv], { timeoutMs: WAIT_MS });
    return { code: r.code, output: `${r.stdout}\n${r.stderr}` };
  }

  it('exits 1 with a clear line when the configured interface does not exist', async () => {
    const conf = bed.path('missing-if.conf');
    writeFileSync(conf, configText(instanceText({ priority: 100 }).replace('interface eth0', 'interface eth9')));
    const r = await runVigil(['-n', '-l', '-P', '-f', conf, '-p', bed.path('m.pid'), '-r', bed.path('m-vrrp.pid')]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/ERROR: \(VI_1\) interface eth9 does not exist/);
    expect(r.output).toMatch(/VRRP child could not start/);
    expect(r.output).toMatch(/Vigil could not start - exiting/);
    expect(existsSync(bed.path('m.pid'))).toBe(false);
  });

  it('exits 1 naming EPERM when it may not open raw sockets (run as nobody)', async () => {
    const dir = bed.path('unprivileged');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const conf = join(dir, 'vigil.conf');
    writeFileSync(conf, configText(instanceText({ priority: 100 })), { mode: 0o644 });
    const r = await runVigil(['-n', '-l', '-P', '-f', conf, '-p', join(dir, 'p.pid'), '-r', join(dir, 'r.pid')], [
      'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
    ]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/ERROR: .*(EPERM|Operation not permitted)/);
  });

  it('refuses to start when its pid file names a live process, and exits 5 on a refused configuration', async () => {
    const conf = bed.path('ok.conf');
    writeFileSync(conf, configText(instanceText({ priority: 100 })));
    const pid = bed.path('busy.pid');
    writeFileSync(pid, `${process.pid}\n`);
    const busy = await runVigil(['-n', '-l', '-P', '-f', conf, '-p', pid, '-r', bed.path('busy-vrrp.pid')]);
    expect(busy.code).toBe(1);
    expect(busy.output).toMatch(/daemon is already running/);
    expect(readFileSync(pid, 'utf8')).toBe(`${process.pid}\n`);

    const bad = bed.path('bad.conf');
    writeFileSync(bad, 'vrrp_instance VI_1 {\n    interface eth0\n}\n');
    const refused = await runVigil(['-n', '-l', '-P', '-f', bad, '-p', bed.path('b.pid'), '-r', bed.path('b-vrrp.pid')]);
    expect(refused.code).toBe(5);
    expect(refused.output).toMatch(/Configuration refused, not starting/);
  });

  it('runs with plain `-f FILE -n`, writes both pid files, and stops cleanly on SIGINT', async () => {
    const conf = bed.path('plain.conf');
    writeFileSync(conf, configText(instanceText({ priority: 120 })));
    const d = bed.startVigil('d1', configText(instanceText({ priority: 120 })));
    await d.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    expect(readFileSync(d.pidFile, 'utf8').trim()).toBe(String(d.process.pid));
    // The VRRP side runs in a child process with its own pid file (keepalived's -r).
    const child = Number(readFileSync(d.vrrpPidFile, 'utf8').trim());
    expect(child).not.toBe(d.process.pid);
    expect(readFileSync(`/proc/${child}/cmdline`, 'utf8')).toContain('childMain.js');
    d.process.signal('SIGINT');
    const exit = await d.process.exited;
    expect(exit.code).toBe(0);
    expect(d.process.stdout).toMatch(/Received SIGINT/);
    expect(d.process.stdout).toMatch(/\(VI_1\) removing VIPs\./);
    expect(existsSync(d.pidFile)).toBe(false);
    expect(existsSync(d.vrrpPidFile)).toBe(false);
    expect(await bed.addresses('d1')).not.toContain('192.0.2.100');

    const plain = bed.topology.spawn('d1', [process.execPath, VIGIL_MAIN, '-f', conf, '-n', '-p', bed.path('plain.pid'), '-r', bed.path('plain-vrrp.pid')]);
    // Without -l the lines are JSON with stable fields.
    const json = await plain.waitForOutput(/\{[^\n]*"msg":"\(VI_1\) Entering MASTER STATE"[^\n]*\}/, { timeoutMs: WAIT_MS });
    expect(JSON.parse(json[0])).toMatchObject({ instance: 'VI_1', vrid: 51, proc: 'vrrp' });
    await plain.stop({ graceMs: 10_000 });
    expect(plain.exitStatus?.code).toBe(0);
  });
});
