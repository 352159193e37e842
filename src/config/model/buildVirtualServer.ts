import type { Statement, Word } from '../ConfigAst.js';
import type { AddressFamily, IpAddress, PassThroughKeyword, ScriptCommand } from './Common.js';
import type { Checker } from './Checker.js';
import {
  buildChecker,
  checkerTypeDefaults,
  SUPPORTED_CHECKERS,
  UNSUPPORTED_CHECKERS,
  type CheckerDraft,
  type InheritableCheckerSettings,
} from './buildChecker.js';
import * as D from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRule, type KeywordRules } from './KeywordRules.js';
import { readLvsMethod } from './LvsMethodText.js';
import { parseIpv4Octets } from './IpAddressText.js';
import { readNotify } from './TrackReferences.js';
import {
  addressFromWord,
  readAddress,
  readChoice,
  readInteger,
  readOptionalBoolean,
  readSeconds,
  readText,
  wordText,
} from './ValueReaders.js';
import type { LvsMethod, LvsProtocol, RealServer, SorryServer, VirtualServer, VirtualServerKey } from './VirtualServer.js';

/** connect_timeout: read_timer(..., 1, UINT_MAX) microseconds (check_parser.c). */
const MAX_TIMER_SECONDS = 4294.967295;
/** delay_loop, delay_before_retry, warmup: read_timer with no upper bound (ULONG_MAX µs). */
const MAX_UNBOUNDED_TIMER_SECONDS = 18446744073709.55;
/** keepalived LVS_MAX_TIMEOUT (31 days) bounds persistence_timeout. */
const LVS_MAX_TIMEOUT_SECONDS = 86400 * 31;
/** Schedulers keepalived 2.2.7 accepts (check_parser.c lvs_schedulers; the kernel's ip_vs_*.c). */
export const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;

// ---------------------------------------------------------------- real_server

interface RealServerDraft extends InheritableCheckerSettings {
  weight: number;
  lvsMethod: LvsMethod | null;
  inhibitOnFailure: boolean | null;
  upperThreshold: number;
  lowerThreshold: number;
  notifyUp: ScriptCommand | null;
  notifyDown: ScriptCommand | null;
  alpha: boolean | null;
  virtualhost: string | null;
  smtpAlert: boolean | null;
  checkers: CheckerDraft[];
}

function boolSetter<T>(set: (d: T, v: boolean) => void): KeywordRule<T> {
  return {
    maxArgs: 1,
    apply: (s, d, sink) => {
      const v = readOptionalBoolean(s, 0, sink);
      if (v !== null) set(d, v);
    },
  };
}

/** VS- and RS-level checker defaults (check_parser.c vs_/rs_ *_handler). */
function inheritableRules<T extends InheritableCheckerSettings>(): KeywordRules<T> {
  const timer = (key: 'delayBeforeRetrySeconds' | 'warmupSeconds' | 'delayLoopSeconds' | 'connectTimeoutSeconds', min: number, max = MAX_UNBOUNDED_TIMER_SECONDS): KeywordRule<T> => ({
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min, max, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d[key] = v;
    },
  });
  return {
    // check_parser.c: VS/RS-level retry must be >= 1 ("retry value invalid").
    retry: {
      minArgs: 1,
      apply: (s, d, sink) => {
        const v = readInteger(s, 0, { min: 1, max: 0xffffffff, keepalivedDoes: 'ignores the line' }, sink);
        if (v !== null) d.retry = v;
      },
    },
    delay_before_retry: timer('delayBeforeRetrySeconds', 0),
    warmup: timer('warmupSeconds', 0),
    delay_loop: timer('delayLoopSeconds', 0.000001),
    connect_timeout: timer('connectTimeoutSeconds', 0.000001, MAX_TIMER_SECONDS),
  };
}

function checkerRules<T extends { checkers: CheckerDraft[] }>(): KeywordRules<T> {
  const rules: Record<string, KeywordRule<T>> = {};
  for (const type of [...SUPPORTED_CHECKERS, ...UNSUPPORTED_CHECKERS]) {
    rules[type] = {
      block: 'required',
      repeatable: true,
      apply: (s, d, sink) => {
        const c = buildChecker(s, sink);
        if (c) d.checkers.push(c);
      },
    };
  }
  return rules;
}

