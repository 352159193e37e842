import type { Statement, Word } from '../ConfigAst.js';
import type { AddressFamily } from './Common.js';
import type { Draft } from './Draft.js';
import { parseIpAddress } from './IpAddressText.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import type { IpPrefix, RouteSpec, RouteType } from './RoutingPolicy.js';
import { RTPROT_KEEPALIVED, RT_TABLE_MAIN, familyName, parseUnsigned, readPrefix, readProtocol, readScope, readTable } from './RoutingWords.js';

const ROUTE_TYPES: ReadonlySet<string> = new Set<RouteType>(['unicast', 'blackhole', 'unreachable', 'prohibit']);
/** Route types keepalived accepts that Vigil does not install. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['throw', 'local', 'broadcast', 'anycast', 'multicast', 'nat']);
/**
 * Options keepalived 2.2.7's alloc_route reads that Vigil does not implement: refused rather
 * than dropped, since the route would differ from keepalived's.
 */
const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  'or', 'mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'realms', 'realm', 'rto_min',
  'initcwnd', 'initrwnd', 'features', 'quickack', 'congctl', 'pref', 'hoplimit', 'fastopen_no_cookie', 'nexthop',
  'encap', 'expires', 'tos', 'dsfield', 'track_group', 'append', 'vrf', 'ttl-propagate', 'inet', 'inet6', 'lock',
]);
const VALUE_KEYWORDS: ReadonlySet<string> = new Set(['src', 'to', 'via', 'gw', 'dev', 'oif', 'scope', 'table', 'metric', 'priority', 'preference', 'protocol']);
const ALL_KEYWORDS = [...VALUE_KEYWORDS, 'onlink', 'no_track', ...ROUTE_TYPES];

interface RouteDraft {
  type: RouteType;
  typeWord: Word | null;
  destinationWord: Word | null;
  source: { word: Word; address: string; family: AddressFamily } | null;
  via: { word: Word; address: string; family: AddressFamily } | null;
  device: string | null;
  scope: number | null;
  table: number | null;
  metric: number | null;
  protocol: number | null;
  protocolWord: Word | null;
  onlink: boolean;
  noTrack: boolean;
}

function addressOption(word: Word, option: string, listKeyword: string, sink: DiagnosticSink): { word: Word; address: string; family: AddressFamily } | null {
  const addr = parseIpAddress(word.text);
  if (!addr) {
    sink.error('invalid-address', word, listKeyword, `'${word.text}' after '${option}' is not an IPv4 or IPv6 address`, 'write a single address, no prefix length');
    return null;
  }
  return { word, address: addr.address, family: addr.family };
}

/**
 * One route line of `virtual_routes` / `static_routes` (the statement's keyword is its first
 * word). Every word is either understood or reported; `null` when the line is refused.
 */
