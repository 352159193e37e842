/**
 * The bench's backends, in their own process so that the checker's CPU, fds and RSS are
 * measured alone: one loopback listener per real server (127.0.0.1, consecutive ports).
 * `tcp` accepts and closes; `http` answers a minimal 200 and closes.
 * Started by bench.ts with fork(); reports the ports it could bind over IPC.
 */
import { createServer, type Server, type Socket } from 'node:net';

type Mode = 'tcp' | 'http';
const mode = (process.argv[2] ?? 'tcp') as Mode;
const count = Number(process.argv[3] ?? 10_000);
const basePort = Number(process.argv[4] ?? 20_000);

const HTTP_ANSWER = Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n');

function onConnection(s: Socket): void {
  s.on('error', () => undefined);
  if (mode === 'tcp') {
    s.destroy();
    return;
  }
  s.once('data', () => s.end(HTTP_ANSWER));
}

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const srv = createServer(onConnection);
    srv.once('error', () => resolve(null));
    srv.listen({ port, host: '127.0.0.1', backlog: 1024 }, () => resolve(srv));
  });
}

const servers: Server[] = [];
const ports: number[] = [];
for (let port = basePort; ports.length < count && port < basePort + count * 2 && port < 32_768; port += 256) {
  const batch = Array.from({ length: Math.min(256, count - ports.length) }, (_, i) => port + i);
  const bound = await Promise.all(batch.map(listen));
  bound.forEach((s, i) => {
    if (s && ports.length < count) {
      servers.push(s);
      ports.push(batch[i] as number);
    } else s?.close();
  });
}
process.send?.({ ports });
process.on('message', (m) => {
  if (m === 'stop') {
    for (const s of servers) s.close();
    process.exit(0);
  }
});