export const RS_RULES: KeywordRules<RealServerDraft> = {
  weight: {
    minArgs: 1,
    usage: `weight <0-${D.IPVS_WEIGHT_LIMIT}>`,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 0, max: D.IPVS_WEIGHT_LIMIT, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.weight = v;
    },
  },
  lvs_method: { minArgs: 1, maxArgs: 7, apply: (s, d, sink) => (d.lvsMethod = readLvsMethod(s, sink) ?? d.lvsMethod) },
  uthreshold: { minArgs: 1, apply: (s, d, sink) => (d.upperThreshold = readInteger(s, 0, { min: 0, max: 0xffffffff }, sink) ?? d.upperThreshold) },
  lthreshold: { minArgs: 1, apply: (s, d, sink) => (d.lowerThreshold = readInteger(s, 0, { min: 0, max: 0xffffffff }, sink) ?? d.lowerThreshold) },
  inhibit_on_failure: boolSetter((d, v) => (d.inhibitOnFailure = v)),
  notify_up: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyUp = readNotify(s, d.notifyUp, sink)) },
  notify_down: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyDown = readNotify(s, d.notifyDown, sink)) },
  alpha: boolSetter((d, v) => (d.alpha = v)),
  smtp_alert: boolSetter((d, v) => (d.smtpAlert = v)),
  virtualhost: { minArgs: 1, apply: (s, d, sink) => (d.virtualhost = readText(s, 0, sink)) },
  ...inheritableRules<RealServerDraft>(),
  ...checkerRules<RealServerDraft>(),
};

export const RS_PASS_THROUGH: ReadonlySet<string> = new Set(['snmp_name']);

interface ReadRealServer {
  readonly draft: RealServerDraft;
  readonly address: IpAddress;
  readonly port: number | null;
  readonly pos: Statement['keyword']['pos'];
  readonly addressWord: Word;
}

function readRealServer(s: Statement, sink: DiagnosticSink): ReadRealServer | null {
  const d: RealServerDraft = {
    weight: D.RS_WEIGHT,
    lvsMethod: null,
    inhibitOnFailure: null,
    upperThreshold: 0,
    lowerThreshold: 0,
    notifyUp: null,
    notifyDown: null,
    alpha: null,
    virtualhost: null,
    smtpAlert: null,
    checkers: [],
    retry: null,
    delayBeforeRetrySeconds: null,
    warmupSeconds: null,
    delayLoopSeconds: null,
    connectTimeoutSeconds: null,
  };
  walkBlock(s.block?.statements ?? [], RS_RULES, d, sink, { blockName: 'real_server', passThrough: RS_PASS_THROUGH });
  const addrWord = s.args[0];
  if (!addrWord) {
    sink.error('missing-required', s.keyword, 'real_server', 'real_server has no address (keepalived refuses the whole configuration line)', 'write: real_server <address> <port> { ... }');
    return null;
  }
  const address = addressFromWord(addrWord, 'real_server', sink);
  const port = s.args.length > 1 ? readInteger(s, 1, { min: 0, max: 65535 }, sink) : null;
  if (!address || (s.args.length > 1 && port === null)) return null;
  return { draft: d, address, port, pos: s.keyword.pos, addressWord: addrWord };
}

// ---------------------------------------------------------------- virtual_server

interface VirtualServerDraft extends InheritableCheckerSettings {
  ipFamily: AddressFamily | null;
  lvsScheduler: string | null;
  lvsMethod: LvsMethod | null;
  protocol: LvsProtocol | null;
  protocolWord: Word | null;
  persistenceTimeoutSeconds: number | null;
  persistenceGranularity: string | null;
  persistenceEngine: string | null;
  sorry: { address: IpAddress; port: number | null; pos: Word['pos'] } | null;
  sorryInhibit: boolean;
  sorryLvsMethod: LvsMethod | null;
  quorum: number;
  quorumWord: Word | null;
  hysteresis: number;
  hysteresisWord: Word | null;
  quorumUp: ScriptCommand | null;
  quorumDown: ScriptCommand | null;
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  virtualhost: string | null;
  haSuspend: boolean;
  smtpAlert: boolean | null;
  flags: {
    onePacketScheduling: boolean;
    flag1: boolean;
    flag2: boolean;
    flag3: boolean;
    shPort: boolean;
    shFallback: boolean;
    mhPort: boolean;
    mhFallback: boolean;
  };
  flagWords: Word[];
  /** `real_server` lines written, including ones dropped for their own errors. */
  realServerLines: number;
  realServers: ReadRealServer[];
  checkers: CheckerDraft[];
}

