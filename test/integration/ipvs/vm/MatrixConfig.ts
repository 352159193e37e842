/**
 * The keepalived configuration the VM suite programs: every scheduler Linux 6.1 ships ×
 * protocol (TCP / UDP / SCTP) × family (IPv4 / IPv6) as address services, plus a
 * firewall-mark service per scheduler and family. Every service gets one real server per
 * forwarding method (NAT, DR, TUN ipip, TUN gue with a port and checksums, TUN gre), so
 * each scheduler × method × protocol × family combination is in the kernel at once.
 * Scheduler flags, persistence (timeout, granularity, engine), ops, thresholds and
 * inhibit_on_failure are spread over the services.
 */

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const PORTS: Readonly<Record<(typeof PROTOCOLS)[number], number>> = { TCP: 80, UDP: 53, SCTP: 3868 };

export interface MatrixOptions {
  /** Instance that lvs_sync_daemon follows, with its virtual_router_id. */
  readonly syncInstance: string;
  readonly virtualRouterId: number;
}

function vip(family: 'v4' | 'v6', index: number): string {
  return family === 'v4' ? `192.0.2.${index + 1}` : `2001:db8:1::${(index + 1).toString(16)}`;
}

function rip(family: 'v4' | 'v6', n: number): string {
  return family === 'v4' ? `198.51.100.${n}` : `2001:db8:2::${n.toString(16)}`;
}

function serviceOptions(scheduler: string, protocol: string | null, family: 'v4' | 'v6'): string[] {
  const lines = [`lvs_sched ${scheduler}`];
  if (scheduler === 'sh') lines.push('sh-port', 'sh-fallback');
  if (scheduler === 'mh') lines.push('mh-port', 'mh-fallback');
  if (scheduler === 'ovf') lines.push('flag-2');
  if (scheduler === 'nq') lines.push('flag-1', 'flag-3');
  if (scheduler === 'rr' && protocol === 'UDP') lines.push('ops');
  if (scheduler === 'lc' || scheduler === 'wlc') lines.push('persistence_timeout 120', `persistence_granularity ${family === 'v4' ? '255.255.255.0' : '64'}`);
  if (scheduler === 'dh') lines.push('persistence_timeout');
  if (scheduler === 'lblc' && protocol === 'UDP') lines.push('persistence_timeout 30', 'persistence_engine sip');
  return lines;
}

function realServers(family: 'v4' | 'v6', port: number | null, scheduler: string): string {
  const at = (p: number | null): string => (p === null ? '' : ` ${p}`);
  const nat = port === null ? 8080 : port + 8000;
  return [
    `  real_server ${rip(family, 10)}${at(nat)} {\n    weight 3\n    lvs_method NAT\n    uthreshold 100\n    lthreshold 10\n  }`,
    `  real_server ${rip(family, 11)}${at(port)} {\n    weight 2\n    lvs_method DR\n${scheduler === 'fo' ? '    inhibit_on_failure\n' : ''}  }`,
    `  real_server ${rip(family, 12)}${at(port)} {\n    lvs_method TUN\n  }`,
    `  real_server ${rip(family, 13)}${at(port)} {\n    lvs_method TUN type gue port 6080 csum\n  }`,
    `  real_server ${rip(family, 14)}${at(port)} {\n    weight 0\n    lvs_method TUN type gre ${scheduler === 'sed' ? 'csum' : 'nocsum'}\n  }`,
  ].join('\n');
}

export interface MatrixService {
  readonly scheduler: string;
  readonly protocol: string | null;
  readonly family: 'v4' | 'v6';
}

/** The configuration text and the combinations it holds. */
export function matrixConfig(options: MatrixOptions): { text: string; services: MatrixService[] } {
  const blocks: string[] = [
    `global_defs {\n  router_id vm-suite\n  lvs_timeouts tcp 7200 tcpfin 30 udp 90\n  lvs_sync_daemon lo ${options.syncInstance} maxlen 1400 port 8849 ttl 2\n}`,
    `vrrp_instance ${options.syncInstance} {\n  interface lo\n  virtual_router_id ${options.virtualRouterId}\n  priority 100\n  virtual_ipaddress {\n    192.0.2.200\n  }\n}`,
  ];
  const services: MatrixService[] = [];
  SCHEDULERS.forEach((scheduler, index) => {
    for (const family of ['v4', 'v6'] as const) {
      for (const protocol of PROTOCOLS) {
        const port = PORTS[protocol];
        blocks.push(`virtual_server ${vip(family, index)} ${port} {\n  protocol ${protocol}\n  ${serviceOptions(scheduler, protocol, family).join('\n  ')}\n${realServers(family, port, scheduler)}\n}`);
        services.push({ scheduler, protocol, family });
      }
      const mark = (family === 'v4' ? 100 : 200) + index;
      blocks.push(
        `virtual_server fwmark ${mark} {\n  ip_family ${family === 'v4' ? 'inet' : 'inet6'}\n  ${serviceOptions(scheduler, null, family).join('\n  ')}\n${realServers(family, null, scheduler)}\n}`,
      );
      services.push({ scheduler, protocol: null, family });
    }
  });
  return { text: `${blocks.join('\n\n')}\n`, services };
}
