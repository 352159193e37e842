import type { TcpProbeSpec } from './ProbeSpec.js';
import { probeSuccess, type ProbeOutcome } from './ProbeOutcome.js';
import { connectTcp } from './TcpConnector.js';

/**
 * TCP_CHECK (check_tcp.c): the server is up when the three-way handshake completes within
 * connect_timeout. Nothing is sent or read; the socket is closed at once.
 */
export async function runTcpProbe(spec: TcpProbeSpec): Promise<ProbeOutcome> {
  const r = await connectTcp(spec.target, performance.now() + spec.target.timeoutMs);
  if (!r.ok) return r.outcome;
  r.socket.destroy();
  return probeSuccess('connected');
}
