import type { Statement } from '../ConfigAst.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { parseAddressRange, parseIpAddress } from './IpAddressText.js';
import { readInteger, wordText } from './ValueReaders.js';
import type { VirtualServerGroup, VsgEntry } from './VirtualServerGroup.js';

/**
 * `virtual_server_group NAME { IP [PORT] | IP-END [PORT] | fwmark N [inet|inet6] ... }`
 * (check_data.c alloc_vsg_entry). Each line is one entry.
 */
export function buildVirtualServerGroup(s: Statement, sink: DiagnosticSink): VirtualServerGroup | null {
  const nameWord = s.args[0];
  const entries: VsgEntry[] = [];
  const kw = 'virtual_server_group';
  for (const item of s.block?.statements ?? []) {
    const head = wordText(item.keyword, kw, sink);
    if (item.block) sink.error('block-unexpected', { pos: item.block.open }, kw, 'a virtual_server_group entry does not take a block', 'one entry per line');
    const asStatement: Statement = { keyword: { ...item.keyword, text: kw }, args: item.args };
    if (head === 'fwmark') {
      const mark = readInteger(asStatement, 0, { min: 0, max: 0xffffffff, keepalivedDoes: 'ignores the entry' }, sink);
      if (!item.args[0]) sink.error('missing-argument', item.keyword, kw, 'fwmark needs a mark number', 'write: fwmark 1');
      let family: 'inet' | 'inet6' | null = null;
      const famWord = item.args[1];
      if (famWord) {
        const f = wordText(famWord, kw, sink);
        if (f === 'inet' || f === 'inet6') family = f;
        else sink.error('invalid-value', famWord, kw, `unknown family '${f}' after fwmark`, 'use inet or inet6');
      }
      if (mark !== null) entries.push({ kind: 'fwmark', fwmark: mark, family, pos: item.keyword.pos });
      continue;
    }
    let port = 0;
    if (item.args.length > 0) {
      const p = readInteger(asStatement, 0, { min: 0, max: 65535 }, sink);
      if (p === null) continue;
      port = p;
    }
    if (item.args[1]) sink.error('extra-argument', item.args[1], kw, `unexpected '${item.args[1].text}' after the port`, 'write: ADDRESS[-END] PORT');
    const single = parseIpAddress(head);
    if (single) {
      entries.push({ kind: 'address', address: single, port, pos: item.keyword.pos });
      continue;
    }
    const range = parseAddressRange(head);
    if (range === 'not-a-range' || range === 'invalid') {
      sink.error(
        range === 'invalid' ? 'invalid-value' : 'invalid-address',
        item.keyword,
        kw,
        range === 'invalid'
          ? `'${head}' is not a valid address range (the end must be greater than the start's last ${head.includes(':') ? 'group' : 'octet'})`
          : `'${head}' is not an address, address range or 'fwmark N' (keepalived skips it)`,
        'write e.g. 192.0.2.1 80, 192.0.2.10-20 80 or fwmark 1',
      );
      continue;
    }
    entries.push({ kind: 'range', first: range.first, last: range.last, port, pos: item.keyword.pos });
  }
  if (!nameWord) {
    sink.error('missing-argument', s.keyword, kw, 'virtual_server_group needs a name', 'write: virtual_server_group NAME { ... }');
    return null;
  }
  const name = wordText(nameWord, kw, sink);
  if (entries.length === 0) {
    sink.error('missing-required', s.keyword, kw, `virtual_server_group ${name} has no entries (keepalived removes it)`, 'add entries such as 192.0.2.1 80');
    return null;
  }
  const families = new Set(entries.map((e) => (e.kind === 'address' ? e.address.family : e.kind === 'range' ? e.first.family : e.family)).filter((f) => f !== null));
  const bareFwmark = entries.some((e) => e.kind === 'fwmark' && e.family === null);
  if (families.size > 1 && bareFwmark) {
    sink.error('mixed-family', s.keyword, kw, `virtual_server_group ${name} mixes IPv4 and IPv6 with a fwmark of no family (keepalived removes the group)`, "add 'inet' or 'inet6' after each fwmark");
    return null;
  }
  return { name, pos: s.keyword.pos, entries };
}
