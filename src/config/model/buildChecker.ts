import type { Statement } from '../ConfigAst.js';
import type { IpAddress, PassThroughKeyword, ScriptCommand, ScriptUser } from './Common.js';
import type {
  Checker,
  CheckerCommon,
  HttpCheck,
  HttpProtocol,
  HttpUrl,
  MiscCheck,
  StatusCodeRange,
  TcpCheck,
  UnsupportedCheckerType,
} from './Checker.js';
import type { Draft } from './Draft.js';
import * as D from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRule, type KeywordRules } from './KeywordRules.js';
import {
  readAddress,
  readChoice,
  readScriptCommand,
  readInteger,
  readOptionalBoolean,
  readPort,
  readScriptUser,
  readSeconds,
  readText,
  wordText,
} from './ValueReaders.js';

export const SUPPORTED_CHECKERS = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK'] as const;
export const UNSUPPORTED_CHECKERS: readonly UnsupportedCheckerType[] = ['SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'];

/** connect_timeout: read_timer(..., 1, UINT_MAX) in microseconds (check_api.c). */
const MAX_TIMER_SECONDS = 4294.967295;
/** delay_loop, delay_before_retry, warmup: read_timer with no upper bound, i.e. ULONG_MAX µs. */
const MAX_UNBOUNDED_TIMER_SECONDS = 18446744073709.55;

/** Settings a checker, a real server or a virtual server can each give; `null` = not written here. */
export interface InheritableCheckerSettings {
  retry: number | null;
  delayBeforeRetrySeconds: number | null;
  warmupSeconds: number | null;
  delayLoopSeconds: number | null;
  connectTimeoutSeconds: number | null;
}

/** A checker as read, before inheritance from its real and virtual server. */
export type CheckerDraft =
  | {
      readonly kind: 'supported';
      readonly type: (typeof SUPPORTED_CHECKERS)[number];
      readonly explicit: InheritableCheckerSettings;
      /** `alpha` written in the checker; `null` inherits the real server's. */
      readonly explicitAlpha: boolean | null;
      readonly build: (resolved: ResolvedCheckerSettings) => Checker;
    }
  | { readonly kind: 'unsupported'; readonly checker: Checker };

export interface ResolvedCheckerSettings {
  readonly retry: number;
  readonly delayBeforeRetrySeconds: number;
  readonly warmupSeconds: number;
  readonly delayLoopSeconds: number;
  readonly connectTimeoutSeconds: number;
  readonly alpha: boolean;
}

interface CommonDraft extends InheritableCheckerSettings {
  connectIp: IpAddress | null;
  connectPort: number | null;
  bindTo: IpAddress | null;
  bindPort: number | null;
  bindInterface: string | null;
  fwmark: number | null;
  alpha: boolean | null;
  logAllFailures: boolean;
}

interface HttpDraft extends CommonDraft {
  urls: HttpUrl[];
  httpProtocol: HttpProtocol;
  virtualhost: string | null;
  enableSni: boolean;
  fastRecovery: boolean;
}

interface MiscDraft extends CommonDraft {
  script: ScriptCommand | null;
  timeoutSeconds: number | null;
  dynamic: boolean;
  user: ScriptUser | null;
}

function seconds<T extends InheritableCheckerSettings>(key: keyof InheritableCheckerSettings, min: number, max = MAX_UNBOUNDED_TIMER_SECONDS): KeywordRule<T> {
  return {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min, max, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d[key] = v;
    },
  };
}

function retryRule<T extends InheritableCheckerSettings>(): KeywordRule<T> {
  return {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 0, max: 0xffffffff }, sink);
      if (v !== null) d.retry = v;
    },
  };
}

/** check_api.c install_checker_common_keywords(): options of every checker. */
function scheduleRules<T extends CommonDraft>(): KeywordRules<T> {
  return {
    retry: retryRule<T>(),
    delay_before_retry: seconds<T>('delayBeforeRetrySeconds', 0),
    warmup: seconds<T>('warmupSeconds', 0),
    delay_loop: seconds<T>('delayLoopSeconds', 0.000001),
    alpha: { maxArgs: 1, apply: (s, d, sink) => void ((v) => v !== null && (d.alpha = v))(readOptionalBoolean(s, 0, sink)) },
    log_all_failures: { maxArgs: 1, apply: (s, d, sink) => void ((v) => v !== null && (d.logAllFailures = v))(readOptionalBoolean(s, 0, sink)) },
  };
}

