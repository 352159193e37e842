import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import { canonicalIp } from '../codec/IpAddressBytes.js';
import type { ReceiverAuth, ReceiverInstance } from '../receive/ReceiverInstance.js';
import { instanceFamily } from './InstanceAddressing.js';

/**
 * What the receive checks need about a configured `vrrp_instance`. `ownAddresses` is
 * every address the host holds on the instance's interface right now (an advert from one
 * of them is our own), `ifname` the resolved interface.
 */
export function receiverInstanceFromConfig(
  instance: VrrpInstance,
  ifname: string,
  ownAddresses: readonly string[],
): ReceiverInstance {
  return {
    name: instance.name,
    interface: ifname,
    vrid: instance.virtualRouterId,
    version: instance.version,
    family: instanceFamily(instance),
    // RFC 5798 §9: VRRPv3 has no authentication; the model already refuses it there.
    auth: instance.version === 2 ? authOf(instance) : { type: 'none' },
    advertIntervalMs: Math.round(instance.advertIntervalSeconds * 1000),
    virtualAddresses: instance.virtualIpAddresses.map((v) => canonical(v.address)),
    unicastPeers: instance.unicastPeers.map((p) => canonical(p.address)),
    ownAddresses: ownAddresses.map(canonical),
    checkUnicastSrc: instance.checkUnicastSrc,
  };
}

function authOf(instance: VrrpInstance): ReceiverAuth {
  const auth = instance.authentication;
  if (auth === null) return { type: 'none' };
  return auth.type === 'PASS' ? { type: 'PASS', password: auth.password } : { type: 'AH' };
}

function canonical(address: string): string {
  return canonicalIp(address) ?? address;
}
