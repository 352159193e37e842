import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { HttpProbeSpec, HttpUrlSpec } from './ProbeSpec.js';
import { HttpResponseReader } from './HttpResponseReader.js';
import { httpRequestText } from './HttpRequestText.js';
import { probeFailure, probeSuccess, type ProbeOutcome } from './ProbeOutcome.js';
import { errorCode, socketErrorReason } from './SocketErrorReason.js';
import { connectTcp } from './TcpConnector.js';
import { compileUrlRegex } from './UrlRegex.js';

/**
 * HTTP_GET / SSL_GET (check_http.c, check_ssl.c): one GET per url, each on its own
 * connection and each within connect_timeout (connect, TLS handshake, request and answer
 * together). The round stops at the first url that fails. Certificates are not verified,
 * as keepalived does not verify them.
 */
export async function runHttpProbe(spec: HttpProbeSpec): Promise<ProbeOutcome> {
  let last: ProbeOutcome = probeSuccess('no url to check');
  for (const url of spec.urls) {
    last = await fetchUrl(spec, url);
    if (!last.ok) return last;
  }
  return last;
}

async function fetchUrl(spec: HttpProbeSpec, url: HttpUrlSpec): Promise<ProbeOutcome> {
  const deadline = performance.now() + spec.target.timeoutMs;
  const connected = await connectTcp(spec.target, deadline);
  if (!connected.ok) return connected.outcome;
  let socket: Socket | TLSSocket = connected.socket;
  if (spec.tls) {
    const secured = await handshake(connected.socket, url.serverName, deadline);
    if (!secured.ok) return secured.outcome;
    socket = secured.socket;
  }
  const reader = new HttpResponseReader(
    { path: url.path, statusCodes: url.statusCodes, digest: url.digest, regex: compileUrlRegex(url.regex), regexNoMatch: url.regexNoMatch },
    spec.maxResponseBytes,
  );
  return exchange(socket, httpRequestText(url.path, url.hostHeader, spec.protocol), reader, deadline);
}

function handshake(
  socket: Socket,
  serverName: string | null,
  deadline: number,
): Promise<{ ok: true; socket: TLSSocket } | { ok: false; outcome: ProbeOutcome }> {
  return new Promise((resolve) => {
    let settled = false;
    let tls: TLSSocket;
    try {
      tls = tlsConnect({
        socket,
        rejectUnauthorized: false,
        // SNI carries a host name only (RFC 6066 §3): no literal address, no port.
        ...(serverName !== null && isIP(serverName) === 0 ? { servername: serverName.replace(/:\d+$/, '') } : {}),
      });
    } catch (err) {
      socket.destroy();
      resolve({ ok: false, outcome: probeFailure('tls-handshake', err instanceof Error ? err.message : String(err)) });
      return;
    }
    const finish = (r: { ok: true; socket: TLSSocket } | { ok: false; outcome: ProbeOutcome }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tls.removeAllListeners('secureConnect');
      if (!r.ok) {
        tls.destroy();
        socket.destroy();
      }
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, outcome: probeFailure('tls-handshake', 'handshake timed out') }), Math.max(0, deadline - performance.now()));
    tls.once('secureConnect', () => finish({ ok: true, socket: tls }));
    tls.on('error', (err) => {
      const code = errorCode(err);
      const reset = code === 'ECONNRESET' || code === 'EPIPE';
      finish({ ok: false, outcome: probeFailure('tls-handshake', reset ? `peer reset during handshake (${code})` : err.message) });
    });
    tls.once('close', () => finish({ ok: false, outcome: probeFailure('tls-handshake', 'closed during handshake') }));
  });
}

function exchange(socket: Socket | TLSSocket, request: string, reader: HttpResponseReader, deadline: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('end');
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => {
      const code = reader.statusCode;
      finish(probeFailure('read-timeout', code === 0 ? 'no complete answer in time' : `body of a ${code} answer incomplete in time`));
    }, Math.max(0, deadline - performance.now()));
    socket.on('data', (chunk: Buffer) => {
      const v = reader.push(chunk);
      if (v) finish(v);
    });
    socket.once('end', () => finish(reader.end()));
    socket.on('error', (err) => {
      const code = errorCode(err);
      finish(probeFailure(socketErrorReason(code, true), code ?? err.message));
    });
    socket.once('close', () => finish(reader.end()));
    socket.write(request);
  });
}