/** The connection options (check_api.c, `connection` keywords): not valid in MISC_CHECK. */
function connectionRules<T extends CommonDraft>(): KeywordRules<T> {
  return {
    connect_ip: { minArgs: 1, apply: (s, d, sink) => (d.connectIp = readAddress(s, 0, sink)) },
    connect_port: { minArgs: 1, apply: (s, d, sink) => (d.connectPort = readPort(s, 0, sink, 1)) },
    bindto: { minArgs: 1, apply: (s, d, sink) => (d.bindTo = readAddress(s, 0, sink)) },
    bind_port: { minArgs: 1, apply: (s, d, sink) => (d.bindPort = readPort(s, 0, sink, 1)) },
    bind_if: {
      minArgs: 1,
      apply: (s, d, sink) => {
        const name = readText(s, 0, sink);
        // IFNAMSIZ (linux/if.h) is 16 including the NUL: "Interface name %s is too long - ignoring".
        if (name !== null && name.length > 15 && s.args[0]) {
          sink.error('invalid-value', s.args[0], 'bind_if', `interface name '${name}' is longer than 15 characters (keepalived ignores it)`, 'use the real interface name');
        } else d.bindInterface = name;
      },
    },
    connect_timeout: seconds<T>('connectTimeoutSeconds', 0.000001, MAX_TIMER_SECONDS),
    fwmark: { minArgs: 1, apply: (s, d, sink) => (d.fwmark = readInteger(s, 0, { min: 0, max: 0xffffffff }, sink)) },
  };
}

function newCommon(): CommonDraft {
  return {
    retry: null,
    delayBeforeRetrySeconds: null,
    warmupSeconds: null,
    delayLoopSeconds: null,
    connectTimeoutSeconds: null,
    connectIp: null,
    connectPort: null,
    bindTo: null,
    bindPort: null,
    bindInterface: null,
    fwmark: null,
    alpha: null,
    logAllFailures: false,
  };
}

/** The resolved common fields; written out in full so that V8 keeps one object shape. */
function commonOf(d: CommonDraft, r: ResolvedCheckerSettings, pos: CheckerCommon['pos']): CheckerCommon {
  return {
    pos,
    connectIp: d.connectIp,
    connectPort: d.connectPort,
    bindTo: d.bindTo,
    bindPort: d.bindPort,
    bindInterface: d.bindInterface,
    fwmark: d.fwmark,
    connectTimeoutSeconds: r.connectTimeoutSeconds,
    retry: r.retry,
    delayBeforeRetrySeconds: r.delayBeforeRetrySeconds,
    delayLoopSeconds: r.delayLoopSeconds,
    warmupSeconds: r.warmupSeconds,
    alpha: r.alpha,
    logAllFailures: d.logAllFailures,
  };
}

function explicitOf(d: InheritableCheckerSettings): InheritableCheckerSettings {
  return {
    retry: d.retry,
    delayBeforeRetrySeconds: d.delayBeforeRetrySeconds,
    warmupSeconds: d.warmupSeconds,
    delayLoopSeconds: d.delayLoopSeconds,
    connectTimeoutSeconds: d.connectTimeoutSeconds,
  };
}

// ---- HTTP_GET / SSL_GET (keepalived/check/check_http.c) ----

/** keepalived check_http.c: status codes must be in 100..599 ("Invalid HTTP_GET status code"). */
function readStatusCodes(s: Statement, sink: DiagnosticSink): StatusCodeRange[] {
  const ranges: StatusCodeRange[] = [];
  for (const word of s.args) {
    const text = wordText(word, 'status_code', sink);
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(text);
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(from >= 100 && to <= 599 && from <= to)) {
      sink.error('invalid-value', word, 'status_code', `status_code '${text}' is not a code or range within 100..599 (keepalived ignores it)`, "write codes like '200', '200-299' or '200 301-302'");
      continue;
    }
    ranges.push({ from, to });
  }
  return ranges;
}

interface UrlDraft {
  path: string | null;
  digest: string | null;
  statusCodes: StatusCodeRange[] | null;
  virtualhost: string | null;
  regex: string | null;
  regexNoMatch: boolean;
}

export const URL_PASS_THROUGH: ReadonlySet<string> = new Set(['regex_options', 'regex_min_offset', 'regex_max_offset', 'regex_stack']);

