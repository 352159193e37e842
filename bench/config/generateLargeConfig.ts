/**
 * A keepalived.conf the size large directors really run: `virtualServers` virtual servers,
 * each with `realServers` real servers and a TCP_CHECK, plus a few VRRP instances.
 * Addresses come from the documentation ranges (RFC 5737) and wrap deterministically.
 */
export function generateLargeConfig(virtualServers: number, realServers: number): string {
  const out: string[] = [];
  out.push('global_defs {', '    router_id bench', '}', '');
  for (let i = 1; i <= 4; i++) {
    out.push(
      `vrrp_instance VI_${i} {`,
      '    state BACKUP',
      '    interface eth0',
      `    virtual_router_id ${i}`,
      '    priority 100',
      '    advert_int 1',
      '    virtual_ipaddress {',
      `        203.0.113.${i}/24`,
      '    }',
      '}',
      '',
    );
  }
  for (let v = 0; v < virtualServers; v++) {
    const port = 1024 + (v % 60000);
    const vip = `198.51.100.${1 + Math.floor(v / 60000)}`;
    out.push(`virtual_server ${vip} ${port} {`, '    delay_loop 6', '    lvs_sched wrr', '    lvs_method NAT', '    protocol TCP');
    for (let r = 0; r < realServers; r++) {
      const n = v * realServers + r;
      out.push(
        `    real_server 192.0.2.${1 + (n % 250)} ${1024 + Math.floor(n / 250) % 60000} {`,
        '        weight 1',
        '        TCP_CHECK {',
        '            connect_timeout 3',
        '        }',
        '    }',
      );
    }
    out.push('}', '');
  }
  return out.join('\n');
}
