import { VigilError } from '../../core/VigilError.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import { VrrpInstanceMachine } from '../fsm/VrrpInstanceMachine.js';
import { resolveInstanceAddressing, resolveInstanceInterface, type InstanceAddressing } from './InstanceAddressing.js';
import { instanceSpecFromConfig } from './InstanceSpecMapping.js';
import type { InterfaceView } from './InterfaceView.js';
import { instanceVipsFromConfig, type InstanceVip } from './VipSpecMapping.js';
import { vmacDecision } from './VmacPlan.js';
import type { VrrpLog } from './VrrpLog.js';

/** An instance resolved against the interfaces, with its machine built; nothing opened yet. */
export interface PreparedInstance {
  readonly instance: VrrpInstance;
  readonly machine: VrrpInstanceMachine;
  readonly addressing: InstanceAddressing;
  readonly vips: InstanceVip[];
  /** Where a VIP line without `dev` goes: the instance's interface, or its vmac. */
  readonly vipInterface: string;
}

export type InstancePreparation = { readonly ok: true; readonly prepared: PreparedInstance } | { readonly ok: false; readonly error: VigilError };

/**
 * Resolves one instance for the engine (at start-up and for a reload's new and restarted
 * instances): its interface (which must exist), use_vmac, the advert source and
 * destinations, the machine and the VIPs. Reports the first problem found.
 */
export function prepareInstance(
  instance: VrrpInstance,
  global: VigilConfig['global'],
  interfaces: InterfaceView,
  allAddresses: readonly InterfaceAddress[],
  log: VrrpLog,
): InstancePreparation {
  const iface = resolveInstanceInterface(instance, allAddresses, (i) => interfaces.nameOf(i));
  if (!iface.ok) return { ok: false, error: iface.error };
  const ifindex = interfaces.indexOf(iface.ifname);
  if (ifindex === undefined) {
    return {
      ok: false,
      error: new VigilError('VRRP_RUNTIME_INTERFACE_MISSING', `(${instance.name}) interface ${iface.ifname} does not exist`, {
        instance: instance.name,
        interface: iface.ifname,
      }),
    };
  }
  if (instance.version === 2 && instance.authentication?.type === 'AH') {
    return {
      ok: false,
      error: new VigilError('VRRP_RUNTIME_UNSUPPORTED', `(${instance.name}) auth_type AH is not supported by Vigil; use PASS or VRRPv3`, {
        instance: instance.name,
      }),
    };
  }
  // use_vmac: adverts on the vmac (unless vmac_xmit_base), VIPs on it (the daemon created
  // the vmac before this runs). The advert source is the parent's address, except for an
  // IPv6 vmac: it carries a link-local address of its own (VmacInterfaces), sent from.
  const vmac = vmacDecision(instance, iface.ifname);
  const vmacName = vmac.kind === 'vmac' ? vmac.plan.name : undefined;
  const vmacIndex = vmacName === undefined ? undefined : interfaces.indexOf(vmacName);
  if (vmacName !== undefined && vmacIndex === undefined) {
    return {
      ok: false,
      error: new VigilError('VRRP_RUNTIME_INTERFACE_MISSING', `(${instance.name}) VMAC interface ${vmacName} does not exist`, {
        instance: instance.name,
        interface: vmacName,
      }),
    };
  }
  const onVmac = vmac.kind === 'vmac' && !vmac.plan.transmitOnParent;
  const advertIfname = onVmac ? vmac.plan.name : iface.ifname;
  const sourceIfindex = onVmac && vmac.plan.family === 'ipv6' && vmacIndex !== undefined ? vmacIndex : ifindex;
  const resolved = resolveInstanceAddressing(instance, global, advertIfname, interfaces.addressesOf(sourceIfindex));
  if (!resolved.ok) return { ok: false, error: resolved.error };
  try {
    const machine = new VrrpInstanceMachine(instanceSpecFromConfig(instance, resolved.addressing.source));
    const vipInterface = vmacName ?? iface.ifname;
    return { ok: true, prepared: { instance, machine, addressing: resolved.addressing, vips: instanceVipsFromConfig(instance, vipInterface), vipInterface } };
  } catch (e) {
    return { ok: false, error: e instanceof VigilError ? e : new VigilError('VRRP_RUNTIME_INSTANCE_INVALID', `(${instance.name}) ${String(e)}`) };
  }
}

/** The key of the one advert socket an interface and family share. */
export function transportKey(addressing: Pick<InstanceAddressing, 'ifname' | 'family'>): string {
  return `${addressing.ifname}|${addressing.family}`;
}
