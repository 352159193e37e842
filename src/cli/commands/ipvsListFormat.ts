import type { IpvsLiveTable } from '../../ipvs/IpvsClient.js';
import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT } from '../../ipvs/IpvsConstants.js';
import { resolveServiceSettings } from '../../ipvs/IpvsDefaults.js';
import type { IpvsDestEntry, IpvsForwardingMethod, IpvsInfo, IpvsServiceEntry, IpvsStats } from '../../ipvs/IpvsModel.js';
import { compareDestsAsIpvsadm, compareServicesAsIpvsadm } from '../../ipvs/IpvsadmOrder.js';
import { endpointText, ipv4Netmask, schedulerFlagNames } from '../../ipvs/IpvsadmRuleText.js';

/**
 * `vigil ipvs list` in ipvsadm 1.31's `-Ln` layouts (ipvsadm.c list_service / print_service_entry,
 * checked byte for byte against its output in test/fixtures/ipvs/ipvsadm/):
 * the plain listing, `--stats` and `--rate`.
 */

export type IpvsListMode = 'plain' | 'stats' | 'rate';

const FORWARD_NAMES: Readonly<Record<IpvsForwardingMethod, string>> = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', droute: 'Route', bypass: 'Bypass' };

function padEnd(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** ipvsadm print_largenum: 9 columns, K/M/G/T past 100 million unless --exact. */
export function largeNumber(value: bigint, exact: boolean): string {
  if (exact) {
    const text = value.toString();
    return padStart(text, text.length <= 8 ? 9 : text.length + 1);
  }
  if (value < 100_000_000n) return padStart(value.toString(), 9);
  if (value < 1_000_000_000n) return `${padStart((value / 1000n).toString(), 8)}K`;
  if (value < 100_000_000_000n) return `${padStart((value / 1_000_000n).toString(), 8)}M`;
  if (value < 100_000_000_000_000n) return `${padStart((value / 1_000_000_000n).toString(), 8)}G`;
  return `${padStart((value / 1_000_000_000_000n).toString(), 8)}T`;
}

/** `TCP  192.0.2.1:80`, `SCTP 192.0.2.3:3868`, `FWM  7`, `FWM  8 IPv6`. */
function serviceName(service: IpvsServiceEntry): string {
  if (service.kind === 'fwmark') return `FWM  ${service.fwmark}${service.af === AF_INET6 ? ' IPv6' : ''}`;
  return `${padEnd(service.protocol.toUpperCase(), 4)} ${endpointText(service.af, service.address, service.port)}`;
}

/** ` rr`, then ` (sh-fallback,sh-port)`, ` persistent 300`, ` mask 255.255.255.0`, ` pe sip`, ` ops`. */
function serviceFlags(service: IpvsServiceEntry): string {
  const s = resolveServiceSettings(service);
  let text = ` ${s.scheduler}`;
  const names = schedulerFlagNames(s.scheduler, s.flags);
  if (names.length > 0) text += ` (${names.join(',')})`;
  if (s.flags & IP_VS_SVC_F_PERSISTENT) {
    text += ` persistent ${s.timeout}`;
    const full = service.af === AF_INET ? 32 : 128;
    if (s.netmask !== full) text += ` mask ${service.af === AF_INET ? ipv4Netmask(s.netmask) : s.netmask}`;
    if (s.persistenceEngine !== '') text += ` pe ${s.persistenceEngine}`;
  }
  if (s.flags & IP_VS_SVC_F_ONEPACKET) text += ' ops';
  return text;
}

function statsOf(entry: { readonly stats?: IpvsStats; readonly stats64?: IpvsStats }): IpvsStats | undefined {
  return entry.stats64 ?? entry.stats;
}

function counters(stats: IpvsStats | undefined, mode: 'stats' | 'rate', exact: boolean): string {
  const zero = 0n;
  const values =
    mode === 'stats'
      ? [stats?.conns, stats?.inpkts, stats?.outpkts, stats?.inbytes, stats?.outbytes]
      : [stats?.cps, stats?.inpps, stats?.outpps, stats?.inbps, stats?.outbps];
  return values.map((v) => largeNumber(v ?? zero, exact)).join('');
}

function destLine(dest: IpvsDestEntry, mode: IpvsListMode, exact: boolean): string {
  const name = endpointText(dest.af, dest.address, dest.port);
  if (mode === 'plain') {
    return `  -> ${padEnd(name, 28)} ${padEnd(FORWARD_NAMES[dest.forwarding], 7)} ${padEnd(String(dest.weight), 6)} ${padEnd(String(dest.activeConnections), 10)} ${padEnd(String(dest.inactiveConnections), 10)}\n`;
  }
  return `  -> ${padEnd(name, 28)}${counters(statsOf(dest), mode, exact)}\n`;
}

const HEADERS: Readonly<Record<IpvsListMode, string>> = {
  plain: 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
  stats: 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\n',
  rate: 'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n  -> RemoteAddress:Port\n',
};

/** The whole listing, as `ipvsadm -Ln [--stats|--rate] [--exact]` prints it. */
export function formatIpvsList(info: IpvsInfo, table: IpvsLiveTable, mode: IpvsListMode = 'plain', exact = false): string {
  let out = `IP Virtual Server version ${info.versionText} (size=${info.connectionTableSize})\n${HEADERS[mode]}`;
  for (const entry of [...table].sort((a, b) => compareServicesAsIpvsadm(a.service, b.service))) {
    const service = entry.service;
    out += mode === 'plain' ? `${serviceName(service)}${serviceFlags(service)}\n` : `${padEnd(serviceName(service), 33)}${counters(statsOf(service), mode, exact)}\n`;
    for (const dest of [...entry.dests].sort(compareDestsAsIpvsadm)) out += destLine(dest, mode, exact);
  }
  return out;
}

/** `--json`: the same table with every field, counters as decimal strings (they are 64-bit). */
export function formatIpvsListJson(info: IpvsInfo, table: IpvsLiveTable): string {
  return `${JSON.stringify({ info, services: table.map((e) => ({ ...e.service, dests: e.dests })) }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}
