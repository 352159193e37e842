import type { VirtualIpAddress, VrrpInstance } from '../../config/model/VrrpInstance.js';
import { scopeNumber } from '../../netlink/rtnl/AddressScope.js';
import type { VipSpec } from '../../netlink/rtnl/VipSpec.js';
import { canonicalIp } from '../codec/IpAddressBytes.js';

/** A VIP to install, with the canonical address the machine and the adverts use. */
export interface InstanceVip {
  /** Canonical address text (no prefix). */
  readonly address: string;
  readonly spec: VipSpec;
  /** `virtual_ipaddress_excluded`: installed and announced, never carried in adverts. */
  readonly excluded: boolean;
}

/**
 * The rtnetlink form of an instance's `virtual_ipaddress` and `virtual_ipaddress_excluded`
 * lines. `dev` defaults to the instance's interface; IPv6 VIPs go in without DAD unless
 * the line says `-nodad` (keepalived adds them with IFA_F_NODAD). `peer` is not supported
 * by the installer and is ignored.
 */
export function instanceVipsFromConfig(instance: VrrpInstance, ifname: string): InstanceVip[] {
  return [
    ...instance.virtualIpAddresses.map((v) => toInstanceVip(v, ifname, false)),
    ...instance.virtualIpAddressesExcluded.map((v) => toInstanceVip(v, ifname, true)),
  ];
}

function toInstanceVip(vip: VirtualIpAddress, ifname: string, excluded: boolean): InstanceVip {
  const address = canonicalIp(vip.address) ?? vip.address;
  const options = new Set(vip.otherOptions);
  const scope = vip.scope === null ? null : scopeNumber(vip.scope);
  const spec: VipSpec = {
    address,
    prefixLength: vip.prefixLength,
    interface: vip.device ?? ifname,
    ...(vip.broadcast !== null ? { broadcast: vip.broadcast } : {}),
    ...(scope !== null ? { scope } : {}),
    ...(vip.label !== null ? { label: vip.label } : {}),
    noDad: !options.has('-nodad'),
    ...(options.has('noprefixroute') ? { noPrefixRoute: true } : {}),
    ...(options.has('home') ? { homeAddress: true } : {}),
    ...(options.has('autojoin') ? { autoJoin: true } : {}),
  };
  return { address, spec, excluded };
}
