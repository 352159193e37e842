import { VigilError } from '../core/VigilError.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_CONN_F_BYPASS,
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_LOCALNODE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
} from './IpvsConstants.js';
import type { IpvsAddressFamily, IpvsForwardingMethod, IpvsProtocol, IpvsTunnelType } from './IpvsModel.js';

/** Two-way mappings between the model's names and the numbers on the wire. */

const PROTOCOL_NUMBERS: Readonly<Record<IpvsProtocol, number>> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
const FORWARDING_NUMBERS: Readonly<Record<IpvsForwardingMethod, number>> = {
  masq: IP_VS_CONN_F_MASQ,
  local: IP_VS_CONN_F_LOCALNODE,
  tunnel: IP_VS_CONN_F_TUNNEL,
  droute: IP_VS_CONN_F_DROUTE,
  bypass: IP_VS_CONN_F_BYPASS,
};
const TUNNEL_NUMBERS: Readonly<Record<IpvsTunnelType, number>> = {
  ipip: IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  gue: IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  gre: IP_VS_CONN_F_TUNNEL_TYPE_GRE,
};

function invert<K extends string>(record: Readonly<Record<K, number>>): ReadonlyMap<number, K> {
  return new Map((Object.entries(record) as [K, number][]).map(([name, value]) => [value, name]));
}

const PROTOCOL_NAMES = invert(PROTOCOL_NUMBERS);
const FORWARDING_NAMES = invert(FORWARDING_NUMBERS);
const TUNNEL_NAMES = invert(TUNNEL_NUMBERS);

export function protocolNumber(protocol: IpvsProtocol): number {
  return PROTOCOL_NUMBERS[protocol];
}

export function protocolName(value: number): IpvsProtocol {
  const name = PROTOCOL_NAMES.get(value);
  if (name === undefined) throw new VigilError('IPVS_UNKNOWN_PROTOCOL', `IP protocol ${value} is not TCP, UDP or SCTP`, { protocol: value });
  return name;
}

export function forwardingNumber(method: IpvsForwardingMethod): number {
  return FORWARDING_NUMBERS[method];
}

export function forwardingName(value: number): IpvsForwardingMethod {
  const name = FORWARDING_NAMES.get(value);
  if (name === undefined) throw new VigilError('IPVS_UNKNOWN_FORWARDING', `forwarding method ${value} is not defined by ip_vs.h`, { forwarding: value });
  return name;
}

export function tunnelTypeNumber(type: IpvsTunnelType): number {
  return TUNNEL_NUMBERS[type];
}

export function tunnelTypeName(value: number): IpvsTunnelType {
  const name = TUNNEL_NAMES.get(value);
  if (name === undefined) throw new VigilError('IPVS_UNKNOWN_TUNNEL_TYPE', `tunnel type ${value} is not defined by ip_vs.h`, { tunnelType: value });
  return name;
}

export function addressFamily(value: number): IpvsAddressFamily {
  if (value === AF_INET || value === AF_INET6) return value;
  throw new VigilError('IPVS_UNKNOWN_ADDRESS_FAMILY', `address family ${value} is neither AF_INET nor AF_INET6`, { af: value });
}
