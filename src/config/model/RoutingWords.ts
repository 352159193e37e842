import type { Word } from '../ConfigAst.js';
import type { AddressFamily } from './Common.js';
import { maxPrefixLength, parseIpAddress } from './IpAddressText.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import type { IpPrefix } from './RoutingPolicy.js';

/** RTPROT_KEEPALIVED (include/uapi/linux/rtnetlink.h): keepalived marks its routes and rules with it. */
export const RTPROT_KEEPALIVED = 18;
/** RT_TABLE_MAIN (rtnetlink.h enum rt_class_t). */
export const RT_TABLE_MAIN = 254;

/** Table names every iproute2 knows (rtnetlink.h rt_class_t); others live in /etc/iproute2/rt_tables. */
const TABLE_NAMES: Readonly<Record<string, number>> = { default: 253, main: 254, local: 255 };
/** rt_scope_t names as iproute2's rt_scopes table prints them. */
const SCOPE_NAMES: Readonly<Record<string, number>> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
/** rtm_protocol names of iproute2's rt_protos file shipped with iproute2 6.1 (rtnetlink.h RTPROT_*). */
const PROTOCOL_NAMES: Readonly<Record<string, number>> = {
  redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13,
  xorp: 14, ntk: 15, dhcp: 16, keepalived: RTPROT_KEEPALIVED, babel: 42, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
};

/** `a`, `0x1f`: unsigned integer text as strtoul with base 0 reads it (decimal or hex). */
export function parseUnsigned(text: string, max: number): number | null {
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) && value >= 0 && value <= max ? value : null;
}

/** `PREFIX`, `ADDR` (a host prefix), `default` / `all` (length 0 of `family`, IPv4 unless told). */
export function readPrefix(word: Word, keyword: string, family: AddressFamily | null, sink: DiagnosticSink): IpPrefix | null {
  const text = word.text;
  if (text === 'default' || text === 'all') {
    return family === 'inet6' ? { address: '::', family, prefixLength: 0 } : { address: '0.0.0.0', family: 'inet', prefixLength: 0 };
  }
  const slash = text.indexOf('/');
  const addr = parseIpAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!addr) {
    sink.error('invalid-address', word, keyword, `'${text}' is not an IPv4 or IPv6 prefix (keepalived skips the line)`, 'write ADDRESS[/LENGTH] or default');
    return null;
  }
  const max = maxPrefixLength(addr.family);
  let prefixLength = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    const len = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len >= 0 && len <= max)) {
      sink.error('invalid-prefix', word, keyword, `prefix length '/${lenText}' is invalid for ${addr.address}`, `use /0../${max}`);
      return null;
    }
    prefixLength = len;
  }
  if (hasHostBits(addr.address, addr.family, prefixLength)) {
    // The kernel refuses it (net/ipv4/fib_frontend.c: "Invalid prefix for given prefix length").
    sink.error('invalid-prefix', word, keyword, `${text} has host bits set beyond /${prefixLength}; the kernel refuses the route`, 'clear the host bits, e.g. write the network address');
    return null;
  }
  return { address: addr.address, family: addr.family, prefixLength };
}

function hasHostBits(address: string, family: AddressFamily, prefixLength: number): boolean {
  const bits = family === 'inet' ? address.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('') : ipv6Bits(address);
  return bits.slice(prefixLength).includes('1');
}

function ipv6Bits(address: string): string {
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = address.includes('::') ? groups(tail) : [];
  const all = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

/** `table ID|NAME`: a number 1..2^32-1 or `main`/`local`/`default`. */
export function readTable(word: Word, keyword: string, sink: DiagnosticSink): number | null {
  const named = Object.prototype.hasOwnProperty.call(TABLE_NAMES, word.text) ? TABLE_NAMES[word.text] : undefined;
  if (named !== undefined) return named;
  const id = parseUnsigned(word.text, 0xffffffff);
  if (id === null || id === 0) {
    sink.error(
      'invalid-value',
      word,
      keyword,
      /^\d|^0x/i.test(word.text) ? `table '${word.text}' is not a table id (1..4294967295)` : `table name '${word.text}' is not one Vigil knows; Vigil does not read /etc/iproute2/rt_tables`,
      'write the table number, or main, local, default',
    );
    return null;
  }
  return id;
}

export function readScope(word: Word, keyword: string, sink: DiagnosticSink): number | null {
  const named = Object.prototype.hasOwnProperty.call(SCOPE_NAMES, word.text) ? SCOPE_NAMES[word.text] : undefined;
  if (named !== undefined) return named;
  const n = parseUnsigned(word.text, 255);
  if (n === null) sink.error('invalid-value', word, keyword, `scope '${word.text}' is not a scope`, 'use global, site, link, host, nowhere or 0..255');
  return n;
}

export function readProtocol(word: Word, keyword: string, sink: DiagnosticSink): number | null {
  const named = Object.prototype.hasOwnProperty.call(PROTOCOL_NAMES, word.text) ? PROTOCOL_NAMES[word.text] : undefined;
  if (named !== undefined) return named;
  const n = parseUnsigned(word.text, 255);
  if (n === null) sink.error('invalid-value', word, keyword, `protocol '${word.text}' is not a route protocol`, 'use a number 0..255 or a name such as static, boot, keepalived');
  return n;
}

export function familyName(family: AddressFamily): string {
  return family === 'inet' ? 'IPv4' : 'IPv6';
}
