import type { Statement, Word } from '../ConfigAst.js';
import type { IpPrefix, RuleSpec } from './RoutingPolicy.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { RTPROT_KEEPALIVED, familyName, parseUnsigned, readPrefix, readTable } from './RoutingWords.js';

/** A rule as written: its priority is completed by `RulePreferences` (keepalived assigns one when absent). */
export type ParsedRule = Omit<RuleSpec, 'priority' | 'priorityAssigned'> & { readonly priority: number | null; readonly priorityWord: Word | null };

const VALUE_KEYWORDS: ReadonlySet<string> = new Set(['from', 'to', 'table', 'lookup', 'priority', 'preference', 'order', 'iif', 'oif', 'fwmark']);
/** Options of keepalived 2.2.7's alloc_rule that Vigil does not implement. */
const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  'tos', 'dsfield', 'realms', 'goto', 'nop', 'blackhole', 'prohibit', 'unreachable', 'l3mdev', 'uidrange', 'sport',
  'dport', 'ip_proto', 'ipproto', 'suppress_prefixlength', 'suppress_ifgroup', 'protocol', 'track_group', 'tun_id',
  'inet', 'inet6', 'iifname', 'oifname',
]);
const ALL_KEYWORDS = ['not', ...VALUE_KEYWORDS, 'no_track'];

/** `fwmark N[/MASK]`, both u32 (FRA_FWMARK, FRA_FWMASK). */
function readFwmark(word: Word, keyword: string, sink: DiagnosticSink): { value: number; mask: number | null } | null {
  const [valueText = '', maskText] = word.text.split('/');
  const value = parseUnsigned(valueText, 0xffffffff);
  const mask = maskText === undefined ? null : parseUnsigned(maskText, 0xffffffff);
  if (value === null || (maskText !== undefined && mask === null)) {
    sink.error('invalid-value', word, keyword, `fwmark '${word.text}' is not N or N/MASK (32-bit numbers)`, 'write: fwmark 0x10 or fwmark 16/0xff');
    return null;
  }
  return { value, mask };
}

/** One rule line of `virtual_rules` / `static_rules`; `null` when refused (every problem reported). */
export function readRule(item: Statement, listKeyword: string, sink: DiagnosticSink): ParsedRule | null {
  const words = [item.keyword, ...item.args];
  let ok = true;
  let invert = false;
  let noTrack = false;
  let fromWord: Word | null = null;
  let toWord: Word | null = null;
  let table: number | null = null;
  let priority: number | null = null;
  let priorityWord: Word | null = null;
  let iif: string | null = null;
  let oif: string | null = null;
  let fwmark: { value: number; mask: number | null } | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word) break;
    const kw = word.text;
    if (VALUE_KEYWORDS.has(kw)) {
      const value = words[i + 1];
      if (!value) {
        sink.error('missing-argument', word, listKeyword, `'${kw}' needs a value`, `write: ${kw} VALUE`);
        ok = false;
        break;
      }
      i++;
      switch (kw) {
        case 'from':
          fromWord = value;
          break;
        case 'to':
          toWord = value;
          break;
        case 'table':
        case 'lookup':
          table = readTable(value, listKeyword, sink);
          if (table === null) ok = false;
          break;
        case 'priority':
        case 'preference':
        case 'order':
          priority = parseUnsigned(value.text, 0xffffffff);
          priorityWord = value;
          if (priority === null) {
            sink.error('invalid-value', value, listKeyword, `${kw} '${value.text}' is not a number 0..4294967295`, `write: ${kw} N`);
            ok = false;
          }
          break;
        case 'iif':
          iif = value.text;
          break;
        case 'oif':
          oif = value.text;
          break;
        case 'fwmark':
          fwmark = readFwmark(value, listKeyword, sink);
          if (!fwmark) ok = false;
          break;
      }
    } else if (kw === 'not') invert = true;
    else if (kw === 'no_track') noTrack = true;
    else if (UNSUPPORTED_OPTIONS.has(kw)) {
      sink.error('unsupported-keyword', word, listKeyword, `rule option '${kw}' is not supported by Vigil (keepalived applies it)`, 'see src/config/model/DIFFERENCES.md for the rule options Vigil installs');
      ok = false;
    } else {
      sink.error('unknown-keyword', word, listKeyword, `unknown rule keyword '${kw}' (keepalived skips the line)`, `rule keywords: ${ALL_KEYWORDS.join(', ')}`);
      ok = false;
      break; // what follows an unknown word cannot be read reliably
    }
  }
  if (!ok) return null;
  if (table === null) {
    sink.error('missing-required', item.keyword, listKeyword, 'the rule has no table (keepalived: "No action specified for rule - ignoring")', 'add: table ID');
    return null;
  }
  // `all` takes the family of the other selector; with neither, IPv4 (keepalived.conf(5)).
  const explicitFamily = [fromWord, toWord].map((w) => (w && w.text !== 'all' && w.text.includes(':') ? 'inet6' : w && w.text !== 'all' ? 'inet' : null)).find((f) => f !== null) ?? null;
  const from: IpPrefix | null = fromWord ? readPrefix(fromWord, listKeyword, explicitFamily, sink) : null;
  const to: IpPrefix | null = toWord ? readPrefix(toWord, listKeyword, explicitFamily, sink) : null;
  if ((fromWord && !from) || (toWord && !to)) return null;
  if (from && to && from.family !== to.family) {
    sink.error('mixed-family', toWord ?? item.keyword, listKeyword, `from is ${familyName(from.family)} but to is ${familyName(to.family)} (keepalived: "rule specification has mixed IPv4 and IPv6")`, 'use prefixes of one family');
    return null;
  }
  return {
    family: from?.family ?? to?.family ?? 'inet',
    // `from all` / `to all` select nothing: no FRA_SRC / FRA_DST, as iproute2 sends it.
    from: from && from.prefixLength > 0 ? from : null,
    to: to && to.prefixLength > 0 ? to : null,
    invert,
    iif,
    oif,
    fwmark,
    table,
    priority,
    priorityWord,
    protocol: RTPROT_KEEPALIVED,
    noTrack,
    text: words.map((w) => w.text).join(' '),
    pos: item.keyword.pos,
  };
}
