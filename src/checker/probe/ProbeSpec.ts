import type { HttpProtocol, StatusCodeRange } from '../../config/model/Checker.js';

/** Where a network probe connects from and to (check_api.c conn_opts_t). */
export interface ConnectTarget {
  readonly host: string;
  /** 0 when neither the real server nor connect_port gives one (the probe fails `no-port`). */
  readonly port: number;
  readonly family: 4 | 6;
  readonly bindAddress: string | null;
  readonly bindPort: number | null;
  /** Hard limit for the whole exchange of one request, in milliseconds (connect_timeout). */
  readonly timeoutMs: number;
}

export interface TcpProbeSpec {
  readonly kind: 'tcp';
  readonly target: ConnectTarget;
}

export interface HttpUrlSpec {
  readonly path: string;
  /** The `Host:` header value, resolved like check_http.c: url, checker, real server, virtual server, then address:port. */
  readonly hostHeader: string;
  readonly statusCodes: readonly StatusCodeRange[];
  /** Lower-case hex MD5, or `null`. */
  readonly digest: string | null;
  readonly regex: string | null;
  readonly regexNoMatch: boolean;
  /** TLS server name (SNI) for this url's connection, or `null`. */
  readonly serverName: string | null;
}

export interface HttpProbeSpec {
  readonly kind: 'http';
  readonly tls: boolean;
  readonly target: ConnectTarget;
  readonly protocol: HttpProtocol;
  readonly urls: readonly HttpUrlSpec[];
  /** Byte cap on one response (headers and body); more is `body-too-large`. */
  readonly maxResponseBytes: number;
}

export interface MiscProbeSpec {
  readonly kind: 'misc';
  readonly argv: readonly string[];
  readonly uid: number | null;
  readonly gid: number | null;
  readonly timeoutMs: number;
  /** misc_dynamic: exit 2..255 is a success that carries a weight. */
  readonly dynamic: boolean;
}

/** What one probe does. Two checkers with equal specs send identical traffic. */
export type ProbeSpec = TcpProbeSpec | HttpProbeSpec | MiscProbeSpec;

/** check_http.c MAX_BUFFER_LENGTH is per read; Vigil caps the whole answer instead. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
