import { Socket, connect } from 'node:net';
import type { ConnectTarget } from './ProbeSpec.js';
import { probeFailure, type ProbeOutcome } from './ProbeOutcome.js';
import { errorCode, socketErrorReason } from './SocketErrorReason.js';

export type ConnectResult = { readonly ok: true; readonly socket: Socket } | { readonly ok: false; readonly outcome: ProbeOutcome };

/**
 * Opens a TCP connection as check_api.c tcp_bind_connect does: optional source address and
 * port, non-blocking, given up when `deadline` (monotonic ms, `performance.now()`) passes.
 */
export function connectTcp(target: ConnectTarget, deadline: number): Promise<ConnectResult> {
  if (target.port <= 0) {
    return Promise.resolve({ ok: false, outcome: probeFailure('no-port', 'no port to connect to (set connect_port)') });
  }
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket;
    const finish = (r: ConnectResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      socket.removeAllListeners('error');
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ ok: false, outcome: probeFailure('connect-timeout', `no answer from ${target.host}:${target.port}`) }),
      Math.max(0, deadline - performance.now()),
    );
    try {
      socket = connect({
        host: target.host,
        port: target.port,
        family: target.family,
        ...(target.bindAddress !== null ? { localAddress: target.bindAddress } : {}),
        ...(target.bindPort !== null ? { localPort: target.bindPort } : {}),
        // Literal addresses only: never resolve names on the probe path.
        lookup: (host, _opts, cb) => cb(null, host, target.family),
      });
    } catch (err) {
      clearTimeout(timer);
      resolve({ ok: false, outcome: probeFailure('connect-error', err instanceof Error ? err.message : String(err)) });
      return;
    }
    socket.once('connect', () => {
      // The caller adds its own handlers; until then a late error must not become an uncaught one.
      socket.on('error', () => undefined);
      finish({ ok: true, socket });
    });
    socket.once('error', (err) => {
      const code = errorCode(err);
      finish({ ok: false, outcome: probeFailure(socketErrorReason(code, false), code ?? err.message) });
    });
  });
}
