import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, runCommand, waitFor, type NetnsProcess } from '../../support/netns/index.js';
import { DirectorBed, VIGIL_MAIN } from '../vrrp/DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping Healthcheck child tests: ${support.reason}`);

const WAIT_MS = 30_000;

interface RealServerView {
  readonly rs: string;
  readonly up: boolean;
  readonly since: number;
  readonly reason: string | null;
}
interface StatusView {
  readonly daemon: { readonly children: readonly { role: string; running: boolean; restarts: number; pid: number | null }[] };
  readonly checkers: { readonly virtualServers: readonly { vs: string; realServers: readonly RealServerView[] }[] } | null;
  readonly ipvs: { readonly running: boolean; readonly unavailable?: string } | null;
  readonly vrrp: unknown;
}

function config(ports: readonly number[]): string {
  const rs = ports.map((p) => `    real_server 192.0.2.2 ${p} {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 2\n        }\n    }\n`).join('');
  return `global_defs {\n    router_id hc_it\n}\nvirtual_server 192.0.2.100 80 {\n    delay_loop 1\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n${rs}}\n`;
}

/**
 * The checker side as its own process on this host (whose kernel has no IPVS): real TCP
 * checks against a server in another namespace, the status and metrics the parent serves,
 * state carried across a reload and across kill -9 of the Healthcheck child.
 */
describe.skipIf(!support.ok && !mustRun)('the Healthcheck child', () => {
  let bed: DirectorBed;
  let daemon: NetnsProcess;
  const listeners = new Map<number, NetnsProcess>();
  let confFile = '';
  let pidFile = '';

  const listen = (port: number): void => {
    const script = `require('net').createServer((s) => s.end()).listen(${port}, '192.0.2.2', () => console.log('listening ${port}'))`;
    listeners.set(port, bed.topology.spawn('d2', [process.execPath, '-e', script]));
  };

  const status = async (): Promise<StatusView> => {
    const r = await runCommand([process.execPath, VIGIL_MAIN, 'status', '--json', '-p', pidFile], { timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`vigil status: ${r.stderr}`);
    return JSON.parse(r.stdout) as StatusView;
  };
  const realServer = (s: StatusView, port: number): RealServerView | undefined => s.checkers?.virtualServers[0]?.realServers.find((r) => r.rs.endsWith(`:${port}`));

  beforeAll(async () => {
    bed = await DirectorBed.create(2);
    for (const port of [8080, 8081, 8082]) listen(port);
    await Promise.all([...listeners.values()].map((l) => l.waitForOutput(/listening/, { timeoutMs: WAIT_MS })));
    confFile = bed.path('hc.conf');
    pidFile = bed.path('hc-vigil.pid');
    writeFileSync(confFile, config([8080, 8081]));
    daemon = bed.topology.spawn('d1', [process.execPath, VIGIL_MAIN, '-n', '-l', '-D', '-f', confFile, '-p', pidFile, '-r', bed.path('hc-vrrp.pid'), '-c', bed.path('hc-checkers.pid')]);
    await daemon.waitForOutput(/Healthcheck child started with pid/, { timeoutMs: WAIT_MS });
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop({ graceMs: 10_000 }).catch(() => undefined);
    await Promise.all([...listeners.values()].map((l) => l.stop({ graceMs: 2_000 }).catch(() => undefined)));
    await bed?.destroy();
  });

  it('checks the real servers and says plainly that IPVS is unavailable on this kernel', async () => {
    await waitFor(async () => realServer(await status(), 8080)?.up === true && realServer(await status(), 8081)?.up === true, { timeoutMs: WAIT_MS, description: 'both real servers up' });
    const s = await status();
    expect(s.vrrp).toBeNull();
    expect(s.daemon.children).toEqual([expect.objectContaining({ role: 'checker', running: true, restarts: 0 })]);
    expect(s.ipvs).toMatchObject({ running: false, unavailable: expect.stringMatching(/IPVS/) });
    const text = await runCommand([process.execPath, VIGIL_MAIN, 'status', '-p', pidFile], { timeoutMs: 20_000 });
    expect(text.stdout).toMatch(/IPVS: unavailable - /);
    expect(text.stdout).toMatch(/Healthcheck child: pid \d+/);
  });

  it('serves the checker’s metrics from the parent', async () => {
    const fetchScript = "fetch('http://127.0.0.1:9650/metrics').then(r => r.text()).then(t => process.stdout.write(t), e => { console.error(e); process.exit(1); })";
    // Probe results reach the parent in batches (at most about a second late).
    await waitFor(
      async () => {
        const r = await runCommand(['ip', 'netns', 'exec', bed.topology.namespaceOf('d1'), process.execPath, '-e', fetchScript], { timeoutMs: 20_000 });
        return /vigil_checker_results_total\{checker="TCP_CHECK",result="success"\} [1-9]/.test(r.stdout);
      },
      { timeoutMs: WAIT_MS, description: 'probe results in the metrics' },
    );
    const r = await runCommand(['ip', 'netns', 'exec', bed.topology.namespaceOf('d1'), process.execPath, '-e', fetchScript], { timeoutMs: 20_000 });
    expect(r.stdout).toMatch(/^vigil_ipvs_available 0$/m);
    expect(r.stdout).toMatch(/^vigil_child_up\{child="checker"\} 1$/m);
    expect(r.stdout).toMatch(/vigil_real_servers\{/);
  });

  it('marks a server that stops answering down, and a reload keeps both verdicts while adding a server', async () => {
    await listeners.get(8081)?.stop({ graceMs: 2_000 });
    await waitFor(async () => realServer(await status(), 8081)?.up === false, { timeoutMs: WAIT_MS, description: '8081 down' });
    const before = await status();
    const upSince = realServer(before, 8080)?.since;
    writeFileSync(confFile, config([8080, 8081, 8082]));
    const reload = await runCommand([process.execPath, VIGIL_MAIN, 'reload', '-p', pidFile], { timeoutMs: 60_000 });
    expect(reload.code, reload.stderr).toBe(0);
    expect(reload.stdout).toMatch(/^applied:/);
    const after = await status();
    expect(realServer(after, 8080)).toMatchObject({ up: true, since: upSince });
    expect(realServer(after, 8081)).toMatchObject({ up: false });
    expect(realServer(after, 8082)).toBeDefined();
    await waitFor(async () => realServer(await status(), 8082)?.up === true, { timeoutMs: WAIT_MS, description: 'the new server checked up' });
  });

  it('a killed Healthcheck child is respawned and resumes from the verdicts it had', async () => {
    const checkers = join(dirname(pidFile), 'hc-checkers.pid');
    const old = Number(readFileSync(checkers, 'utf8').trim());
    const before = await status();
    process.kill(old, 'SIGKILL');
    await waitFor(async () => (await status()).daemon.children[0]?.restarts === 1 && (await status()).daemon.children[0]?.running === true, { timeoutMs: WAIT_MS, description: 'the respawned child' });
    const after = await status();
    expect(Number(readFileSync(checkers, 'utf8').trim())).not.toBe(old);
    expect(realServer(after, 8081)).toMatchObject({ up: false });
    expect(realServer(after, 8080)).toMatchObject({ up: true, since: realServer(before, 8080)?.since });
    expect(daemon.stdout).toMatch(/Healthcheck child \(pid \d+\) exited unexpectedly \(signal SIGKILL\)/);
  });
});
