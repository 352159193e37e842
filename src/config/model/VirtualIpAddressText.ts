import type { Statement } from '../ConfigAst.js';
import type { Draft } from './Draft.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { maxPrefixLength, parseIpAddress } from './IpAddressText.js';
import { wordText } from './ValueReaders.js';
import type { UnicastPeer, VirtualIpAddress } from './VrrpInstance.js';

/** `ip addr` options keepalived accepts on a VIP line that take a value. */
const VALUE_OPTIONS = new Set(['brd', 'broadcast', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'track_group']);
/** Value-less options (keepalived vrrp_ipaddress.c parse_ipaddress / alloc_ipaddress). */
const FLAG_OPTIONS = new Set(['no_track', 'home', '-nodad', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin']);
/** rtnetlink scope names (iproute2 rt_scopes) plus numbers 0..255. */
const SCOPES = new Set(['global', 'site', 'link', 'host', 'nowhere']);

/**
 * One `virtual_ipaddress` item: the statement's keyword is the address (`ADDR[/LEN]`), its
 * arguments the options.
 */
export function readVirtualIpAddress(item: Statement, listKeyword: string, sink: DiagnosticSink): VirtualIpAddress | null {
  const word = item.keyword;
  const text = wordText(word, listKeyword, sink);
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const addr = parseIpAddress(addrText);
  if (!addr) {
    sink.error(
      'invalid-address',
      word,
      listKeyword,
      `'${addrText}' is not an IPv4 or IPv6 address (keepalived skips this VIP)`,
      'write ADDRESS[/PREFIX] [dev IF] [brd ADDR] [scope SCOPE] [label LABEL]',
    );
    return null;
  }
  let prefixLength = maxPrefixLength(addr.family);
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    const len = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len >= 0 && len <= maxPrefixLength(addr.family))) {
      sink.error(
        'invalid-prefix',
        { pos: { ...word.pos, col: word.pos.col + slash + 1 }, length: lenText.length },
        listKeyword,
        `prefix length '/${lenText}' is invalid for ${addr.address} (keepalived uses /${maxPrefixLength(addr.family)} instead)`,
        `use /0../${maxPrefixLength(addr.family)}`,
      );
      return null;
    }
    prefixLength = len;
  }
  const vip: Draft<VirtualIpAddress> = {
    ...addr,
    prefixLength,
    broadcast: null,
    device: null,
    scope: null,
    label: null,
    peer: null,
    noTrack: false,
    otherOptions: [],
    pos: word.pos,
  };
  const other: string[] = [];
  for (let i = 0; i < item.args.length; i++) {
    const optWord = item.args[i];
    if (!optWord) break;
    const opt = wordText(optWord, listKeyword, sink);
    if (FLAG_OPTIONS.has(opt)) {
      if (opt === 'no_track') vip.noTrack = true;
      else other.push(opt);
      continue;
    }
    if (!VALUE_OPTIONS.has(opt)) {
      sink.error('invalid-value', optWord, listKeyword, `unknown ${listKeyword} option '${opt}'`, 'options are brd, dev, scope, label, peer, no_track, home, -nodad, noprefixroute, autojoin, preferred_lft');
      continue;
    }
    const valueWord = item.args[i + 1];
    if (!valueWord) {
      sink.error('missing-argument', optWord, listKeyword, `'${opt}' needs a value`, `write '${opt} <value>'`);
      break;
    }
    const value = wordText(valueWord, listKeyword, sink);
    i++;
    switch (opt) {
      case 'brd':
      case 'broadcast':
        if (value !== '+' && value !== '-' && !parseIpAddress(value)) {
          sink.error('invalid-address', valueWord, listKeyword, `broadcast '${value}' is not an address`, "use an address, '+' or '-'");
        } else vip.broadcast = value;
        break;
      case 'dev':
        vip.device = value;
        break;
      case 'scope':
        if (!SCOPES.has(value) && !(/^\d{1,3}$/.test(value) && Number(value) <= 255)) {
          sink.error('invalid-value', valueWord, listKeyword, `unknown scope '${value}'`, 'use global, site, link, host, nowhere or 0..255');
        } else vip.scope = value;
        break;
      case 'label':
        vip.label = value;
        break;
      case 'peer':
        vip.peer = value;
        break;
      default:
        other.push(opt, value);
    }
  }
  vip.otherOptions = other;
  if (item.block) sink.error('block-unexpected', { pos: item.block.open }, listKeyword, `an address in ${listKeyword} does not take a block`, 'one address per line');
  return vip;
}

/** One `unicast_peer` item: `ADDR [min_ttl N] [max_ttl N]`. */
export function readUnicastPeer(item: Statement, sink: DiagnosticSink): UnicastPeer | null {
  const kw = 'unicast_peer';
  const text = wordText(item.keyword, kw, sink);
  const addr = parseIpAddress(text);
  if (!addr) {
    sink.error('invalid-address', item.keyword, kw, `unicast peer '${text}' is not an IPv4 or IPv6 address (keepalived skips it)`, 'write one peer address per line');
    return null;
  }
  const peer: Draft<UnicastPeer> = { ...addr, minTtl: null, maxTtl: null, pos: item.keyword.pos };
  for (let i = 0; i < item.args.length; i += 2) {
    const optWord = item.args[i];
    if (!optWord) break;
    const opt = wordText(optWord, kw, sink);
    if (opt !== 'min_ttl' && opt !== 'max_ttl') {
      sink.error('invalid-value', optWord, kw, `unknown unicast_peer option '${opt}'`, 'options are min_ttl and max_ttl');
      continue;
    }
    const valueWord = item.args[i + 1];
    if (!valueWord) {
      sink.error('missing-argument', optWord, kw, `'${opt}' needs a value`, `write '${opt} <0..255>'`);
      break;
    }
    const v = wordText(valueWord, kw, sink);
    const n = /^\d{1,3}$/.test(v) ? Number(v) : NaN;
    if (!(n >= 0 && n <= 255)) {
      sink.error('out-of-range', valueWord, kw, `${opt} ${v} is out of range 0..255`, 'TTL / hop limit is 0..255');
      continue;
    }
    if (opt === 'min_ttl') peer.minTtl = n;
    else peer.maxTtl = n;
  }
  if (peer.minTtl !== null && peer.maxTtl !== null && peer.minTtl > peer.maxTtl) {
    sink.error('invalid-value', item.keyword, kw, `min_ttl ${peer.minTtl} > max_ttl ${peer.maxTtl}: every advert from ${peer.address} would be discarded`, 'swap the values');
  }
  return peer;
}
