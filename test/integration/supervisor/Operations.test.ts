import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/Logger.js';
import { callControlSocket } from '../../../src/supervisor/ControlClient.js';
import { VigilMetrics } from '../../../src/supervisor/Metrics.js';
import { startOperations, type RunningOperations } from '../../../src/supervisor/Operations.js';
import { parsePrometheusText, sampleValue } from '../../unit/supervisor/parsePrometheusText.js';
import { FakeStatusSource } from '../../unit/supervisor/statusFixture.js';

let dir: string;
let ops: RunningOperations | undefined;
let logLines: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-ops-'));
  logLines = [];
});
afterEach(async () => {
  await ops?.stop();
  ops = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function logger(): ReturnType<typeof createLogger> {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done): void {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger({ console: false, detail: true, proc: 'parent', destination });
}

async function startAll(source = new FakeStatusSource(), metricsOn = true): Promise<RunningOperations> {
  ops = await startOperations({
    status: source,
    metrics: new VigilMetrics({ version: '0.1.0', nodeVersion: process.versions.node }),
    metricsEndpoint: metricsOn ? { host: '127.0.0.1', port: 0 } : null,
    log: logger(),
    paths: { controlSocket: join(dir, 'run', 'control.sock'), stateDump: join(dir, 'run', 'state.json') },
    now: () => 1763719200000,
  });
  return ops;
}

describe('startOperations', () => {
  it('serves status, a redacted dump and reload on the control socket', async () => {
    const source = new FakeStatusSource();
    const running = await startAll(source);
    const path = running.controlSocketPath ?? '';
    expect(await callControlSocket(path, { command: 'status' })).toMatchObject({ ok: true, response: { ok: true, result: { daemon: { pid: 4242 } } } });
    const dump = await callControlSocket(path, { command: 'dump' });
    expect(dump).toMatchObject({ ok: true, response: { ok: true, result: { format: 'vigil-state-dump', dumpedAt: 1763719200000 } } });
    expect(JSON.stringify(dump)).not.toContain('s3cr3tpw');
    expect(await callControlSocket(path, { command: 'reload' })).toMatchObject({ ok: true, response: { result: { outcome: 'applied' } } });
    expect(source.reloads).toBe(1);
  });

  it('serves metrics over HTTP on loopback, read from the status at scrape time', async () => {
    const source = new FakeStatusSource();
    const running = await startAll(source);
    const url = `http://127.0.0.1:${running.metricsAddress?.port}/metrics`;
    const before = parsePrometheusText(await (await fetch(url)).text());
    expect(sampleValue(before, 'vigil_vrrp_state', { vrrp_instance: 'VI_6', state: 'BACKUP' })).toBe(1);
    const first = source.current.vrrp?.instances[1];
    if (!first || !source.current.vrrp) throw new Error('fixture changed');
    source.current = { ...source.current, vrrp: { ...source.current.vrrp, instances: [source.current.vrrp.instances[0]!, { ...first, state: 'MASTER' }] } };
    const after = parsePrometheusText(await (await fetch(url)).text());
    expect(sampleValue(after, 'vigil_vrrp_state', { vrrp_instance: 'VI_6', state: 'MASTER' })).toBe(1);
  });

  it('writes the state dump on SIGUSR1: mode 0600, no secret', async () => {
    const running = await startAll();
    const dumpPath = join(dir, 'run', 'state.json');
    process.kill(process.pid, 'SIGUSR1');
    // Signals arrive through the event loop; wait for the file, at most 200 turns.
    for (let i = 0; i < 200 && !existsSync(dumpPath); i++) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(dumpPath)).toBe(true);
    expect(statSync(dumpPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(dumpPath, 'utf8');
    expect(text).not.toContain('s3cr3tpw');
    expect(text).not.toContain('other-secret');
    expect(JSON.parse(text)).toMatchObject({ format: 'vigil-state-dump', state: { status: { daemon: { pid: 4242 } } } });
    expect(logLines.some((l) => l.includes('State dumped to'))).toBe(true);
    expect(running.writeStateDump()).toEqual({ ok: true, path: dumpPath });
  });

  it('stop() removes the socket, closes metrics and the SIGUSR1 listener', async () => {
    const listeners = process.listenerCount('SIGUSR1');
    const running = await startAll();
    expect(process.listenerCount('SIGUSR1')).toBe(listeners + 1);
    const port = running.metricsAddress?.port;
    await running.stop();
    ops = undefined;
    expect(process.listenerCount('SIGUSR1')).toBe(listeners);
    expect(existsSync(join(dir, 'run', 'control.sock'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('keeps going with metrics switched off and with an unusable socket directory, logging why', async () => {
    const open = join(dir, 'run');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const running = await startAll(new FakeStatusSource(), false);
    expect(running.metricsAddress).toBeNull();
    expect(running.controlSocketPath).toBeNull();
    const error = logLines.map((l) => JSON.parse(l) as { level: number; code?: string }).find((l) => l.code === 'CONTROL_SOCKET_DIR_UNSAFE');
    expect(error?.level).toBe(50);
  });
});
