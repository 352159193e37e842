import type { IpAddress } from '../../config/model/Common.js';
import type { LvsProtocol, VirtualServer } from '../../config/model/VirtualServer.js';

/**
 * Services as keepalived prints them (check_data.c format_vs / format_rs, utils.c
 * inet_sockaddrtotrio): `[198.51.100.11]:tcp:80`, `FWM 7`, `[GROUPNAME]:0`. Vigil uses these
 * texts as the keys of its output too, so logs, `vigil status` and keepalived logs line up.
 */
export function formatService(address: IpAddress | string, protocol: LvsProtocol | null, port: number | null): string {
  const text = typeof address === 'string' ? address : address.address;
  return `[${text}]:${protocolText(protocol)}:${port ?? 0}`;
}

export function formatVirtualServer(vs: Pick<VirtualServer, 'key' | 'protocol'>): string {
  switch (vs.key.kind) {
    case 'address':
      return formatService(vs.key.address, vs.protocol, vs.key.port);
    case 'fwmark':
      return `FWM ${vs.key.fwmark}`;
    case 'group':
      // format_vs prints the group name with the (unset, so 0) virtual server port.
      return `[${vs.key.group}]:0`;
  }
}

/** utils.c: IPPROTO_TCP "tcp", UDP "udp", SCTP "sctp", 0 "none". */
function protocolText(p: LvsProtocol | null): string {
  switch (p) {
    case 'TCP':
      return 'tcp';
    case 'UDP':
      return 'udp';
    case 'SCTP':
      return 'sctp';
    case null:
      return 'none';
  }
}
