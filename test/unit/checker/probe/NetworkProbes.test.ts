import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runTcpProbe } from '../../../../src/checker/probe/TcpProbe.js';
import { runHttpProbe } from '../../../../src/checker/probe/HttpProbe.js';
import type { ConnectTarget, HttpProbeSpec, HttpUrlSpec } from '../../../../src/checker/probe/ProbeSpec.js';
import type { ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';
import { MisbehavingServer, closedPort, type Behaviour } from '../support/MisbehavingServer.js';
import { BlackholeListener } from '../support/BlackholeListener.js';
import { haveOpenssl, selfSignedCert } from '../support/SelfSignedCert.js';

const TIMEOUT_MS = 400;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function server(b: Behaviour, tls?: { key: string; cert: string }): Promise<MisbehavingServer> {
  const s = await MisbehavingServer.start(b, tls);
  open.push(s);
  return s;
}

function target(port: number, timeoutMs = TIMEOUT_MS): ConnectTarget {
  return { host: '127.0.0.1', port, family: 4, bindAddress: null, bindPort: null, timeoutMs };
}

function url(over: Partial<HttpUrlSpec> = {}): HttpUrlSpec {
  return { path: '/health', hostHeader: 'rs.example.test', statusCodes: [{ from: 200, to: 299 }], digest: null, regex: null, regexNoMatch: false, serverName: null, ...over };
}

function http(port: number, urls: HttpUrlSpec[], over: Partial<HttpProbeSpec> = {}): HttpProbeSpec {
  return { kind: 'http', tls: false, target: target(port), protocol: '1.0', urls, maxResponseBytes: 64 * 1024, ...over };
}

/**
 * The misbehaving servers never close on their own, so a verdict arriving at all means the
 * probe's own connect_timeout deadline ended the exchange (no wall-clock assertion: the
 * project keeps speed out of tests).
 */
function timed(p: Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  return p;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

describe('TCP_CHECK probe', () => {
  it('is up when the handshake completes, even if the server never answers', async () => {
    const s = await server({ kind: 'silent' });
    expect(await timed(runTcpProbe({ kind: 'tcp', target: target(s.port) }))).toMatchObject({ ok: true });
    expect(s.connections).toBe(1);
  });

  it('fails connect-refused when nothing listens', async () => {
    expect(await timed(runTcpProbe({ kind: 'tcp', target: target(await closedPort()) }))).toMatchObject({ ok: false, reason: 'connect-refused' });
  });

  it('fails connect-timeout when SYNs are dropped', async () => {
    const b = await BlackholeListener.start();
    open.push(b);
    expect(await timed(runTcpProbe({ kind: 'tcp', target: target(b.port) }))).toMatchObject({ ok: false, reason: 'connect-timeout' });
  });

  it('binds the source address and port it is given (bindto, bind_port)', async () => {
    const s = await server({ kind: 'silent' });
    const src = await closedPort();
    const r = await runTcpProbe({ kind: 'tcp', target: { ...target(s.port), bindAddress: '127.0.0.1', bindPort: src } });
    expect(r.ok).toBe(true);
  });

  it('fails bind-failed when bindto is not a local address', async () => {
    const s = await server({ kind: 'silent' });
    const r = await runTcpProbe({ kind: 'tcp', target: { ...target(s.port), bindAddress: '192.0.2.77' } });
    expect(r).toMatchObject({ ok: false, reason: 'bind-failed' });
  });

  it('connects over IPv6 (::1)', async () => {
    const { createServer } = await import('node:net');
    const srv = createServer((c) => c.destroy());
    const listening = await new Promise<boolean>((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen(0, '::1', () => resolve(true));
    });
    if (!listening) return; // no IPv6 loopback on this host
    open.push({ close: () => new Promise<void>((r) => srv.close(() => r())) });
    const port = (srv.address() as { port: number }).port;
    expect(await runTcpProbe({ kind: 'tcp', target: { ...target(port), host: '::1', family: 6 } })).toMatchObject({ ok: true });
  });

  it('fails no-port for a port-less target', async () => {
    expect(await runTcpProbe({ kind: 'tcp', target: target(0) })).toMatchObject({ ok: false, reason: 'no-port' });
  });
});

describe('HTTP_GET probe against misbehaving servers', () => {
  it('sends keepalived\'s request and accepts a 200', async () => {
    const s = await server({ kind: 'http' });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: true });
    expect(s.requests[0]).toBe('GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: rs.example.test\r\n\r\n');
  });

  it('sends HTTP/1.1 with Connection: close for http_protocol 1.1', async () => {
    const s = await server({ kind: 'http' });
    await runHttpProbe(http(s.port, [url()], { protocol: '1.1' }));
    expect(s.requests[0]).toBe('GET /health HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: rs.example.test\r\n\r\n');
  });

  it('fails read-timeout when the server accepts and never answers', async () => {
    const s = await server({ kind: 'silent' });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'read-timeout' });
  });

  it('fails reset when the server resets after the request', async () => {
    const s = await server({ kind: 'reset-after-request' });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'reset' });
  });

  it('fails reset (or closed-early) when the server resets on accept', async () => {
    const s = await server({ kind: 'reset' });
    const r = await timed(runHttpProbe(http(s.port, [url()])));
    expect(r).toMatchObject({ ok: false });
    expect(['reset', 'closed-early']).toContain(r.ok ? '' : r.reason);
  });

  it('fails http-malformed on garbage', async () => {
    const s = await server({ kind: 'garbage', close: false });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'http-malformed' });
  });

  it('fails closed-early on garbage without a header end, then close', async () => {
    const s = await server({ kind: 'garbage', close: true });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'closed-early' });
  });

  it('caps a 10 GB body at maxResponseBytes when the digest needs it', async () => {
    const s = await server({ kind: 'huge-body', bytes: 10 * 1024 ** 3 });
    const r = await timed(runHttpProbe(http(s.port, [url({ digest: md5('x') })])));
    expect(r).toMatchObject({ ok: false, reason: 'body-too-large' });
    expect(s.bytesStreamed).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not read a 10 GB body when only the status matters', async () => {
    const s = await server({ kind: 'huge-body', bytes: 10 * 1024 ** 3 });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: true });
    expect(s.bytesStreamed).toBeLessThan(64 * 1024 * 1024);
  });

  it('fails read-timeout when the server stalls mid-headers', async () => {
    const s = await server({ kind: 'stall-headers' });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'read-timeout' });
  });

  it('fails closed-early when the body stops half-way and a digest needs it', async () => {
    const s = await server({ kind: 'close-half' });
    expect(await timed(runHttpProbe(http(s.port, [url({ digest: md5('x'.repeat(1000)) })])))).toMatchObject({ ok: false, reason: 'closed-early' });
  });

  it('judges a half-closed answer on its status when nothing needs the body (as keepalived)', async () => {
    const s = await server({ kind: 'close-half' });
    expect(await runHttpProbe(http(s.port, [url()]))).toMatchObject({ ok: true });
  });

  it('fails closed-early when the server closes without answering', async () => {
    const s = await server({ kind: 'close-immediately' });
    expect(await timed(runHttpProbe(http(s.port, [url()])))).toMatchObject({ ok: false, reason: 'closed-early' });
  });

  it('fails connect-refused when nothing listens', async () => {
    expect(await timed(runHttpProbe(http(await closedPort(), [url()])))).toMatchObject({ ok: false, reason: 'connect-refused' });
  });

  it('fails connect-timeout when SYNs are dropped', async () => {
    const b = await BlackholeListener.start();
    open.push(b);
    expect(await timed(runHttpProbe(http(b.port, [url()])))).toMatchObject({ ok: false, reason: 'connect-timeout' });
  });
});