function flagRule(key: keyof VirtualServerDraft['flags']): KeywordRule<VirtualServerDraft> {
  return {
    apply: (s, d) => {
      d.flags[key] = true;
      d.flagWords.push(s.keyword);
    },
  };
}

export const VS_RULES: KeywordRules<VirtualServerDraft> = {
  ip_family: { minArgs: 1, apply: (s, d, sink) => (d.ipFamily = readChoice(s, 0, ['inet', 'inet6'] as const, sink) ?? d.ipFamily) },
  lvs_sched: {
    minArgs: 1,
    usage: `lvs_sched ${LVS_SCHEDULERS.join('|')}`,
    apply: (s, d, sink) => (d.lvsScheduler = readChoice(s, 0, LVS_SCHEDULERS, sink, { keepalivedDoes: `ignores the line and uses ${D.VS_LVS_SCHEDULER}` }) ?? d.lvsScheduler),
  },
  lb_algo: { minArgs: 1, deprecatedFor: 'lvs_sched', apply: (s, d, sink) => VS_RULES['lvs_sched']?.apply(s, d, sink) },
  lvs_method: { minArgs: 1, maxArgs: 7, apply: (s, d, sink) => (d.lvsMethod = readLvsMethod(s, sink) ?? d.lvsMethod) },
  lb_kind: { minArgs: 1, maxArgs: 7, deprecatedFor: 'lvs_method', apply: (s, d, sink) => (d.lvsMethod = readLvsMethod(s, sink) ?? d.lvsMethod) },
  ops: flagRule('onePacketScheduling'),
  'flag-1': flagRule('flag1'),
  'flag-2': flagRule('flag2'),
  'flag-3': flagRule('flag3'),
  'sh-port': flagRule('shPort'),
  'sh-fallback': flagRule('shFallback'),
  'mh-port': flagRule('mhPort'),
  'mh-fallback': flagRule('mhFallback'),
  protocol: {
    minArgs: 1,
    usage: 'protocol TCP|UDP|SCTP',
    apply: (s, d, sink) => {
      const v = readChoice(s, 0, ['TCP', 'UDP', 'SCTP'] as const, sink, { caseInsensitive: true, keepalivedDoes: 'ignores the line' });
      if (v) {
        d.protocol = v;
        d.protocolWord = s.keyword;
      }
    },
  },
  persistence_timeout: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      if (s.args.length === 0) {
        d.persistenceTimeoutSeconds = D.VS_PERSISTENCE_TIMEOUT_SECONDS;
        return;
      }
      const v = readSeconds(s, 0, { min: 1, max: LVS_MAX_TIMEOUT_SECONDS, integer: true, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.persistenceTimeoutSeconds = v;
    },
  },
  persistence_granularity: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const w = s.args[0];
      if (!w) return;
      const text = wordText(w, 'persistence_granularity', sink);
      const v4 = parseIpv4Octets(text);
      const v6 = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
      if (!v4 && !(v6 >= 1 && v6 <= 128)) {
        sink.error('invalid-value', w, 'persistence_granularity', `persistence_granularity '${text}' is neither an IPv4 netmask nor an IPv6 prefix length 1..128`, 'e.g. 255.255.255.0, or 64 for IPv6');
        return;
      }
      d.persistenceGranularity = text;
      // check_parser.c pgr_handler: granularity implies persistence.
      d.persistenceTimeoutSeconds ??= D.VS_PERSISTENCE_TIMEOUT_SECONDS;
    },
  },
  persistence_engine: { minArgs: 1, apply: (s, d, sink) => (d.persistenceEngine = readText(s, 0, sink)) },
  ha_suspend: { apply: (_s, d) => (d.haSuspend = true) },
  smtp_alert: boolSetter((d, v) => (d.smtpAlert = v)),
  virtualhost: { minArgs: 1, apply: (s, d, sink) => (d.virtualhost = readText(s, 0, sink)) },
  alpha: { apply: (_s, d) => (d.alpha = true) },
  omega: { apply: (_s, d) => (d.omega = true) },
  quorum_up: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.quorumUp = readNotify(s, d.quorumUp, sink)) },
  quorum_down: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.quorumDown = readNotify(s, d.quorumDown, sink)) },
  quorum: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 1, max: 0xffffffff, keepalivedDoes: 'uses 1 instead' }, sink);
      if (v !== null) {
        d.quorum = v;
        d.quorumWord = s.args[0] ?? null;
      }
    },
  },
  hysteresis: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 0, max: 0xffffffff, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) {
        d.hysteresis = v;
        d.hysteresisWord = s.args[0] ?? null;
      }
    },
  },
  inhibit_on_failure: { apply: (_s, d) => (d.inhibitOnFailure = true) },
  sorry_server: {
    minArgs: 1,
    maxArgs: 2,
    usage: 'sorry_server <address> [port]',
    apply: (s, d, sink) => {
      const address = readAddress(s, 0, sink);
      const port = s.args.length > 1 ? readInteger(s, 1, { min: 0, max: 65535 }, sink) : null;
      if (address) d.sorry = { address, port, pos: s.keyword.pos };
    },
  },
  sorry_server_inhibit: { apply: (_s, d) => (d.sorryInhibit = true) },
  sorry_server_lvs_method: { minArgs: 1, maxArgs: 7, apply: (s, d, sink) => (d.sorryLvsMethod = readLvsMethod(s, sink) ?? d.sorryLvsMethod) },
  real_server: {
    maxArgs: 2,
    block: 'optional',
    repeatable: true,
    apply: (s, d, sink) => {
      d.realServerLines++;
      const rs = readRealServer(s, sink);
      if (rs) d.realServers.push(rs);
    },
  },
  ...inheritableRules<VirtualServerDraft>(),
};

