import { NetlinkAttributeWriter } from '../NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { encodeNetlinkMessage } from '../NetlinkMessage.js';
import { encodeIfInfoMsg } from './LinkCodec.js';
import type { RequestHeader } from './RequestHeader.js';
import { AF_UNSPEC, IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, RTM_DELLINK, RTM_NEWLINK } from './RtnetlinkConstants.js';

// include/uapi/linux/if_link.h: IFLA_LINKINFO (enum IFLA_*), its nested IFLA_INFO_KIND /
// IFLA_INFO_DATA, and the macvlan data attribute IFLA_MACVLAN_MODE with its mode values.
export const IFLA_LINKINFO = 18;
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
export const IFLA_MACVLAN_MODE = 1;
/** Frames between macvlans on the same parent are not forwarded (if_link.h enum macvlan_mode). */
export const MACVLAN_MODE_PRIVATE = 1;
export const MACVLAN_MODE_VEPA = 2;
export const MACVLAN_MODE_BRIDGE = 4;
export const MACVLAN_MODE_PASSTHRU = 8;
export const MACVLAN_MODE_SOURCE = 16;

const MACVLAN_KIND = new TextEncoder().encode('macvlan');

/** A macvlan interface to create on a parent link. */
export interface MacvlanLinkRequest {
  readonly name: string;
  readonly parentIfindex: number;
  /** `aa:bb:cc:dd:ee:ff`. */
  readonly hardwareAddress: string;
  /** MACVLAN_MODE_*. */
  readonly mode: number;
  /** Bring it up in the same request (IFF_UP in ifi_flags / ifi_change, as `ip link add ... up`). */
  readonly up: boolean;
}

/** `aa:bb:cc:dd:ee:ff` → 6 bytes; throws on anything else (a config bug, not input). */
export function parseHardwareAddress(text: string): Uint8Array {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new RangeError(`not a MAC address: ${text}`);
  return Uint8Array.from(parts, (p) => Number.parseInt(p, 16));
}

/**
 * RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK, byte for byte as iproute2 6.1
 * `ip link add link PARENT name NAME address MAC up type macvlan mode M` sends it:
 * IFLA_ADDRESS, IFLA_LINK, IFLA_IFNAME, then IFLA_LINKINFO { IFLA_INFO_KIND "macvlan",
 * IFLA_INFO_DATA { IFLA_MACVLAN_MODE u32 } }. EXCL makes a name already taken an
 * EEXIST instead of a silent change to someone else's interface.
 */
export function encodeCreateMacvlanRequest(r: MacvlanLinkRequest, header: RequestHeader): Uint8Array {
  const attributes = new NetlinkAttributeWriter()
    .bytes(IFLA_ADDRESS, parseHardwareAddress(r.hardwareAddress))
    .u32(IFLA_LINK, r.parentIfindex)
    .string(IFLA_IFNAME, r.name)
    // No NLA_F_NESTED, as iproute2 sends it; rtnl_newlink accepts both.
    .nest(
      IFLA_LINKINFO,
      (info) => {
        // Without a NUL, as iproute2 and keepalived send it (the policy is NLA_STRING).
        info.bytes(IFLA_INFO_KIND, MACVLAN_KIND);
        info.nest(IFLA_INFO_DATA, (data) => data.u32(IFLA_MACVLAN_MODE, r.mode), { flagNested: false });
      },
      { flagNested: false },
    )
    .toBytes();
  const ifi = encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, ifindex: 0, flags: r.up ? IFF_UP : 0, change: r.up ? IFF_UP : 0 });
  return encodeNetlinkMessage(
    { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq: header.seq, pid: header.pid ?? 0 },
    concat(ifi, attributes),
  );
}

/** RTM_DELLINK of one interface by index (`ip link del dev NAME`). */
export function encodeDeleteLinkRequest(ifindex: number, header: RequestHeader): Uint8Array {
  return encodeNetlinkMessage(
    { type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 },
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, ifindex, flags: 0, change: 0 }),
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
