import { VigilError } from '../../core/VigilError.js';
import type { GlobalDefs } from '../../config/model/GlobalDefs.js';
import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import { AF_INET, AF_INET6, IFA_F_SECONDARY, RT_SCOPE_LINK } from '../../netlink/rtnl/RtnetlinkConstants.js';
import { canonicalIp, type IpFamily } from '../codec/IpAddressBytes.js';

/** Where one instance's adverts come from and go to. */
export interface InstanceAddressing {
  /** The interface the instance runs on (resolved from unicast_src_ip when `interface` is absent). */
  readonly ifname: string;
  readonly family: IpFamily;
  /**
   * Source address of our adverts, which is also our primary address for the tie-break
   * (RFC 5798 §6.4.3): unicast_src_ip, else mcast_src_ip, else the interface's primary
   * IPv4 address / IPv6 link-local address (RFC 5798 §5.1.2.1: v3 over IPv6 is sent from
   * the link-local address).
   */
  readonly source: string;
  /** The multicast group, or every unicast peer. */
  readonly destinations: readonly string[];
  readonly unicast: boolean;
}

export type AddressingResolution =
  | { readonly ok: true; readonly addressing: InstanceAddressing }
  | { readonly ok: false; readonly error: VigilError };

export function instanceFamily(instance: Pick<VrrpInstance, 'family'>): IpFamily {
  return instance.family === 'inet6' ? 'ipv6' : 'ipv4';
}

/**
 * The interface an instance runs on. keepalived lets a unicast instance leave out
 * `interface`: it then uses the interface holding `unicast_src_ip`.
 */
export function resolveInstanceInterface(
  instance: Pick<VrrpInstance, 'name' | 'interface' | 'unicastSrcIp'>,
  addresses: readonly InterfaceAddress[],
  nameOf: (ifindex: number) => string | undefined,
): { ok: true; ifname: string } | { ok: false; error: VigilError } {
  if (instance.interface !== '') return { ok: true, ifname: instance.interface };
  const src = instance.unicastSrcIp === null ? undefined : canonicalIp(instance.unicastSrcIp.address);
  const holder = src === undefined ? undefined : addresses.find((a) => canonicalIp(a.address) === src);
  const ifname = holder === undefined ? undefined : nameOf(holder.ifindex);
  if (ifname === undefined) {
    return {
      ok: false,
      error: new VigilError(
        'VRRP_RUNTIME_NO_INTERFACE',
        `(${instance.name}) no interface configured and no interface holds unicast_src_ip ${instance.unicastSrcIp?.address ?? '(none)'}`,
        { instance: instance.name },
      ),
    };
  }
  return { ok: true, ifname };
}

/**
 * The primary address of an interface as keepalived picks it (vrrp_if.c): the first
 * IPv4 address that is not secondary (IFA_F_SECONDARY), or the first link-local IPv6
 * address. Addresses in `exclude` (our own VIPs, possibly left by an earlier run) never
 * count.
 */
export function primaryInterfaceAddress(
  family: IpFamily,
  addresses: readonly InterfaceAddress[],
  exclude: ReadonlySet<string> = new Set(),
): string | undefined {
  const usable = addresses.filter((a) => !exclude.has(canonicalIp(a.address) ?? a.address));
  if (family === 'ipv4') {
    return usable.find((a) => a.family === AF_INET && (a.flags & IFA_F_SECONDARY) === 0)?.address ?? usable.find((a) => a.family === AF_INET)?.address;
  }
  return usable.find((a) => a.family === AF_INET6 && a.scope === RT_SCOPE_LINK)?.address;
}

/**
 * Resolves an instance's advert source and destinations against the addresses its
 * interface holds right now (`interfaceAddresses`: only that interface's).
 */
export function resolveInstanceAddressing(
  instance: VrrpInstance,
  global: Pick<GlobalDefs, 'vrrpMcastGroup4' | 'vrrpMcastGroup6'>,
  ifname: string,
  interfaceAddresses: readonly InterfaceAddress[],
): AddressingResolution {
  const family = instanceFamily(instance);
  const unicast = instance.unicastPeers.length > 0;
  const vips = new Set(
    [...instance.virtualIpAddresses, ...instance.virtualIpAddressesExcluded].map((v) => canonicalIp(v.address) ?? v.address),
  );
  const configured = instance.unicastSrcIp ?? instance.mcastSrcIp;
  const source = configured !== null ? canonicalIp(configured.address) : primaryInterfaceAddress(family, interfaceAddresses, vips);
  if (source === undefined) {
    const what = family === 'ipv4' ? 'IPv4 address' : 'IPv6 link-local address';
    return {
      ok: false,
      error: new VigilError(
        'VRRP_RUNTIME_NO_SOURCE_ADDRESS',
        `(${instance.name}) interface ${ifname} has no ${what} to send adverts from; configure one or set ${unicast ? 'unicast_src_ip' : 'mcast_src_ip'}`,
        { instance: instance.name, interface: ifname, family },
      ),
    };
  }
  const group = family === 'ipv4' ? global.vrrpMcastGroup4 : global.vrrpMcastGroup6;
  const destinations = unicast ? instance.unicastPeers.map((p) => canonicalIp(p.address) ?? p.address) : [canonicalIp(group) ?? group];
  return { ok: true, addressing: { ifname, family, source, destinations, unicast } };
}
