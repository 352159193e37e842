import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';

/** What the server does with each connection. */
export type Behaviour =
  | { kind: 'http'; status?: number; body?: string | Buffer; headers?: string; chunkDelayMs?: number }
  /** Accept and never answer. */
  | { kind: 'silent' }
  /** Accept, then send a RST. */
  | { kind: 'reset' }
  /** Read the request, then reset. */
  | { kind: 'reset-after-request' }
  /** Reset as soon as any byte arrives (mid TLS handshake). */
  | { kind: 'reset-on-data' }
  /** Answer random bytes (with or without a blank line) and close. */
  | { kind: 'garbage'; close: boolean }
  /** A 200 header announcing `bytes` of body, then stream zeros as fast as the client reads. */
  | { kind: 'huge-body'; bytes: number }
  /** Send part of a header, then nothing more. */
  | { kind: 'stall-headers' }
  /** A header announcing 1000 bytes, 500 bytes, then close. */
  | { kind: 'close-half' }
  /** Close as soon as the request arrives, without answering. */
  | { kind: 'close-immediately' }
  /** Answer bytes that are not TLS to a ClientHello. */
  | { kind: 'tls-garbage' };

/**
 * A loopback server that can be told to misbehave in every way the issue lists. Counts the
 * connections it accepts and the bytes it streams, and closes every socket on `close()`.
 */
export class MisbehavingServer {
  behaviour: Behaviour;
  connections = 0;
  bytesStreamed = 0;
  requests: string[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    behaviour: Behaviour,
  ) {
    this.behaviour = behaviour;
  }

  static async start(behaviour: Behaviour, tls?: TlsOptions): Promise<MisbehavingServer> {
    let self: MisbehavingServer | undefined;
    const onSocket = (s: Socket): void => self?.handle(s);
    const server = tls ? createTlsServer(tls, onSocket) : createServer(onSocket);
    self = new MisbehavingServer(server, behaviour);
    if (tls) server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(s: Socket): void {
    this.connections++;
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    const b = this.behaviour;
    switch (b.kind) {
      case 'silent':
        return;
      case 'reset':
        s.resetAndDestroy();
        return;
      case 'reset-on-data':
        s.once('data', () => s.resetAndDestroy());
        return;
      case 'tls-garbage':
        s.once('data', () => s.end(Buffer.from('HTTP/1.0 400 Not TLS\r\n\r\n')));
        return;
      default:
        this.onRequest(s, () => this.answer(s, b));
    }
  }

  private onRequest(s: Socket, then: () => void): void {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        s.off('data', onData);
        this.requests.push(text);
        then();
      }
    };
    s.on('data', onData);
  }

  private answer(s: Socket, b: Behaviour): void {
    switch (b.kind) {
      case 'http': {
        const body = typeof b.body === 'string' ? Buffer.from(b.body) : (b.body ?? Buffer.from('ok\n'));
        const head = `HTTP/1.0 ${b.status ?? 200} X\r\n${b.headers ?? `Content-Length: ${body.length}\r\n`}\r\n`;
        if (b.chunkDelayMs) {
          s.write(head);
          setTimeout(() => s.end(body), b.chunkDelayMs);
        } else s.end(Buffer.concat([Buffer.from(head), body]));
        return;
      }
      case 'reset-after-request':
        s.resetAndDestroy();
        return;
      case 'garbage':
        s.write(Buffer.from('\x16\x03\x01\xff\xfe garbage \x00\x01\x02 not http at all' + (b.close ? '' : '\r\n\r\n')));
        if (b.close) s.end();
        return;
      case 'huge-body': {
        s.write(`HTTP/1.0 200 OK\r\nContent-Length: ${b.bytes}\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024);
        const pump = (): void => {
          while (this.bytesStreamed < b.bytes && !s.destroyed) {
            this.bytesStreamed += chunk.length;
            if (!s.write(chunk)) {
              s.once('drain', pump);
              return;
            }
          }
        };
        pump();
        return;
      }
      case 'stall-headers':
        s.write('HTTP/1.0 200 OK\r\nContent-Ty');
        return;
      case 'close-half':
        s.end(`HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(500)}`);
        return;
      case 'close-immediately':
        s.end();
        return;
      default:
        return;
    }
  }
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