describe('HTTP_GET url checks', () => {
  it('checks status_code lists and ranges (default 200-299)', async () => {
    const s = await server({ kind: 'http', status: 503 });
    expect(await runHttpProbe(http(s.port, [url()]))).toMatchObject({ ok: false, reason: 'http-status' });
    expect(await runHttpProbe(http(s.port, [url({ statusCodes: [{ from: 200, to: 200 }, { from: 500, to: 503 }] })]))).toMatchObject({ ok: true });
  });

  it('compares the MD5 of the body with digest', async () => {
    const s = await server({ kind: 'http', body: 'hello world\n' });
    expect(await runHttpProbe(http(s.port, [url({ digest: md5('hello world\n') })]))).toMatchObject({ ok: true });
    expect(await runHttpProbe(http(s.port, [url({ digest: md5('other') })]))).toMatchObject({ ok: false, reason: 'digest-mismatch' });
  });

  it('hashes up to EOF when there is no Content-Length', async () => {
    const s = await server({ kind: 'http', body: 'streamed body', headers: '', chunkDelayMs: 20 });
    expect(await runHttpProbe(http(s.port, [url({ digest: md5('streamed body') })]))).toMatchObject({ ok: true });
  });

  it('matches regex against the body, and regex_no_match inverts it', async () => {
    const s = await server({ kind: 'http', body: '{"status":"green"}' });
    expect(await runHttpProbe(http(s.port, [url({ regex: '"status":"(green|yellow)"' })]))).toMatchObject({ ok: true });
    expect(await runHttpProbe(http(s.port, [url({ regex: 'red' })]))).toMatchObject({ ok: false, reason: 'regex-mismatch' });
    expect(await runHttpProbe(http(s.port, [url({ regex: 'green', regexNoMatch: true })]))).toMatchObject({ ok: false, reason: 'regex-mismatch' });
  });

  it('checks every url and stops at the first failure', async () => {
    const s = await server({ kind: 'http', status: 200 });
    const r = await runHttpProbe(http(s.port, [url({ path: '/a' }), url({ path: '/b', statusCodes: [{ from: 204, to: 204 }] }), url({ path: '/c' })]));
    expect(r).toMatchObject({ ok: false, reason: 'http-status' });
    expect(s.requests.map((q) => q.split(' ')[1])).toEqual(['/a', '/b']);
  });
});

