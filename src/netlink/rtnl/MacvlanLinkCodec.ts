import { NetlinkAttributeWriter } from '../NetlinkAttributeWriter.js';
import { HOST_IS_LITTLE_ENDIAN } from '../HostByteOrder.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { encodeNetlinkMessage } from '../NetlinkMessage.js';
import { parseInetAddress } from './InetAddress.js';
import { encodeIfInfoMsg } from './LinkCodec.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  AF_INET6,
  AF_UNSPEC,
  IFA_CACHEINFO,
  IFA_F_NODAD,
  IFA_FLAGS,
  IFA_LOCAL,
  IFADDRMSG_SIZE,
  IFF_UP,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_LINK,
  RT_SCOPE_UNIVERSE,
  RTM_DELLINK,
  RTM_NEWADDR,
  RTM_NEWLINK,
} from './RtnetlinkConstants.js';

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

// include/uapi/linux/if_link.h: IFLA_AF_SPEC (enum IFLA_*) carries per-family settings;
// inside its AF_INET6 nest, IFLA_INET6_ADDR_GEN_MODE (enum IFLA_INET6_*) takes a u8 of
// enum in6_addr_gen_mode, where NONE stops the kernel making a link-local address itself.
export const IFLA_AF_SPEC = 26;
export const IFLA_INET6_ADDR_GEN_MODE = 8;
export const IN6_ADDR_GEN_MODE_EUI64 = 0;
export const IN6_ADDR_GEN_MODE_NONE = 1;
/** include/uapi/linux/if_addr.h struct ifa_cacheinfo: ifa_prefered, ifa_valid, cstamp, tstamp (u32 each). */
const IFA_CACHEINFO_SIZE = 16;
/** include/uapi/linux/if_addr.h: a lifetime of 0xFFFFFFFF is INFINITY_LIFE_TIME. */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** keepalived gives a vmac's link-local address a /64 (vrrp_vmac.c), the link-local prefix of RFC 4291 §2.5.6. */
export const VMAC_LINK_LOCAL_PREFIX_LENGTH = 64;

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

/**
 * RTM_NEWLINK on an existing interface setting its IPv6 address generation mode, byte for
 * byte as iproute2 6.1 `ip link set dev NAME addrgenmode none` (and keepalived 2.2.7 for a
 * vmac) sends it: IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE u8 } }, no
 * NLA_F_NESTED. It cannot ride on the create request: Linux answers EAFNOSUPPORT to
 * IFLA_AF_SPEC in an RTM_NEWLINK that creates a macvlan (seen on 6.18), so the vmac is
 * created down, given this, and only then brought up (before any address is generated).
 */
export function encodeSetAddrGenModeRequest(ifindex: number, mode: number, header: RequestHeader): Uint8Array {
  const attributes = new NetlinkAttributeWriter()
    .nest(IFLA_AF_SPEC, (spec) => spec.nest(AF_INET6, (inet6) => inet6.u8(IFLA_INET6_ADDR_GEN_MODE, mode), { flagNested: false }), { flagNested: false })
    .toBytes();
  const ifi = encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, ifindex, flags: 0, change: 0 });
  return encodeNetlinkMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 }, concat(ifi, attributes));
}

/** RTM_NEWLINK setting IFF_UP on an existing interface (`ip link set dev NAME up`, keepalived's netlink_link_up). */
export function encodeSetLinkUpRequest(ifindex: number, header: RequestHeader): Uint8Array {
  return encodeNetlinkMessage(
    { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 },
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, ifindex, flags: IFF_UP, change: IFF_UP }),
  );
}

/**
 * RTM_NEWADDR putting an IPv6 vmac's own link-local address on it, byte for byte as
 * keepalived 2.2.7 sends it (vrrp_vmac.c add_link_local_address, traced): prefix 64,
 * IFA_CACHEINFO with preferred lifetime 0 and valid lifetime forever (a deprecated
 * address, RFC 4862 §5.5.4, so the kernel does not pick it as the source of other
 * traffic), IFA_LOCAL, IFA_FLAGS = IFA_F_NODAD (both routers' vmacs may carry the same
 * address; DAD would fail it). No NLM_F_CREATE/EXCL, as keepalived: the kernel still
 * adds it (inet6_rtm_newaddr) and an address already there is EEXIST.
 */
export function encodeAddVmacLinkLocalRequest(ifindex: number, address: string, header: RequestHeader): Uint8Array {
  const inet = parseInetAddress(address);
  if (inet === null || inet.family !== AF_INET6) throw new RangeError(`not an IPv6 address: ${address}`);
  const cacheinfo = new Uint8Array(IFA_CACHEINFO_SIZE);
  const view = new DataView(cacheinfo.buffer);
  view.setUint32(0, 0, HOST_IS_LITTLE_ENDIAN);
  view.setUint32(4, INFINITY_LIFE_TIME, HOST_IS_LITTLE_ENDIAN);
  const attributes = new NetlinkAttributeWriter().bytes(IFA_CACHEINFO, cacheinfo).bytes(IFA_LOCAL, inet.bytes).u32(IFA_FLAGS, IFA_F_NODAD).toBytes();
  const ifa = new Uint8Array(IFADDRMSG_SIZE);
  const ifaView = new DataView(ifa.buffer);
  ifaView.setUint8(0, AF_INET6);
  ifaView.setUint8(1, VMAC_LINK_LOCAL_PREFIX_LENGTH);
  ifaView.setUint8(2, 0);
  ifaView.setUint8(3, RT_SCOPE_UNIVERSE);
  ifaView.setUint32(4, ifindex, HOST_IS_LITTLE_ENDIAN);
  return encodeNetlinkMessage({ type: RTM_NEWADDR, flags: NLM_F_REQUEST | NLM_F_ACK, seq: header.seq, pid: header.pid ?? 0 }, concat(ifa, attributes));
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
