import { isAbsolute } from 'node:path';
import { VigilError } from '../../core/VigilError.js';
import type { VigilNetBinding } from './VigilNetBinding.js';
import { vrrpIoError } from './VrrpIoError.js';

/** Where `ip netns add NAME` binds namespaces (iproute2's NETNS_RUN_DIR). */
export const NETNS_RUN_DIR = '/run/netns';

// ip-netns(8) names become file names in NETNS_RUN_DIR: no slashes, not "." or "..".
const NETNS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/** `/run/netns/NAME` for a name, the path itself for an absolute path (e.g. /proc/PID/ns/net). */
export function networkNamespacePath(netns: string): string {
  if (isAbsolute(netns)) return netns;
  if (!NETNS_NAME.test(netns)) {
    throw new VigilError('VRRP_IO_BAD_ARGUMENT', `"${netns}" is not a network namespace name`, { netns });
  }
  return `${NETNS_RUN_DIR}/${netns}`;
}

/**
 * Runs `fn` with this thread in network namespace `netns` (a name or a path), or as is
 * when `netns` is undefined. Sockets opened by `fn` stay in that namespace after it
 * returns. Failing to switch is `VRRP_IO_NETNS_FAILED`; whatever `fn` throws passes through.
 */
export function inNetworkNamespace<T>(binding: VigilNetBinding, netns: string | undefined, fn: () => T): T {
  if (netns === undefined) return fn();
  const path = networkNamespacePath(netns);
  let thrownByFn: { error: unknown } | undefined;
  try {
    return binding.withNetworkNamespace(path, () => {
      try {
        return fn();
      } catch (e) {
        thrownByFn = { error: e };
        throw e;
      }
    });
  } catch (e) {
    if (thrownByFn !== undefined && thrownByFn.error === e) throw e;
    throw vrrpIoError('VRRP_IO_NETNS_FAILED', `switching to network namespace ${netns}`, e, { netns, path });
  }
}

/** if_nametoindex(3) in the current namespace; `VRRP_IO_INTERFACE_NOT_FOUND` when absent. */
export function interfaceIndexOf(binding: VigilNetBinding, ifname: string): number {
  try {
    return binding.interfaceIndex(ifname);
  } catch (e) {
    throw vrrpIoError('VRRP_IO_INTERFACE_NOT_FOUND', `looking up interface ${ifname}`, e, { ifname });
  }
}