export const URL_RULES: KeywordRules<UrlDraft> = {
  path: { minArgs: 1, apply: (s, u, sink) => (u.path = readText(s, 0, sink)) },
  digest: {
    minArgs: 1,
    apply: (s, u, sink) => {
      const word = s.args[0];
      if (!word) return;
      const text = wordText(word, 'digest', sink);
      // An MD5 digest is 16 bytes, written as 32 hex digits (RFC 1321).
      if (!/^[0-9a-fA-F]{32}$/.test(text)) {
        sink.error('invalid-value', word, 'digest', `digest '${text}' is not 32 hex digits (an MD5 sum); keepalived ignores it`, 'compute it with: genhash -s <server> -p <port> -u <path>');
        return;
      }
      u.digest = text.toLowerCase();
    },
  },
  status_code: { minArgs: 1, maxArgs: Infinity, apply: (s, u, sink) => (u.statusCodes = [...(u.statusCodes ?? []), ...readStatusCodes(s, sink)]) , repeatable: true },
  virtualhost: { minArgs: 1, apply: (s, u, sink) => (u.virtualhost = readText(s, 0, sink)) },
  regex: { minArgs: 1, apply: (s, u, sink) => (u.regex = readText(s, 0, sink)) },
  regex_no_match: { apply: (_s, u) => (u.regexNoMatch = true) },
};

function readUrl(s: Statement, sink: DiagnosticSink): HttpUrl | null {
  const u: UrlDraft = { path: null, digest: null, statusCodes: null, virtualhost: null, regex: null, regexNoMatch: false };
  walkBlock(s.block?.statements ?? [], URL_RULES, u, sink, { blockName: 'url', passThrough: URL_PASS_THROUGH });
  if (u.path === null) {
    sink.error('missing-required', s.keyword, 'url', 'url has no path (keepalived ignores the url)', 'add: path /');
    return null;
  }
  return {
    pos: s.keyword.pos,
    path: u.path,
    digest: u.digest,
    statusCodes: u.statusCodes && u.statusCodes.length > 0 ? u.statusCodes : [...D.HTTP_STATUS_CODES],
    virtualhost: u.virtualhost,
    regex: u.regex,
    regexNoMatch: u.regexNoMatch,
  };
}

export const HTTP_RULES: KeywordRules<HttpDraft> = {
  ...scheduleRules<HttpDraft>(),
  ...connectionRules<HttpDraft>(),
  nb_get_retry: { ...retryRule<HttpDraft>(), deprecatedFor: 'retry' },
  url: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      const url = readUrl(s, sink);
      if (url) d.urls.push(url);
    },
  },
  http_protocol: {
    minArgs: 1,
    usage: 'http_protocol 1.0|1.1|1.0C',
    apply: (s, d, sink) => {
      const v = readChoice(s, 0, ['1.0', '1.1', '1.0C', '1.0c'] as const, sink, { keepalivedDoes: 'ignores the line' });
      if (v) d.httpProtocol = v === '1.0c' ? '1.0C' : v;
    },
  },
  virtualhost: { minArgs: 1, apply: (s, d, sink) => (d.virtualhost = readText(s, 0, sink)) },
  enable_sni: { maxArgs: 1, apply: (s, d, sink) => void ((v) => v !== null && (d.enableSni = v))(readOptionalBoolean(s, 0, sink)) },
  fast_recovery: { maxArgs: 1, apply: (s, d, sink) => void ((v) => v !== null && (d.fastRecovery = v))(readOptionalBoolean(s, 0, sink)) },
};

// ---- MISC_CHECK (keepalived/check/check_misc.c) ----

