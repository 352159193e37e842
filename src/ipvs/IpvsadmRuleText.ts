import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, IP_VS_TUNNEL_ENCAP_FLAG_CSUM, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM } from './IpvsConstants.js';
import { resolveDestSettings, resolveServiceSettings } from './IpvsDefaults.js';
import type { IpvsDest, IpvsForwardingMethod, IpvsService, IpvsTable } from './IpvsModel.js';
import type { IpvsOperation } from './IpvsOperation.js';
import { compareDestsAsIpvsadm, compareServicesAsIpvsadm } from './IpvsadmOrder.js';

/**
 * Services, dests and operations as ipvsadm command lines, in the form `ipvsadm -Sn`
 * saves them (checked against ipvsadm 1.31: test/fixtures/ipvs/ipvsadm/), so that a
 * plan reads like the rules an operator would type and a table can be compared with
 * `ipvsadm -Sn` output.
 */

/** `192.0.2.1:80` or `[2001:db8::1]:80`. */
export function endpointText(af: number, address: string, port: number): string {
  return af === AF_INET6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** IPv4 netmask text of a prefix length. */
export function ipv4Netmask(prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

/** Scheduler flag names as ipvsadm prints them, by bit (SCHED1..3); sh and mh name theirs. */
export function schedulerFlagNames(scheduler: string, flags: number): string[] {
  const names: string[] = [];
  const named = scheduler === 'sh' || scheduler === 'mh';
  if (flags & 0x08) names.push(named ? `${scheduler}-fallback` : 'flag-1');
  if (flags & 0x10) names.push(named ? `${scheduler}-port` : 'flag-2');
  if (flags & 0x20) names.push('flag-3');
  return names;
}

/** The service-identifying options: `-t 192.0.2.1:80`, `-u ...`, `--sctp-service ...`, `-f 7 [-6]`. */
export function serviceSelector(service: IpvsService): string {
  if (service.kind === 'fwmark') return `-f ${service.fwmark}${service.af === AF_INET6 ? ' -6' : ''}`;
  const option = service.protocol === 'tcp' ? '-t' : service.protocol === 'udp' ? '-u' : '--sctp-service';
  return `${option} ${endpointText(service.af, service.address, service.port)}`;
}

function serviceOptions(service: IpvsService): string {
  const s = resolveServiceSettings(service);
  const parts = [`-s ${s.scheduler}`];
  if (s.flags & IP_VS_SVC_F_PERSISTENT) parts.push(`-p ${s.timeout}`);
  const full = service.af === AF_INET ? 32 : 128;
  if ((s.flags & IP_VS_SVC_F_PERSISTENT) !== 0 && s.netmask !== full) parts.push(`-M ${service.af === AF_INET ? ipv4Netmask(s.netmask) : s.netmask}`);
  if (s.persistenceEngine !== '') parts.push(`--pe ${s.persistenceEngine}`);
  if (s.flags & IP_VS_SVC_F_ONEPACKET) parts.push('-o');
  const names = schedulerFlagNames(s.scheduler, s.flags);
  if (names.length > 0) parts.push(`-b ${names.join(',')}`);
  return parts.join(' ');
}

const FORWARD_OPTIONS: Readonly<Record<IpvsForwardingMethod, string>> = { masq: '-m', droute: '-g', tunnel: '-i', local: '-m', bypass: '-g' };

function destOptions(dest: IpvsDest, thresholds: boolean): string {
  const d = resolveDestSettings(dest);
  const parts = [`-r ${endpointText(dest.af, dest.address, dest.port)}`, FORWARD_OPTIONS[d.forwarding], `-w ${d.weight}`];
  if (thresholds && d.upperThreshold !== 0) parts.push(`-x ${d.upperThreshold}`);
  if (thresholds && d.lowerThreshold !== 0) parts.push(`-y ${d.lowerThreshold}`);
  if (d.forwarding === 'tunnel') {
    parts.push(`--tun-type ${d.tunnelType}`);
    if (d.tunnelType === 'gue') parts.push(`--tun-port ${d.tunnelPort}`);
    if (d.tunnelType !== 'ipip') {
      parts.push(d.tunnelFlags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? '--tun-remcsum' : d.tunnelFlags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? '--tun-csum' : '--tun-nocsum');
    }
  }
  return parts.join(' ');
}

export interface RuleTextOptions {
  /** Add `-x` / `-y` for non-zero thresholds (ipvsadm -S leaves them out; ipvsadm accepts them). */
  readonly thresholds?: boolean;
}

/** The ipvsadm command line (without `ipvsadm`) that performs `operation`. */
export function operationRuleText(operation: IpvsOperation, options: RuleTextOptions = {}): string {
  const selector = serviceSelector(operation.service);
  const thresholds = options.thresholds ?? true;
  switch (operation.kind) {
    case 'add-service':
      return `-A ${selector} ${serviceOptions(operation.service)}`;
    case 'edit-service':
      return `-E ${selector} ${serviceOptions(operation.service)}`;
    case 'delete-service':
      return `-D ${selector}`;
    case 'add-dest':
      return `-a ${selector} ${destOptions(operation.dest, thresholds)}`;
    case 'edit-dest':
      return `-e ${selector} ${destOptions(operation.dest, thresholds)}`;
    case 'delete-dest':
      return `-d ${selector} -r ${endpointText(operation.dest.af, operation.dest.address, operation.dest.port)}`;
  }
}

/** A whole table as `ipvsadm -Sn` prints it (ipvsadm's order, thresholds left out by default). */
export function tableRuleText(table: IpvsTable, options: RuleTextOptions = { thresholds: false }): string {
  const lines: string[] = [];
  for (const entry of [...table].sort((a, b) => compareServicesAsIpvsadm(a.service, b.service))) {
    lines.push(operationRuleText({ kind: 'add-service', service: entry.service }, options));
    for (const dest of [...entry.dests].sort(compareDestsAsIpvsadm)) lines.push(operationRuleText({ kind: 'add-dest', service: entry.service, dest }, options));
  }
  return lines.map((l) => `${l}\n`).join('');
}
