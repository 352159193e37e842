import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { VigilError } from '../core/VigilError.js';
import { PROMETHEUS_CONTENT_TYPE } from './PrometheusText.js';

export interface MetricsEndpoint {
  /** Loopback by default: metrics name every VIP and real server, not for the world. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
}

export const DEFAULT_METRICS_ENDPOINT: MetricsEndpoint = { host: '127.0.0.1', port: 9650 };

export interface RunningMetricsServer {
  /** The bound address (the real port when 0 was asked). */
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

export type MetricsServerStart = { ok: true; server: RunningMetricsServer } | { ok: false; error: VigilError };

/** Serves `GET /metrics` with whatever `render` returns at that moment. */
export function startMetricsHttpServer(endpoint: MetricsEndpoint, render: () => string | Promise<string>): Promise<MetricsServerStart> {
  const server: Server = createServer((req, res) => void serve(req, res));
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    let body: string;
    try {
      body = await render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  // A scraper that keeps connections open must not hold up shutdown.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, error: new VigilError('METRICS_LISTEN_FAILED', `cannot serve metrics on ${endpoint.host}:${endpoint.port}: ${err.code ?? err.message}`, { ...endpoint, errno: err.code ?? null }, { cause: err }) });
    });
    server.listen(endpoint.port, endpoint.host, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : endpoint.port;
      resolve({
        ok: true,
        server: {
          address: { host: endpoint.host, port },
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        },
      });
    });
  });
}
