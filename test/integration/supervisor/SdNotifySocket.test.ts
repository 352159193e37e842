import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSdNotify } from '../../../src/supervisor/SdNotify.js';

const hasTools = spawnSync('systemd-notify', ['--version']).status === 0 && spawnSync('python3', ['--version']).status === 0;

/**
 * A stand-in for systemd's notify socket: python binds the unix datagram socket (Node
 * cannot), prints each message on one line and closes passed descriptors, which is what
 * releases systemd-notify's BARRIER=1 wait.
 */
const RECEIVER = `
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(10)
print("bound", flush=True)
try:
    while True:
        msg, fds, flags, addr = socket.recv_fds(s, 4096, 4)
        for fd in fds: os.close(fd)
        print(msg.decode().replace("\\n", "|"), flush=True)
except socket.timeout:
    pass
`;

describe.skipIf(!hasTools)('SdNotify through systemd-notify to a real unix datagram socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-notify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers READY, RELOADING and STOPPING with MAINPID', async () => {
    const socketPath = join(dir, 'notify.sock');
    const receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let buffered = '';
    const bound = new Promise<void>((resolve) => {
      receiver.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const p of parts) {
          if (p === 'bound') resolve();
          else lines.push(p);
        }
      });
    });
    try {
      await bound;
      const notify = createSdNotify({ env: { ...process.env, NOTIFY_SOCKET: socketPath }, pid: 4242, monotonicMicros: () => 99n });
      expect(await notify.ready('up')).toEqual({ ok: true, sent: true });
      expect(await notify.reloading()).toEqual({ ok: true, sent: true });
      expect(await notify.stopping()).toEqual({ ok: true, sent: true });
      // Each systemd-notify returns only after its barrier was answered, so all are in.
      const messages = lines.filter((l) => l !== 'BARRIER=1');
      expect(messages).toEqual(['MAINPID=4242|READY=1|STATUS=up', 'MAINPID=4242|RELOADING=1|MONOTONIC_USEC=99', 'MAINPID=4242|STOPPING=1']);
    } finally {
      receiver.kill('SIGTERM');
    }
  });
});
