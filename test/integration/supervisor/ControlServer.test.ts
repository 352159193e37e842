import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStatus, STATUS_EXIT_NOT_RUNNING, STATUS_EXIT_OK } from '../../../src/cli/commands/status.js';
import { callControlSocket } from '../../../src/supervisor/ControlClient.js';
import type { ControlResponse } from '../../../src/supervisor/ControlProtocol.js';
import { startControlServer, type RunningControlServer } from '../../../src/supervisor/ControlServer.js';
import { FakeStatusSource, loadStatusFixture } from '../../unit/supervisor/statusFixture.js';

let dir: string;
let running: RunningControlServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-control-'));
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const source = new FakeStatusSource();
const handler = async (req: { command: 'status' | 'dump' | 'reload' }): Promise<ControlResponse> => {
  if (req.command === 'status') return { ok: true, command: 'status', result: source.status() };
  if (req.command === 'reload') return { ok: true, command: 'reload', result: await source.reload() };
  throw new Error('dump exploded');
};

async function start(path = join(dir, 'run', 'control.sock')): Promise<string> {
  const r = await startControlServer(path, handler);
  if (!r.ok) throw r.error;
  running = r.server;
  return path;
}

/** Sends raw bytes and collects response lines until `count` arrived (bounded by the socket closing). */
function rawExchange(path: string, payload: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buf = '';
    const s = connect(path, () => s.write(payload));
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      buf += c;
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= count) {
        s.destroy();
        resolve(lines);
      }
    });
    s.on('close', () => resolve(lines));
    s.on('error', reject);
  });
}

describe('control socket', () => {
  it('creates a private directory and a 0600 socket, and removes the socket on close', async () => {
    const path = await start();
    expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await running?.close();
    running = undefined;
    expect(existsSync(path)).toBe(false);
  });

  it('answers status and reload through the client', async () => {
    const path = await start();
    const status = await callControlSocket(path, { command: 'status' });
    expect(status).toEqual({ ok: true, response: { ok: true, command: 'status', result: loadStatusFixture() } });
    const reload = await callControlSocket(path, { command: 'reload' });
    expect(reload).toMatchObject({ ok: true, response: { ok: true, result: { outcome: 'applied' } } });
  });

  it('answers several requests on one connection in order, errors included', async () => {
    const path = await start();
    const lines = await rawExchange(path, '{"command":"reload"}\nnot json\n{"command":"dump"}\n{"command":"nope"}\n{"command":"status"}\n', 5);
    const parsed = lines.map((l) => JSON.parse(l) as ControlResponse);
    expect(parsed.map((r) => (r.ok ? r.command : r.error.code))).toEqual(['reload', 'CONTROL_BAD_JSON', 'CONTROL_INTERNAL', 'CONTROL_UNKNOWN_COMMAND', 'status']);
  });

  it('closes a connection that sends an endless line', async () => {
    const path = await start();
    const lines = await rawExchange(path, 'x'.repeat(70 * 1024), 1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ ok: false, error: { code: 'CONTROL_REQUEST_TOO_LARGE' } });
  });

  it('drops a client that stays silent past the idle timeout', async () => {
    const path = join(dir, 'idle.sock');
    const r = await startControlServer(path, handler, 20);
    if (!r.ok) throw r.error;
    running = r.server;
    // Nothing is sent: the server ends the connection, so the exchange resolves with no lines.
    expect(await rawExchange(path, '', 1)).toEqual([]);
  });

  it('replaces a stale socket left by a crashed run', async () => {
    const path = join(dir, 'control.sock');
    // A listener killed with SIGKILL never unlinks its socket: exactly what a crash leaves.
    const crashed = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => crashed.stdout.once('data', () => resolve()));
    const exited = new Promise<void>((resolve) => crashed.once('exit', () => resolve()));
    crashed.kill('SIGKILL');
    await exited;
    expect(lstatSync(path).isSocket()).toBe(true);
    await start(path);
    expect((await callControlSocket(path, { command: 'status' })).ok).toBe(true);
  });

  it('refuses to take over a socket another process answers on', async () => {
    const path = await start();
    const second = await startControlServer(path, handler);
    expect(second).toMatchObject({ ok: false, error: { code: 'CONTROL_SOCKET_IN_USE' } });
  });

  it('refuses a path that is not a socket and a directory others can write', async () => {
    const file = join(dir, 'control.sock');
    writeFileSync(file, '');
    expect(await startControlServer(file, handler)).toMatchObject({ ok: false, error: { code: 'CONTROL_SOCKET_PATH_TAKEN' } });
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(await startControlServer(join(open, 'control.sock'), handler)).toMatchObject({ ok: false, error: { code: 'CONTROL_SOCKET_DIR_UNSAFE' } });
  });
});

describe('vigil status', () => {
  const capture = (): { io: { stdout(t: string): void; stderr(t: string): void }; out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, out, err };
  };

  it('prints the report, or the JSON status with --json', async () => {
    const path = await start();
    const text = capture();
    expect(await runStatus({ json: false, socketPath: path }, text.io)).toBe(STATUS_EXIT_OK);
    expect(text.out.join('')).toContain('VI_1  MASTER');
    const json = capture();
    expect(await runStatus({ json: true, socketPath: path }, json.io)).toBe(STATUS_EXIT_OK);
    expect(JSON.parse(json.out.join(''))).toEqual(loadStatusFixture());
  });

  it('exits 3 (LSB "not running") when no daemon listens', async () => {
    const c = capture();
    expect(await runStatus({ json: false, socketPath: join(dir, 'absent.sock') }, c.io)).toBe(STATUS_EXIT_NOT_RUNNING);
    expect(c.err.join('')).toMatch(/Vigil is not running/);
  });
});
