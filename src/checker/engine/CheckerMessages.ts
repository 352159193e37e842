import type { ProbeOutcome } from '../probe/ProbeOutcome.js';
import type { CheckerLogEvent } from '../state/CheckerCycle.js';
import type { SupportedCheckerType } from './CheckerPlan.js';

/** Where a checker message is about: keepalived's FMT_CHK (the real server) and FMT_VS. */
export interface CheckerMessageContext {
  readonly type: SupportedCheckerType;
  readonly rs: string;
  readonly vs: string;
  /** MISC_CHECK program (args[0]). */
  readonly program: string;
  /** HTTP: what the last url checked ("HTTP status code", "MD5 digest" or "Regex match") and its path. */
  readonly urlCheck?: { readonly what: string; readonly path: string };
}

/** The checker-level log lines of keepalived 2.2.7 (check_tcp.c, check_http.c, check_misc.c). */
export function checkerMessage(ev: CheckerLogEvent, o: ProbeOutcome, ctx: CheckerMessageContext): string {
  switch (ctx.type) {
    case 'TCP_CHECK':
      if (ev.kind === 'success' || ev.kind === 'url-success') return `TCP connection to ${ctx.rs} success.`;
      if (ev.kind === 'failed') return ev.retries > 0 ? `TCP_CHECK on service ${ctx.rs} failed after ${ev.retries} retries.` : `TCP_CHECK on service ${ctx.rs} failed.`;
      return `TCP connection to ${ctx.rs} ${!o.ok && o.reason === 'connect-timeout' ? 'timeout' : 'failed'}.`;
    case 'HTTP_GET':
    case 'SSL_GET':
      if (ev.kind === 'success') return `Remote Web server ${ctx.rs} succeed on service.`;
      if (ev.kind === 'url-success') return `${ctx.urlCheck?.what ?? 'HTTP status code'} success to ${ctx.rs} url(${ctx.urlCheck?.path ?? '/'})`;
      if (ev.kind === 'failed') return ev.retries > 0 ? `HTTP_CHECK on service ${ctx.rs} failed after ${ev.retries} retries.` : `HTTP_CHECK on service ${ctx.rs} failed.`;
      return `${httpAttemptText(o)} server ${ctx.rs}.`;
    case 'MISC_CHECK': {
      const head = `Misc check for [${ctx.rs} VS ${ctx.vs}] by [${ctx.program}]`;
      if (ev.kind === 'success' || ev.kind === 'url-success') return `${head} succeeded.`;
      const retries = miscRetryText(ev);
      if (o.ok) return `${head} failed${retries}.`;
      if (o.reason === 'misc-timeout') return `${head} timed out${retries}.`;
      if (o.reason === 'misc-exit') return `${head} failed${retries} (exited with status ${o.exitCode ?? '?'}).`;
      if (o.reason === 'misc-signal') return `${head} failed${retries} (due to signal ${o.detail.replace(/^died of /, '').split(':')[0]}).`;
      return `${head} failed${retries} (${o.detail}).`;
    }
  }
}

/** check_misc.c 2.2.7: ", will do 2 retries", " on retry 1/2", " after 1 retry", " with retry disabled". */
function miscRetryText(ev: CheckerLogEvent): string {
  const plural = (n: number): string => `${n} ${n === 1 ? 'retry' : 'retries'}`;
  if (ev.kind === 'failed') return ev.retries > 0 ? ` after ${plural(ev.retries)}` : ' with retry disabled';
  if (ev.kind === 'attempt-failed') return ev.attempt === 1 ? `, will do ${plural(ev.retry)}` : ` on retry ${ev.attempt - 1}/${ev.retry}`;
  return '';
}

/** check_http.c timeout_epilog debug messages, by failure reason. */
function httpAttemptText(o: ProbeOutcome): string {
  if (o.ok) return 'Check of';
  switch (o.reason) {
    case 'connect-timeout':
      return 'Timeout connecting';
    case 'connect-refused':
    case 'connect-error':
    case 'bind-failed':
    case 'no-port':
      return 'Error connecting';
    case 'unreachable':
      return 'HTTP_CHECK - network unreachable';
    case 'tls-handshake':
      return 'SSL handshake/communication error connecting to';
    case 'read-timeout':
      return 'Timeout HTTP read';
    case 'closed-early':
      return 'Read, no data received from ';
    case 'reset':
      return 'Read error with';
    case 'http-status':
    case 'http-malformed':
      return 'HTTP status code error to';
    case 'digest-mismatch':
      return 'MD5 digest error to';
    case 'regex-mismatch':
      return 'Regex match failed';
    case 'body-too-large':
      return 'Answer too large from';
    default:
      return 'Check failed of';
  }
}