export const VS_PASS_THROUGH: ReadonlySet<string> = new Set(['snmp_name', 'weight', 'hashed']);

export const VIRTUAL_SERVER_KEYWORDS: readonly string[] = Object.keys(VS_RULES);
export const REAL_SERVER_KEYWORDS: readonly string[] = Object.keys(RS_RULES);

function readKey(s: Statement, sink: DiagnosticSink): { key: VirtualServerKey; family: AddressFamily | null } | null {
  const first = s.args[0];
  if (!first) {
    sink.error('missing-required', s.keyword, 'virtual_server', 'virtual_server needs an address and port, fwmark N, or group NAME', 'write: virtual_server 192.0.2.1 80 { ... }');
    return null;
  }
  const head = wordText(first, 'virtual_server', sink);
  if (head === 'fwmark' || head === 'group') {
    if (!s.args[1]) {
      sink.error('missing-argument', first, 'virtual_server', `virtual_server ${head} needs a ${head === 'fwmark' ? 'mark number' : 'group name'}`, `write: virtual_server ${head} ${head === 'fwmark' ? '1' : 'NAME'} { ... }`);
      return null;
    }
    if (s.args.length > 2 && s.args[2]) {
      sink.error('extra-argument', s.args[2], 'virtual_server', `unexpected '${s.args[2].text}' after virtual_server ${head} ${s.args[1].text}`, 'remove it');
    }
    if (head === 'fwmark') {
      const mark = readInteger(s, 1, { min: 0, max: 0xffffffff, keepalivedDoes: 'ignores the virtual server' }, sink);
      return mark === null ? null : { key: { kind: 'fwmark', fwmark: mark }, family: null };
    }
    return { key: { kind: 'group', group: wordText(s.args[1], 'virtual_server', sink) }, family: null };
  }
  const address = addressFromWord(first, 'virtual_server', sink);
  if (!address) return null;
  let port = 0;
  if (s.args.length > 1) {
    const p = readInteger(s, 1, { min: 0, max: 65535 }, sink);
    if (p === null) return null;
    port = p;
  }
  if (s.args.length > 2 && s.args[2]) sink.error('extra-argument', s.args[2], 'virtual_server', `unexpected '${s.args[2].text}' after the port`, 'write: virtual_server <address> <port>');
  return { key: { kind: 'address', address, port }, family: address.family };
}

