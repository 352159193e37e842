import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasNetnsSupport, runCommand } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping daemon operations tests: ${support.reason}`);

const WAIT_MS = 30_000;
const MAIN = join(import.meta.dirname, '../../../dist/src/cli/main.js');

describe.skipIf(!support.ok && !mustRun)('a running director answers vigil status, metrics and SIGUSR1', () => {
  let bed: DirectorBed;
  let d1: DaemonHandle;

  beforeAll(async () => {
    bed = await DirectorBed.create(1);
    d1 = bed.startVigil('d1', configText(instanceText({ priority: 150, pass: 'topsecr' })));
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
  });

  afterAll(async () => {
    if (d1) await bed.stop(d1).catch(() => undefined);
    await bed?.destroy();
  });

  it('vigil status --json reports the instance as MASTER through the control socket beside the pid file', async () => {
    const socket = join(dirname(d1.pidFile), 'control.sock');
    expect(existsSync(socket)).toBe(true);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const r = await runCommand([process.execPath, MAIN, 'status', '--json', '-p', d1.pidFile], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { vrrp: { instances: Array<{ name: string; state: string }> } };
    expect(status.vrrp.instances).toEqual([expect.objectContaining({ name: 'VI_1', state: 'MASTER' })]);
    expect(r.stdout).not.toContain('topsecr');
  });

  it('serves Prometheus metrics on loopback inside its namespace', async () => {
    const fetchScript = "fetch('http://127.0.0.1:9650/metrics').then(r => r.text()).then(t => process.stdout.write(t), e => { console.error(e); process.exit(1); })";
    const r = await runCommand(['ip', 'netns', 'exec', bed.topology.namespaceOf('d1'), process.execPath, '-e', fetchScript], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# TYPE \S+ /m);
    expect(r.stdout).toMatch(/vigil_build_info\{[^}]*version="[^"]+"/);
    expect(r.stdout).toMatch(/vrrp_instance="VI_1"/);
  });

  it('writes a secret-free state dump on SIGUSR1 instead of opening the Node inspector', async () => {
    const dump = join(dirname(d1.pidFile), 'state.json');
    d1.process.signal('SIGUSR1');
    const deadline = Date.now() + WAIT_MS;
    while (!existsSync(dump) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(dump)).toBe(true);
    const text = readFileSync(dump, 'utf8');
    expect(text).toContain('VI_1');
    expect(text).not.toContain('topsecr');
    // The inspector would print "Debugger listening on ws://..." to stderr.
    expect(`${d1.process.stdout}\n${d1.process.stderr}`).not.toMatch(/Debugger listening/);
  });
});
