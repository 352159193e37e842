import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import { canonicalIp, type IpFamily } from '../codec/IpAddressBytes.js';
import { virtualRouterMac } from '../codec/VrrpProtocol.js';
import { instanceFamily } from './InstanceAddressing.js';

/** The macvlan interface one `use_vmac` instance runs on. */
export interface VmacPlan {
  readonly instance: string;
  /** `use_vmac NAME`, else keepalived's default `vrrp.<VRID>`. */
  readonly name: string;
  /** The configured `interface`: the macvlan's lower device. */
  readonly parent: string;
  readonly family: IpFamily;
  /** RFC 3768 §7.3 / RFC 5798 §7.3 virtual router MAC: 00:00:5e:00:01:VRID (IPv4), 00:00:5e:00:02:VRID (IPv6). */
  readonly hardwareAddress: string;
  /** `vmac_xmit_base`: adverts go out (and come in) on the parent; only the VIPs live on the vmac. */
  readonly transmitOnParent: boolean;
  /** IPv6: `unicast_src_ip` / `mcast_src_ip` (keepalived's saddr), which becomes the vmac's own address; else null. */
  readonly configuredSource: string | null;
}

export type VmacDecision = { readonly kind: 'none' } | { readonly kind: 'vmac'; readonly plan: VmacPlan };

/** What `use_vmac` means for one instance on interface `parent`. */
export function vmacDecision(
  instance: Pick<VrrpInstance, 'name' | 'useVmac' | 'vmacXmitBase' | 'virtualRouterId' | 'family' | 'unicastSrcIp' | 'mcastSrcIp'>,
  parent: string,
): VmacDecision {
  if (instance.useVmac === null) return { kind: 'none' };
  const family = instanceFamily(instance);
  const source = instance.unicastSrcIp ?? instance.mcastSrcIp;
  return {
    kind: 'vmac',
    plan: {
      instance: instance.name,
      name: instance.useVmac.name ?? `vrrp.${instance.virtualRouterId}`,
      parent,
      family,
      hardwareAddress: virtualRouterMac(family, instance.virtualRouterId),
      transmitOnParent: instance.vmacXmitBase,
      configuredSource: family === 'ipv6' && source !== null ? (canonicalIp(source.address) ?? source.address) : null,
    },
  };
}

/** What is known about the vmac's parent when its link-local address is chosen. */
export interface VmacParentFacts {
  /** The parent's link-local address (keepalived's ifp->sin6_addr), if it has one. */
  readonly linkLocal: string | undefined;
  /** The parent's MAC. */
  readonly hardwareAddress: string | undefined;
}

/**
 * The address an IPv6 vmac gets and sends its adverts from, chosen as keepalived 2.2.7
 * does (vrrp_vmac.c set_link_local_address): the configured source if any, else the
 * parent's own link-local address, else the parent MAC's modified EUI-64 link-local
 * address. The kernel makes none itself (addr_gen_mode none): one derived from the
 * virtual MAC would be the same on every router of the VRID (RFC 5798 §7.4 wants adverts
 * from a router's own address). None for IPv4 or `vmac_xmit_base`, where adverts leave
 * from the parent; undefined when nothing is known to derive one from.
 */
export function vmacOwnAddress(plan: Pick<VmacPlan, 'family' | 'transmitOnParent' | 'configuredSource'>, parent: VmacParentFacts): string | null | undefined {
  if (plan.family !== 'ipv6' || plan.transmitOnParent) return null;
  if (plan.configuredSource !== null) return plan.configuredSource;
  if (parent.linkLocal !== undefined) return canonicalIp(parent.linkLocal) ?? parent.linkLocal;
  return parent.hardwareAddress === undefined ? undefined : eui64LinkLocal(parent.hardwareAddress);
}

/**
 * fe80::/64 with the modified EUI-64 interface identifier of a 48-bit MAC (RFC 4291
 * §2.5.1 and Appendix A: ff:fe in the middle, the universal/local bit inverted).
 */
export function eui64LinkLocal(mac: string): string | undefined {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  const b = parts.map((p) => Number.parseInt(p, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  const group = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
  return canonicalIp(`fe80::${group(b0 ^ 0x02, b1)}:${group(b2, 0xff)}:${group(0xfe, b3)}:${group(b4, b5)}`);
}
