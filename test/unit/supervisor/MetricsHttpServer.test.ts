import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsHttpServer, type RunningMetricsServer } from '../../../src/supervisor/MetricsHttpServer.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../../src/supervisor/PrometheusText.js';

describe('startMetricsHttpServer', () => {
  let running: RunningMetricsServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const start = async (render: () => string): Promise<string> => {
    const r = await startMetricsHttpServer({ host: '127.0.0.1', port: 0 }, render);
    if (!r.ok) throw r.error;
    running = r.server;
    return `http://127.0.0.1:${r.server.address.port}`;
  };

  it('serves the current rendering on GET /metrics with the exposition content type', async () => {
    let n = 0;
    const base = await start(() => `# HELP x X.\n# TYPE x gauge\nx ${++n}\n`);
    const first = await fetch(`${base}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(await first.text()).toContain('x 1\n');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('x 2\n');
  });

  it('answers 404 elsewhere, 405 to POST and 500 when rendering throws', async () => {
    let fail = false;
    const base = await start(() => {
      if (fail) throw new Error('status source gone');
      return '';
    });
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    fail = true;
    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/status source gone/);
  });

  it('reports a port in use as a typed error', async () => {
    const base = await start(() => '');
    const port = Number(new URL(base).port);
    const second = await startMetricsHttpServer({ host: '127.0.0.1', port }, () => '');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.code).toBe('METRICS_LISTEN_FAILED');
  });
});