export const MISC_RULES: KeywordRules<MiscDraft> = {
  ...scheduleRules<MiscDraft>(),
  misc_path: { minArgs: 1, maxArgs: Infinity, usage: 'misc_path "<command> [args]" (quoted)', apply: (s, d, sink) => (d.script = readScriptCommand(s, sink)) },
  misc_timeout: {
    minArgs: 1,
    apply: (s, d, sink) => {
      // check_misc.c: whole seconds 0..UINT_MAX / TIMER_HZ; 0 means "no timeout of its own".
      const v = readSeconds(s, 0, { min: 0, max: 4294, integer: true, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.timeoutSeconds = v === 0 ? null : v;
    },
  },
  misc_dynamic: { apply: (_s, d) => (d.dynamic = true) },
  user: { minArgs: 1, maxArgs: 2, usage: 'user <user> [group]', apply: (s, d, sink) => (d.user = readScriptUser(s, sink)) },
};

export const TCP_RULES: KeywordRules<CommonDraft> = { ...scheduleRules<CommonDraft>(), ...connectionRules<CommonDraft>() };

/** Keywords valid in each supported checker block (for documentation and tests). */
export const CHECKER_KEYWORDS: Readonly<Record<(typeof SUPPORTED_CHECKERS)[number], readonly string[]>> = {
  TCP_CHECK: Object.keys(TCP_RULES),
  HTTP_GET: Object.keys(HTTP_RULES),
  SSL_GET: Object.keys(HTTP_RULES),
  MISC_CHECK: Object.keys(MISC_RULES),
};

/** Reads a checker block of any type keepalived has; `null` when it cannot be used at all. */
export function buildChecker(s: Statement, sink: DiagnosticSink): CheckerDraft | null {
  const type = s.keyword.text;
  const pos = s.keyword.pos;
  const statements = s.block?.statements ?? [];
  if ((UNSUPPORTED_CHECKERS as readonly string[]).includes(type)) {
    sink.warning('checker-unsupported', s.keyword, type, `${type} is not supported yet: Vigil reads it but will not run it`, 'use TCP_CHECK, HTTP_GET, SSL_GET or MISC_CHECK, or keep keepalived for this service');
    const options: PassThroughKeyword[] = statements.map((o) => ({ keyword: o.keyword.text, args: o.args.map((a) => a.text), pos: o.keyword.pos }));
    return { kind: 'unsupported', checker: { type: type as UnsupportedCheckerType, pos, options } };
  }
  if (type === 'TCP_CHECK') {
    const d = newCommon();
    walkBlock(statements, TCP_RULES, d, sink, { blockName: type });
    return {
      kind: 'supported',
      type,
      explicit: explicitOf(d),
      explicitAlpha: d.alpha,
      build: (r) => {
        const c = commonOf(d, r, pos) as Draft<TcpCheck>;
        c.type = 'TCP_CHECK';
        return c;
      },
    };
  }
  if (type === 'HTTP_GET' || type === 'SSL_GET') {
    const d = newCommon() as HttpDraft;
    d.urls = [];
    d.httpProtocol = D.HTTP_PROTOCOL;
    d.virtualhost = null;
    d.enableSni = false;
    d.fastRecovery = false;
    walkBlock(statements, HTTP_RULES, d, sink, { blockName: type });
    if (d.urls.length === 0) {
      // keepalived 2.2.7 logs "no urls specified - ignoring" and then crashes (SIGSEGV) with -t.
      sink.error('missing-required', s.keyword, type, `${type} has no url block (keepalived ignores the checker)`, 'add: url { path / }');
      return null;
    }
    return {
      kind: 'supported',
      type,
      explicit: explicitOf(d),
      explicitAlpha: d.alpha,
      build: (r): HttpCheck => {
        const c = commonOf(d, r, pos) as Draft<HttpCheck>;
        c.type = type;
        c.urls = d.urls;
        c.httpProtocol = d.httpProtocol;
        c.virtualhost = d.virtualhost;
        c.enableSni = d.enableSni;
        c.fastRecovery = d.fastRecovery;
        return c;
      },
    };
  }
  // MISC_CHECK (the caller only passes checker keywords).
  const d = newCommon() as MiscDraft;
  d.script = null;
  d.timeoutSeconds = null;
  d.dynamic = false;
  d.user = null;
  walkBlock(statements, MISC_RULES, d, sink, { blockName: type });
  const script = d.script;
  if (!script) {
    sink.error('missing-required', s.keyword, type, 'MISC_CHECK has no misc_path (keepalived skips the checker)', 'add: misc_path "/path/to/script"');
    return null;
  }
  return {
    kind: 'supported',
    type: 'MISC_CHECK',
    explicit: explicitOf(d),
      explicitAlpha: d.alpha,
    build: (r): MiscCheck => {
      const c = commonOf(d, r, pos) as Draft<MiscCheck>;
      c.type = 'MISC_CHECK';
      c.script = script;
      c.timeoutSeconds = d.timeoutSeconds;
      c.dynamic = d.dynamic;
      c.user = d.user;
      return c;
    },
  };
}

/** keepalived's per-type defaults for retry and delay_before_retry (see KeepalivedDefaults). */
export function checkerTypeDefaults(type: Checker['type']): { retry: number; delayBeforeRetrySeconds: number } {
  switch (type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { retry: D.HTTP_CHECK_RETRY, delayBeforeRetrySeconds: D.HTTP_CHECK_DELAY_BEFORE_RETRY_SECONDS };
    case 'MISC_CHECK':
      return { retry: D.MISC_CHECK_RETRY, delayBeforeRetrySeconds: D.MISC_CHECK_DELAY_BEFORE_RETRY_SECONDS };
    default:
      return { retry: D.TCP_CHECK_RETRY, delayBeforeRetrySeconds: D.TCP_CHECK_DELAY_BEFORE_RETRY_SECONDS };
  }
}
