import type { Statement } from '../ConfigAst.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { readChoice, wordText } from './ValueReaders.js';
import type { LvsMethod } from './VirtualServer.js';

/**
 * `lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (check_parser.c
 * svr_forwarding_handler; encapsulation types from ip_vs.h IP_VS_CONN_F_TUNNEL_TYPE_*).
 */
export function readLvsMethod(s: Statement, sink: DiagnosticSink): LvsMethod | null {
  const kw = s.keyword.text;
  const method = readChoice(s, 0, ['NAT', 'DR', 'TUN'] as const, sink, { keepalivedDoes: 'ignores the line' });
  if (!method) return null;
  let tunnelType: LvsMethod['tunnelType'] = null;
  let tunnelPort: number | null = null;
  let tunnelChecksum: LvsMethod['tunnelChecksum'] = null;
  for (let i = 1; i < s.args.length; i++) {
    const w = s.args[i];
    if (!w) break;
    const opt = wordText(w, kw, sink);
    if (method !== 'TUN') {
      sink.error('extra-argument', w, kw, `'${opt}' only applies to TUN (keepalived rejects it)`, `write '${kw} ${method}'`);
      return null;
    }
    if (opt === 'type' || opt === 'port') {
      const v = s.args[i + 1];
      if (!v) {
        sink.error('missing-argument', w, kw, `tunnel option '${opt}' needs a value`, opt === 'type' ? 'type ipip|gue|gre' : 'port <1-65535>');
        return null;
      }
      const value = wordText(v, kw, sink);
      i++;
      if (opt === 'type') {
        if (value !== 'ipip' && value !== 'gue' && value !== 'gre') {
          sink.error('invalid-value', v, kw, `unknown tunnel type '${value}'`, 'use ipip, gue or gre');
          return null;
        }
        tunnelType = value;
      } else {
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= 65535)) {
          sink.error('out-of-range', v, kw, `gue tunnel port ${value} is out of range 1..65535`, 'use a UDP port number');
          return null;
        }
        tunnelPort = n;
      }
      continue;
    }
    if (opt === 'nocsum' || opt === 'csum' || opt === 'remcsum') {
      tunnelChecksum = opt;
      continue;
    }
    sink.error('invalid-value', w, kw, `unknown tunnel option '${opt}'`, 'options are type ipip|gue|gre, port N, nocsum|csum|remcsum');
    return null;
  }
  if (method === 'TUN') {
    const type = tunnelType ?? 'ipip';
    // keepalived: "gue tunnels require port, otherwise cannot have port."
    if ((type === 'gue') !== (tunnelPort !== null)) {
      sink.error('conflicting-options', s.keyword, kw, 'gue tunnels need a port, and other tunnel types cannot have one (keepalived ignores the line)', type === 'gue' ? 'add: port <udp port>' : 'remove the port');
      return null;
    }
    if (type === 'ipip' && tunnelChecksum !== null && tunnelChecksum !== 'nocsum') {
      sink.error('conflicting-options', s.keyword, kw, 'ipip tunnels do not support checksum options (keepalived ignores the line)', 'remove csum/remcsum');
      return null;
    }
    if (type === 'gre' && tunnelChecksum === 'remcsum') {
      sink.error('conflicting-options', s.keyword, kw, 'gre tunnels do not support remcsum (keepalived ignores the line)', 'use csum or nocsum');
      return null;
    }
    return { method, tunnelType: type, tunnelPort, tunnelChecksum };
  }
  return { method, tunnelType: null, tunnelPort: null, tunnelChecksum: null };
}
