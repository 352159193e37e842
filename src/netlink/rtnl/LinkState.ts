import {
  IFF_LOWER_UP,
  IFF_RUNNING,
  IFF_UP,
  IF_OPER_DORMANT,
  IF_OPER_DOWN,
  IF_OPER_LOWERLAYERDOWN,
  IF_OPER_NOTPRESENT,
  IF_OPER_TESTING,
  IF_OPER_UNKNOWN,
  IF_OPER_UP,
} from './RtnetlinkConstants.js';

/** One network interface as RTM_NEWLINK reports it. */
export interface LinkState {
  readonly ifindex: number;
  /** IFLA_IFNAME. */
  readonly name: string;
  /** ifi_flags: IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ... */
  readonly flags: number;
  /** IFLA_OPERSTATE (RFC 2863), IF_OPER_UNKNOWN when absent. */
  readonly operState: number;
  /** IFLA_MTU, null when absent. */
  readonly mtu: number | null;
  /** IFLA_ADDRESS as `aa:bb:...`, null for links without one. */
  readonly hardwareAddress: string | null;
}

/**
 * Whether VRRP may use the link: administratively up and running (IFF_UP and
 * IFF_RUNNING), keepalived's IF_FLAGS_UP test. The kernel sets IFF_RUNNING from the
 * operational state (net/core/dev.c dev_get_flags), so a lost carrier clears it.
 */
export function isLinkUsable(link: Pick<LinkState, 'flags'>): boolean {
  return (link.flags & (IFF_UP | IFF_RUNNING)) === (IFF_UP | IFF_RUNNING);
}

/** IFF_UP: administratively up (`ip link set up`). */
export function isAdminUp(link: Pick<LinkState, 'flags'>): boolean {
  return (link.flags & IFF_UP) !== 0;
}

/** IFF_LOWER_UP: the driver reports carrier. */
export function hasCarrier(link: Pick<LinkState, 'flags'>): boolean {
  return (link.flags & IFF_LOWER_UP) !== 0;
}

const OPER_STATE_NAMES: ReadonlyMap<number, string> = new Map([
  [IF_OPER_UNKNOWN, 'UNKNOWN'],
  [IF_OPER_NOTPRESENT, 'NOTPRESENT'],
  [IF_OPER_DOWN, 'DOWN'],
  [IF_OPER_LOWERLAYERDOWN, 'LOWERLAYERDOWN'],
  [IF_OPER_TESTING, 'TESTING'],
  [IF_OPER_DORMANT, 'DORMANT'],
  [IF_OPER_UP, 'UP'],
]);

/** `UP`, `DOWN`, ... as `ip link` prints the operational state. */
export function operStateName(operState: number): string {
  return OPER_STATE_NAMES.get(operState) ?? `state ${operState}`;
}

/** True when nothing a VRRP instance tracks differs (counters and the rest are ignored). */
export function sameLinkState(a: LinkState, b: LinkState): boolean {
  return (
    a.ifindex === b.ifindex &&
    a.name === b.name &&
    a.flags === b.flags &&
    a.operState === b.operState &&
    a.mtu === b.mtu &&
    a.hardwareAddress === b.hardwareAddress
  );
}
