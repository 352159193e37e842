import type { ProbeFailureReason } from './ProbeOutcome.js';

/** Maps a socket errno (Node's `err.code`) to a probe failure reason. */
export function socketErrorReason(code: string | undefined, connected: boolean): ProbeFailureReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connect-refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    case 'EADDRINUSE':
    case 'EADDRNOTAVAIL':
      return connected ? 'connect-error' : 'bind-failed';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return connected ? 'read-timeout' : 'connect-timeout';
    default:
      return connected ? 'reset' : 'connect-error';
  }
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