export function readRoute(item: Statement, listKeyword: string, sink: DiagnosticSink): RouteSpec | null {
  const words = [item.keyword, ...item.args];
  const d: RouteDraft = {
    type: 'unicast', typeWord: null, destinationWord: null, source: null, via: null, device: null, scope: null,
    table: null, metric: null, protocol: null, protocolWord: null, onlink: false, noTrack: false,
  };
  let ok = true;
  let i = 0;
  const first = words[0];
  if (first && ROUTE_TYPES.has(first.text)) {
    d.type = first.text as RouteType;
    d.typeWord = first;
    i = 1;
  } else if (first && UNSUPPORTED_TYPES.has(first.text)) {
    sink.error('unsupported-keyword', first, listKeyword, `route type '${first.text}' is not supported by Vigil`, 'Vigil installs unicast, blackhole, unreachable and prohibit routes');
    return null;
  }
  for (; i < words.length; i++) {
    const word = words[i];
    if (!word) break;
    const kw = word.text;
    if (VALUE_KEYWORDS.has(kw)) {
      const value = words[i + 1];
      if (!value) {
        sink.error('missing-argument', word, listKeyword, `'${kw}' needs a value`, kw === 'to' ? 'write: to PREFIX' : `write: ${kw} VALUE`);
        ok = false;
        break;
      }
      i++;
      switch (kw) {
        case 'src':
          d.source = addressOption(value, kw, listKeyword, sink);
          if (!d.source) ok = false;
          break;
        case 'to':
          if (d.destinationWord) {
            sink.error('duplicate-keyword', value, listKeyword, `the route already has destination '${d.destinationWord.text}'`, 'write one destination per line');
            ok = false;
          }
          d.destinationWord = value;
          break;
        case 'gw':
        case 'via':
          // vrrp_iproute.c: '"gw" for routes is deprecated. Please use "via"' - it still applies.
          if (kw === 'gw') sink.warning('deprecated-keyword', word, listKeyword, "'gw' is deprecated; it still applies, as 'via'", "write 'via' instead");
          d.via = addressOption(value, kw, listKeyword, sink);
          if (!d.via) ok = false;
          break;
        case 'dev':
        case 'oif':
          d.device = value.text;
          break;
        case 'scope':
          d.scope = readScope(value, listKeyword, sink);
          if (d.scope === null) ok = false;
          break;
        case 'table':
          d.table = readTable(value, listKeyword, sink);
          if (d.table === null) ok = false;
          break;
        case 'metric':
        case 'priority':
        case 'preference':
          d.metric = parseUnsigned(value.text, 0xffffffff);
          if (d.metric === null) {
            sink.error('invalid-value', value, listKeyword, `${kw} '${value.text}' is not a number 0..4294967295`, `write: ${kw} N`);
            ok = false;
          }
          break;
        case 'protocol':
          d.protocol = readProtocol(value, listKeyword, sink);
          d.protocolWord = value;
          if (d.protocol === null) ok = false;
          break;
      }
      continue;
    }
    if (kw === 'onlink') d.onlink = true;
    else if (kw === 'no_track') d.noTrack = true;
    else if (UNSUPPORTED_OPTIONS.has(kw)) {
      sink.error(
        'unsupported-keyword',
        word,
        listKeyword,
        `route option '${kw}' is not supported by Vigil (keepalived applies it)`,
        kw === 'inet6' ? 'write the IPv6 prefix itself, e.g. ::/0 for the default route' : 'see src/config/model/DIFFERENCES.md for the route options Vigil installs',
      );
      ok = false;
    } else if (!d.destinationWord && (kw === 'default' || /^[0-9a-fA-F:.]+(\/\d+)?$/.test(kw))) {
      d.destinationWord = word;
    } else {
      const near = kw === 'proto' ? 'protocol' : kw === 'type' ? 'the type as the first word (blackhole PREFIX)' : null;
      sink.error(
        'unknown-keyword',
        word,
        listKeyword,
        `unknown route keyword '${kw}' (keepalived skips the line)`,
        near ? `did you mean ${near}?` : `route keywords: ${ALL_KEYWORDS.join(', ')}`,
      );
      ok = false;
      break; // what follows an unknown word cannot be read reliably
    }
  }
  if (!d.destinationWord) {
    if (ok) sink.error('missing-required', item.keyword, listKeyword, 'the route has no destination (keepalived: "Route must have a destination")', 'write PREFIX or default');
    return null;
  }
  if (!ok) return null;

  const hinted = d.via?.family ?? d.source?.family ?? null;
  const destination: IpPrefix | null = readPrefix(d.destinationWord, listKeyword, hinted, sink);
  if (!destination) return null;
  const family = destination.family;
  for (const [label, a] of [['src', d.source], ['via', d.via]] as const) {
    if (a && a.family !== family) {
      sink.error('mixed-family', a.word, listKeyword, `${label} ${a.address} is ${familyName(a.family)} but the destination is ${familyName(family)} (keepalived: "Cannot mix IPv4 and IPv6 addresses for route")`, 'use addresses of one family');
      return null;
    }
  }
  const where = d.typeWord ?? item.keyword;
  if (d.type !== 'unicast' && (d.via || d.device)) {
    // net/ipv4/fib_semantics.c fib_create_info: "Gateway, device and multipath can not be specified for this route type".
    sink.error('conflicting-options', where, listKeyword, `a ${d.type} route cannot have a gateway or a device (the kernel refuses it)`, `remove via/dev, or drop '${d.type}'`);
    return null;
  }
  if (d.type === 'unicast' && !d.via && !d.device) {
    sink.error('missing-required', item.keyword, listKeyword, `route ${d.destinationWord.text} has neither dev nor via: the kernel refuses it (No such device), keepalived logs the failure`, 'add dev IF or via GATEWAY');
    return null;
  }
  const protocol = d.protocol ?? RTPROT_KEEPALIVED;
  if (protocol !== RTPROT_KEEPALIVED && !d.noTrack && d.protocolWord) {
    sink.error(
      'conflicting-options',
      d.protocolWord,
      listKeyword,
      'keepalived tracks its routes by protocol keepalived (18) and resets any other protocol ("Route cannot be tracked if protocol is not RTPROT_KEEPALIVED")',
      'add no_track to keep this protocol, or remove protocol',
    );
    return null;
  }
  let noTrack = d.noTrack;
  if (!d.device && !noTrack) {
    noTrack = true;
    // keepalived: "Warning - cannot track route X with no interface specified, not tracking".
    // Static routes are never put back anyway: no warning for them.
    if (d.type === 'unicast' && listKeyword === 'virtual_routes') {
      sink.warning('missing-required', item.keyword, listKeyword, `route ${d.destinationWord.text} has no dev, so it is not tracked: deleted from outside, it stays deleted until the next transition to MASTER (as in keepalived)`, 'add dev IF to have it put back, or no_track to say so');
    }
  }
  const route: Draft<RouteSpec> = {
    family,
    type: d.type,
    destination,
    source: d.source?.address ?? null,
    via: d.via?.address ?? null,
    device: d.device,
    scope: d.scope ?? 0,
    table: d.table ?? RT_TABLE_MAIN,
    metric: d.metric,
    protocol,
    onlink: d.onlink,
    noTrack,
    text: words.map((w) => w.text).join(' '),
    pos: item.keyword.pos,
  };
  return route;
}
