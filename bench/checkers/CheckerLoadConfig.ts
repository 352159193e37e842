/**
 * keepalived-syntax text for the checker benches: `vsCount` virtual servers with `rsPerVs`
 * real servers each, all on loopback; real server j of virtual server i probes backend
 * `pick(i, j)` (modulo the ports the farm could bind). Pure, so a unit test can load it.
 */
export type CheckerLoadKind = 'tcp' | 'http';

function checkerBlock(kind: CheckerLoadKind): string {
  return kind === 'tcp' ? 'TCP_CHECK { connect_timeout 2 }' : 'HTTP_GET {\n      connect_timeout 2\n      url { path / }\n    }';
}

export function checkerLoadConfigText(
  kind: CheckerLoadKind,
  ports: readonly number[],
  vsCount: number,
  rsPerVs: number,
  pick: (i: number, j: number) => number,
): string {
  const out: string[] = [];
  for (let i = 0; i < vsCount; i++) {
    // 10.x.y.1: the VIPs are never configured anywhere, only named (no IPVS in the bench).
    const vip = `10.${(i >> 8) & 255}.${i & 255}.1`;
    out.push(`virtual_server ${vip} 80 {\n  protocol TCP\n  delay_loop 1\n  lvs_method NAT`);
    for (let j = 0; j < rsPerVs; j++) {
      out.push(`  real_server 127.0.0.1 ${ports[pick(i, j) % ports.length]} {\n    ${checkerBlock(kind)}\n  }`);
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}