describe.skipIf(!haveOpenssl())('SSL_GET probe', () => {
  const pair = haveOpenssl() ? selfSignedCert() : { key: '', cert: '' };

  it('completes the handshake with a self-signed certificate and checks the answer', async () => {
    const s = await server({ kind: 'http', body: 'secure' }, pair);
    expect(await timed(runHttpProbe(http(s.port, [url({ digest: md5('secure'), serverName: 'rs.example.test' })], { tls: true })))).toMatchObject({ ok: true });
  });

  it('sends SNI when a server name is given', async () => {
    const names: (string | false)[] = [];
    const s = await MisbehavingServer.start({ kind: 'http' }, { ...pair, SNICallback: (n, cb) => { names.push(n); cb(null); } });
    open.push(s);
    await runHttpProbe(http(s.port, [url({ serverName: 'www.example.test' })], { tls: true }));
    expect(names).toEqual(['www.example.test']);
  });

  it('fails tls-handshake when the server answers with something that is not TLS', async () => {
    const s = await server({ kind: 'tls-garbage' });
    expect(await timed(runHttpProbe(http(s.port, [url()], { tls: true })))).toMatchObject({ ok: false, reason: 'tls-handshake' });
  });

  it('fails tls-handshake when the server never answers the ClientHello', async () => {
    const s = await server({ kind: 'silent' });
    expect(await timed(runHttpProbe(http(s.port, [url()], { tls: true })))).toMatchObject({ ok: false, reason: 'tls-handshake' });
  });

  it('fails tls-handshake when the server resets during the handshake', async () => {
    const s = await server({ kind: 'reset-on-data' });
    expect(await timed(runHttpProbe(http(s.port, [url()], { tls: true })))).toMatchObject({ ok: false, reason: 'tls-handshake' });
  });
});