/** Resolves a checker's settings: checker, then real server, then virtual server, then type default. */
function resolveChecker(c: CheckerDraft, rs: InheritableCheckerSettings, vs: InheritableCheckerSettings, alpha: boolean): Checker {
  if (c.kind === 'unsupported') return c.checker;
  const typeDefaults = checkerTypeDefaults(c.type);
  const pick = <K extends keyof InheritableCheckerSettings>(k: K): number | null => c.explicit[k] ?? rs[k] ?? vs[k];
  const delayLoop = pick('delayLoopSeconds') ?? D.VS_DELAY_LOOP_SECONDS;
  return c.build({
    retry: pick('retry') ?? typeDefaults.retry,
    delayBeforeRetrySeconds: pick('delayBeforeRetrySeconds') ?? typeDefaults.delayBeforeRetrySeconds,
    delayLoopSeconds: delayLoop,
    // check_api.c: warmup defaults to the checker's delay_loop (dump: "Warmup = 60000000 us").
    warmupSeconds: pick('warmupSeconds') ?? delayLoop,
    connectTimeoutSeconds: pick('connectTimeoutSeconds') ?? D.CHECKER_CONNECT_TIMEOUT_SECONDS,
    alpha: c.explicitAlpha ?? alpha,
  });
}

export function buildVirtualServer(s: Statement, sink: DiagnosticSink): VirtualServer | null {
  const d: VirtualServerDraft = {
    ipFamily: null, lvsScheduler: null, lvsMethod: null, protocol: null, protocolWord: null,
    persistenceTimeoutSeconds: null, persistenceGranularity: null, persistenceEngine: null, sorry: null,
    sorryInhibit: false, sorryLvsMethod: null, quorum: D.VS_QUORUM, quorumWord: null, hysteresis: D.VS_HYSTERESIS, hysteresisWord: null, quorumUp: null,
    quorumDown: null, inhibitOnFailure: false, alpha: false, omega: false, virtualhost: null, haSuspend: false,
    smtpAlert: null,
    flags: { onePacketScheduling: false, flag1: false, flag2: false, flag3: false, shPort: false, shFallback: false, mhPort: false, mhFallback: false },
    flagWords: [], realServerLines: 0, realServers: [], checkers: [], retry: null, delayBeforeRetrySeconds: null, warmupSeconds: null,
    delayLoopSeconds: null, connectTimeoutSeconds: null,
  };
  const passThrough: PassThroughKeyword[] = [];
  walkBlock(s.block?.statements ?? [], VS_RULES, d, sink, {
    blockName: 'virtual_server',
    passThrough: VS_PASS_THROUGH,
    onPassThrough: (p) => passThrough.push({ keyword: p.keyword.text, args: p.args.map((a) => a.text), pos: p.keyword.pos }),
  });
  const keyRead = readKey(s, sink);
  if (!keyRead) return null;
  const { key } = keyRead;
  const where = `virtual_server ${s.args.map((a) => a.text).join(' ')}`;

  if (keyRead.family && d.ipFamily && keyRead.family !== d.ipFamily) {
    sink.error('mixed-family', s.keyword, 'ip_family', `${where}: ip_family ${d.ipFamily} conflicts with the address family`, 'remove ip_family');
  }
  const scheduler = d.lvsScheduler ?? D.VS_LVS_SCHEDULER;
  for (const w of d.flagWords) {
    const flag = w.text;
    if ((flag.startsWith('sh-') && scheduler !== 'sh') || (flag.startsWith('mh-') && scheduler !== 'mh')) {
      sink.error('conflicting-options', w, flag, `${where}: '${flag}' only applies to the ${flag.slice(0, 2)} scheduler (keepalived ignores it)`, `use 'lvs_sched ${flag.slice(0, 2)}' or remove '${flag}'`);
    }
  }

  // Protocol: ignored for fwmark services; keepalived defaults address services to UDP.
  let protocol: LvsProtocol | null = d.protocol;
  if (key.kind === 'fwmark') {
    if (d.protocolWord) {
      sink.warning('conflicting-options', d.protocolWord, 'protocol', `${where}: protocol is ignored for fwmark services (IPVS matches the mark only)`, 'remove the protocol line');
    }
    protocol = null;
  } else if (protocol === null && key.kind === 'address') {
    sink.warning(
      'missing-protocol',
      s.keyword,
      'protocol',
      `${where} has no protocol; like keepalived 2.2.7, Vigil uses UDP ("no protocol set - defaulting to UDP")`,
      "add 'protocol TCP' if this is a TCP service",
    );
    protocol = D.VS_PROTOCOL;
  }
  if (d.flags.onePacketScheduling && protocol !== null && protocol !== 'UDP') {
    sink.error('conflicting-options', s.keyword, 'ops', `${where}: one-packet scheduling (ops) needs UDP (keepalived clears it)`, "use 'protocol UDP' or remove 'ops'");
  }
  if (key.kind === 'address' && key.port === 0 && d.persistenceTimeoutSeconds === null) {
    sink.error('missing-required', s.keyword, 'virtual_server', `${where}: a virtual server without a port must be persistent (keepalived makes it so)`, 'add a port, or persistence_timeout');
  }

  // Family: the VS address, else ip_family, else the real servers (check_parser.c vs_end_handler).
  const family: AddressFamily = keyRead.family ?? d.ipFamily ?? d.realServers.find((r) => (r.draft.lvsMethod ?? d.lvsMethod)?.method !== 'TUN')?.address.family ?? d.realServers[0]?.address.family ?? 'inet';

  const lvsMethod: LvsMethod = d.lvsMethod ?? { method: D.VS_LVS_METHOD, tunnelType: null, tunnelPort: null, tunnelChecksum: null };
  const realServers: RealServer[] = [];
  const seen = new Map<string, ReadRealServer>();
  for (const r of d.realServers) {
    const method = r.draft.lvsMethod ?? lvsMethod;
    if (method.method !== 'TUN' && key.kind !== 'group' && r.address.family !== family) {
      sink.error('mixed-family', r.addressWord, 'real_server', `real server ${r.address.address} is ${r.address.family === 'inet' ? 'IPv4' : 'IPv6'} but ${where} is ${family === 'inet' ? 'IPv4' : 'IPv6'} (keepalived skips it)`, 'only TUN forwarding can mix families');
      continue;
    }
    const id = `${r.address.address}|${r.port ?? ''}`;
    const first = seen.get(id);
    if (first) {
      sink.error('duplicate-address', r.addressWord, 'real_server', `real server ${r.address.address}${r.port !== null ? ` port ${r.port}` : ''} appears twice in ${where} (keepalived drops the second)`, `the first is at line ${first.pos.line}`);
      continue;
    }
    seen.set(id, r);
    const rd = r.draft;
    // check_data.c: IPVS can only rewrite ports with NAT. keepalived gives port-less real servers the
    // service's port, and resets a different port under DR/TUN ("ports don't match - resetting").
    let port = r.port;
    if (key.kind === 'address') {
      if (port === null) port = key.port;
      else if (method.method !== 'NAT' && port !== key.port) {
        sink.error('conflicting-options', r.addressWord, 'real_server', `real server ${r.address.address} port ${port} differs from the virtual server's port ${key.port}, which ${method.method} cannot change (keepalived resets it)`, `use port ${key.port}, or lvs_method NAT`);
      }
    } else if (key.kind === 'fwmark' && method.method !== 'NAT' && port !== null && port !== 0) {
      sink.warning('conflicting-options', r.addressWord, 'real_server', `the port of real server ${r.address.address} is ignored: a ${method.method} fwmark service keeps the client's port`, 'remove the port');
      port = null;
    }
    realServers.push({
      pos: r.pos,
      address: r.address,
      port,
      weight: rd.weight,
      lvsMethod: rd.lvsMethod,
      // The virtual server's inhibit_on_failure / alpha are its real servers' defaults.
      inhibitOnFailure: rd.inhibitOnFailure ?? d.inhibitOnFailure,
      upperThreshold: rd.upperThreshold,
      lowerThreshold: rd.lowerThreshold,
      notifyUp: rd.notifyUp,
      notifyDown: rd.notifyDown,
      alpha: rd.alpha ?? d.alpha,
      virtualhost: rd.virtualhost ?? d.virtualhost,
      smtpAlert: rd.smtpAlert,
      retry: rd.retry,
      delayBeforeRetrySeconds: rd.delayBeforeRetrySeconds,
      warmupSeconds: rd.warmupSeconds,
      delayLoopSeconds: rd.delayLoopSeconds,
      connectTimeoutSeconds: rd.connectTimeoutSeconds,
      checkers: rd.checkers.map((c) => resolveChecker(c, rd, d, rd.alpha ?? d.alpha)),
    });
  }
  if (d.realServerLines === 0 && !d.sorry) {
    sink.error('missing-required', s.keyword, 'real_server', `${where} has no real servers (keepalived ignores the virtual server)`, 'add: real_server <address> <port> { ... }');
  }

  // check_data.c: a quorum above the real servers' total weight is lowered to it, and hysteresis
  // must stay below the quorum. Only written values are checked: all-zero weights (a drained
  // service) with the default quorum are normal.
  const totalWeight = realServers.reduce((sum, r) => sum + r.weight, 0);
  if (d.quorumWord && d.quorum > totalWeight) {
    sink.error('out-of-range', d.quorumWord, 'quorum', `${where}: quorum ${d.quorum} exceeds the real servers' total weight ${totalWeight}, so it could never be reached (keepalived lowers it to ${totalWeight})`, `use a quorum of at most ${totalWeight}`);
  }
  if (d.hysteresisWord && d.hysteresis >= d.quorum) {
    sink.error('out-of-range', d.hysteresisWord, 'hysteresis', `${where}: hysteresis ${d.hysteresis} must be below the quorum ${d.quorum} (keepalived lowers it to ${d.quorum - 1})`, `use a hysteresis of at most ${d.quorum - 1}`);
  }

  let sorryServer: SorryServer | null = null;
  if (d.sorry) {
    sorryServer = { address: d.sorry.address, port: d.sorry.port, inhibit: d.sorryInhibit, lvsMethod: d.sorryLvsMethod, pos: d.sorry.pos };
    if ((d.sorryLvsMethod ?? lvsMethod).method !== 'TUN' && key.kind !== 'group' && d.sorry.address.family !== family) {
      sink.error('mixed-family', { pos: d.sorry.pos }, 'sorry_server', `sorry server ${d.sorry.address.address} does not match the family of ${where} (keepalived skips it)`, 'use an address of the same family');
      sorryServer = null;
    }
  }

  return {
    pos: s.keyword.pos,
    key,
    family,
    delayLoopSeconds: d.delayLoopSeconds ?? D.VS_DELAY_LOOP_SECONDS,
    lvsScheduler: scheduler,
    lvsMethod,
    protocol,
    protocolConfigured: d.protocol !== null,
    persistenceTimeoutSeconds: d.persistenceTimeoutSeconds,
    persistenceGranularity: d.persistenceGranularity,
    persistenceEngine: d.persistenceEngine,
    sorryServer,
    quorum: d.quorum,
    hysteresis: d.hysteresis,
    quorumUp: d.quorumUp,
    quorumDown: d.quorumDown,
    inhibitOnFailure: d.inhibitOnFailure,
    alpha: d.alpha,
    omega: d.omega,
    virtualhost: d.virtualhost,
    haSuspend: d.haSuspend,
    smtpAlert: d.smtpAlert,
    flags: d.flags,
    retry: d.retry,
    delayBeforeRetrySeconds: d.delayBeforeRetrySeconds,
    warmupSeconds: d.warmupSeconds,
    connectTimeoutSeconds: d.connectTimeoutSeconds,
    realServers,
  };
}
