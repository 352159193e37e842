import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import { virtualRouterMac } from '../codec/VrrpProtocol.js';
import { instanceFamily } from './InstanceAddressing.js';

/** The macvlan interface one `use_vmac` instance runs on. */
export interface VmacPlan {
  readonly instance: string;
  /** `use_vmac NAME`, else keepalived's default `vrrp.<VRID>`. */
  readonly name: string;
  /** The configured `interface`: the macvlan's lower device. */
  readonly parent: string;
  /** RFC 3768 §7.3 / RFC 5798 §7.3 virtual router MAC. */
  readonly hardwareAddress: string;
  /** `vmac_xmit_base`: adverts go out (and come in) on the parent; only the VIPs live on the vmac. */
  readonly transmitOnParent: boolean;
}

export type VmacDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'vmac'; readonly plan: VmacPlan }
  | { readonly kind: 'unsupported'; readonly reason: string };

/**
 * What `use_vmac` means for one instance on interface `parent`. IPv6 is not done yet:
 * keepalived gives the vmac addr_gen_mode none and a link-local address of its own
 * (vrrp_vmac.c), without which both routers' vmacs would claim the same EUI-64 address.
 */
export function vmacDecision(instance: Pick<VrrpInstance, 'name' | 'useVmac' | 'vmacXmitBase' | 'virtualRouterId' | 'family'>, parent: string): VmacDecision {
  if (instance.useVmac === null) return { kind: 'none' };
  const family = instanceFamily(instance);
  if (family === 'ipv6') return { kind: 'unsupported', reason: 'use_vmac with IPv6 is not supported yet' };
  return {
    kind: 'vmac',
    plan: {
      instance: instance.name,
      name: instance.useVmac.name ?? `vrrp.${instance.virtualRouterId}`,
      parent,
      hardwareAddress: virtualRouterMac(family, instance.virtualRouterId),
      transmitOnParent: instance.vmacXmitBase,
    },
  };
}
