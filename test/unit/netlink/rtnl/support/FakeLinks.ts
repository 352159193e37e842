import type { LinkState } from '../../../../../src/netlink/rtnl/LinkState.js';
import { IFF_LOWER_UP, IFF_RUNNING, IFF_UP, IF_OPER_DOWN, IF_OPER_UP } from '../../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import type { FakeRtnlKernel } from './FakeRtnlKernel.js';

export const LINK_UP = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;

export function upLink(ifindex: number, name: string): LinkState {
  return { ifindex, name, flags: LINK_UP, operState: IF_OPER_UP, mtu: 1500, hardwareAddress: `02:00:00:00:00:${ifindex.toString(16).padStart(2, '0')}` };
}

/** The link with its carrier gone: still IFF_UP, no IFF_RUNNING / IFF_LOWER_UP. */
export function noCarrier(link: LinkState): LinkState {
  return { ...link, flags: IFF_UP, operState: IF_OPER_DOWN };
}

/** lo, eth0 and eth1, all up. */
export function withStandardLinks(kernel: FakeRtnlKernel): FakeRtnlKernel {
  kernel.putLink(upLink(1, 'lo'));
  kernel.putLink(upLink(2, 'eth0'));
  kernel.putLink(upLink(3, 'eth1'));
  return kernel;
}
