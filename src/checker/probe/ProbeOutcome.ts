/**
 * Why a probe failed. Stable strings: logs, metrics and `vigil status` show them, and
 * operators grep for them.
 */
export const PROBE_FAILURE_REASONS = [
  /** RST in answer to our SYN (ECONNREFUSED): nothing listens. */
  'connect-refused',
  /** No SYN-ACK within connect_timeout. */
  'connect-timeout',
  /** EHOSTUNREACH / ENETUNREACH: no route, or ICMP unreachable. */
  'unreachable',
  /** bindto / bind_port could not be bound (EADDRINUSE, EADDRNOTAVAIL). */
  'bind-failed',
  /** Any other socket error before the connection was up. */
  'connect-error',
  /** The peer reset an established connection (ECONNRESET, EPIPE). */
  'reset',
  /** The TLS handshake failed or did not finish within connect_timeout. */
  'tls-handshake',
  /** The connection was up but the full answer did not arrive within connect_timeout. */
  'read-timeout',
  /** The peer closed before a complete HTTP header, or before the announced Content-Length. */
  'closed-early',
  /** Not an HTTP response: bad status line, or headers too large. */
  'http-malformed',
  /** The status code is not in the url's status_code list. */
  'http-status',
  /** MD5 of the body differs from the url's digest. */
  'digest-mismatch',
  /** regex did not match (or matched, with regex_no_match). */
  'regex-mismatch',
  /** The answer exceeded the byte cap; we stopped reading. */
  'body-too-large',
  /** MISC_CHECK script exited with a failure status. */
  'misc-exit',
  /** MISC_CHECK script ran past misc_timeout and was killed. */
  'misc-timeout',
  /** MISC_CHECK script died from a signal we did not send. */
  'misc-signal',
  /** MISC_CHECK script could not be started (ENOENT, EACCES, bad user). */
  'misc-spawn',
  /** The checker has no port to connect to (fwmark real server without connect_port). */
  'no-port',
] as const;

export type ProbeFailureReason = (typeof PROBE_FAILURE_REASONS)[number];

/** The result of one probe: one TCP connect, one round of HTTP GETs, or one script run. */
export type ProbeOutcome =
  | {
      readonly ok: true;
      /** Short human text (`connected`, `200 /health`, `exit 0`). */
      readonly detail: string;
      /** MISC_CHECK exit status; `null` for network probes. */
      readonly exitCode: number | null;
    }
  | {
      readonly ok: false;
      readonly reason: ProbeFailureReason;
      readonly detail: string;
      readonly exitCode: number | null;
    };

export function probeSuccess(detail: string, exitCode: number | null = null): ProbeOutcome {
  return { ok: true, detail, exitCode };
}

export function probeFailure(reason: ProbeFailureReason, detail: string, exitCode: number | null = null): ProbeOutcome {
  return { ok: false, reason, detail, exitCode };
}
