import { isIP } from 'node:net';
import type { MetricsEndpoint } from './MetricsHttpServer.js';

export type MetricsEndpointParse = { ok: true; endpoint: MetricsEndpoint | null } | { ok: false; error: string };

/**
 * The text of a `--metrics` option: `off`, `PORT` (on 127.0.0.1), `ADDRESS:PORT` or
 * `[IPV6]:PORT`. Only literal addresses: a host name would make the listening address
 * depend on DNS at start.
 */
export function parseMetricsEndpoint(text: string): MetricsEndpointParse {
  const t = text.trim();
  if (t === 'off' || t === 'no' || t === 'false') return { ok: true, endpoint: null };
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(t) ?? /^()()(\d{1,5})$/.exec(t);
  if (!m) return { ok: false, error: `'${text}' is not off, PORT, ADDRESS:PORT or [IPV6]:PORT` };
  const host = m[1] || m[2] || '127.0.0.1';
  const port = Number(m[3]);
  if (isIP(host) === 0) return { ok: false, error: `'${host}' is not an IP address` };
  if (m[1] && isIP(host) !== 6) return { ok: false, error: `'[${host}]' must be an IPv6 address` };
  if (port < 1 || port > 65535) return { ok: false, error: `port ${port} is out of range 1-65535` };
  return { ok: true, endpoint: { host, port } };
}
