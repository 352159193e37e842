import { readlinkSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, NetnsProcess, runCommand, waitFor } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, VIGIL_MAIN } from '../vrrp/DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping net_namespace tests: ${support.reason}`);

const WAIT_MS = 30_000;

function netnsInode(pid: number): string {
  return readlinkSync(`/proc/${pid}/ns/net`);
}

/**
 * keepalived's top-level `net_namespace NAME`: Vigil's parent is started in this (the
 * test's) namespace, as a unit would start it, and its children must run inside NAME. The
 * parent opens nothing on the network here (metrics off, control socket in a directory).
 */
describe.skipIf(!support.ok && !mustRun)('net_namespace', () => {
  let bed: DirectorBed;
  let daemon: NetnsProcess | undefined;

  beforeAll(async () => {
    bed = await DirectorBed.create(1);
  });

  afterEach(async () => {
    await daemon?.stop({ graceMs: 10_000 }).catch(() => undefined);
    daemon = undefined;
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const start = (name: string, config: string): { proc: NetnsProcess; pidFile: string; vrrpPidFile: string; confFile: string } => {
    const confFile = bed.path(`${name}.conf`);
    writeFileSync(confFile, config);
    const pidFile = bed.path(`${name}.pid`);
    const vrrpPidFile = bed.path(`${name}-vrrp.pid`);
    const proc = NetnsProcess.start([process.execPath, VIGIL_MAIN, '-n', '-l', '-f', confFile, '-p', pidFile, '-r', vrrpPidFile, '-c', bed.path(`${name}-checkers.pid`), '--metrics=off']);
    daemon = proc;
    return { proc, pidFile, vrrpPidFile, confFile };
  };

  it('runs the VRRP child inside the named namespace while the parent stays where it was started', async () => {
    const ns = bed.topology.namespaceOf('d1');
    const d = start('inside', `net_namespace ${ns}\n${configText(instanceText({ priority: 150 }))}`);
    await d.proc.waitForOutput(/Running VRRP and checkers in network namespace/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder('192.0.2.100', 'd1', ['d1'], WAIT_MS);
    const child = Number((await runCommand(['cat', d.vrrpPidFile], { timeoutMs: 5_000 })).stdout.trim());
    // The child's network namespace is the one bound at /run/netns/NAME; the parent's is ours.
    expect(netnsInode(child)).toBe(`net:[${statSync(`/run/netns/${ns}`).ino}]`);
    expect(netnsInode(d.proc.pid)).toBe(netnsInode(process.pid));
    const status = await runCommand([process.execPath, VIGIL_MAIN, 'status', '--json', '-p', d.pidFile], { timeoutMs: 20_000 });
    expect((JSON.parse(status.stdout) as { vrrp: { instances: { state: string }[] } }).vrrp.instances[0]?.state).toBe('MASTER');

    // The namespace cannot change on a reload (keepalived.conf(5)); the running one stays.
    writeFileSync(d.confFile, `net_namespace vigil-no-such-ns\n${configText(instanceText({ priority: 150 }))}`);
    const reload = await runCommand([process.execPath, VIGIL_MAIN, 'reload', '-p', d.pidFile], { timeoutMs: 60_000 });
    expect(reload.code).toBe(5);
    expect(reload.stderr).toMatch(/net_namespace cannot change on a reload/);

    await d.proc.stop({ graceMs: 10_000 });
    daemon = undefined;
    expect(d.proc.exitStatus?.code).toBe(0);
    expect(await bed.holders('192.0.2.100', ['d1'])).toEqual([]);
  });

  it('refuses to start when the namespace does not exist, as keepalived does', async () => {
    const d = start('missing', `net_namespace vigil-no-such-ns\n${configText(instanceText({ priority: 150 }))}`);
    const exit = await d.proc.exited;
    daemon = undefined;
    expect(exit.code).toBe(1);
    expect(d.proc.stdout).toMatch(/Unable to set network namespace vigil-no-such-ns: \/run\/netns\/vigil-no-such-ns does not exist/);
    await waitFor(() => d.proc.groupIsEmpty(), { timeoutMs: WAIT_MS, description: 'nothing left running' });
  });
});
