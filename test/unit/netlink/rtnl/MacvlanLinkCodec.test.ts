import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNested, NetlinkAttributeTable, readString, readU32 } from '../../../../src/netlink/NetlinkAttribute.js';
import { decodeNetlinkMessages } from '../../../../src/netlink/NetlinkMessage.js';
import { decodeIfInfoMsg } from '../../../../src/netlink/rtnl/LinkCodec.js';
import {
  encodeAddVmacLinkLocalRequest,
  encodeSetAddrGenModeRequest,
  encodeSetLinkUpRequest,
  IN6_ADDR_GEN_MODE_NONE,
  encodeCreateMacvlanRequest,
  encodeDeleteLinkRequest,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_LINKINFO,
  IFLA_MACVLAN_MODE,
  MACVLAN_MODE_BRIDGE,
  MACVLAN_MODE_PRIVATE,
  parseHardwareAddress,
} from '../../../../src/netlink/rtnl/MacvlanLinkCodec.js';
import { IFF_UP, IFINFOMSG_SIZE, IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, RTM_DELLINK, RTM_NEWLINK } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

const fixtureDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vmac');
const iproute2 = JSON.parse(readFileSync(resolve(fixtureDir, 'iproute2-macvlan-requests.json'), 'utf8')) as {
  create: { parentIfindex: number; seq: number; hex: string };
  delete: { ifindex: number; seq: number; hex: string };
};

const ipv6Requests = JSON.parse(readFileSync(resolve(fixtureDir, 'ipv6-vmac-requests.json'), 'utf8')) as {
  addrGenModeNone: { ifindex: number; seq: number; hex: string };
  linkUp: { ifindex: number; seq: number; hex: string };
  keepalivedLinkLocal: { ifindex: number; address: string; seq: number; hex: string };
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('macvlan RTM_NEWLINK / RTM_DELLINK', () => {
  it('creates exactly the bytes iproute2 6.1 sends for `ip link add ... up type macvlan mode private`', () => {
    const bytes = encodeCreateMacvlanRequest(
      { name: 'vrrp.51', parentIfindex: iproute2.create.parentIfindex, hardwareAddress: '00:00:5e:00:01:33', mode: MACVLAN_MODE_PRIVATE, up: true },
      { seq: iproute2.create.seq },
    );
    expect(hex(bytes)).toBe(iproute2.create.hex);
  });

  it('deletes exactly as `ip link del` does', () => {
    expect(hex(encodeDeleteLinkRequest(iproute2.delete.ifindex, { seq: iproute2.delete.seq }))).toBe(iproute2.delete.hex);
  });

  it('decodes back to the request: parent, name, MAC, kind and mode; down when not asked up', () => {
    const bytes = encodeCreateMacvlanRequest(
      { name: 'vmac-web', parentIfindex: 7, hardwareAddress: '00:00:5E:00:01:FF', mode: MACVLAN_MODE_BRIDGE, up: false },
      { seq: 9 },
    );
    const [message] = decodeNetlinkMessages(bytes);
    expect(message?.header.type).toBe(RTM_NEWLINK);
    expect(message?.header.seq).toBe(9);
    const ifi = decodeIfInfoMsg(message!);
    expect(ifi.flags & IFF_UP).toBe(0);
    expect(ifi.change & IFF_UP).toBe(0);
    const table = NetlinkAttributeTable.decode(message!.payload.subarray(IFINFOMSG_SIZE));
    expect(readU32(table.get(IFLA_LINK)!)).toBe(7);
    expect(readString(table.get(IFLA_IFNAME)!)).toBe('vmac-web');
    expect(hex(table.get(IFLA_ADDRESS)!.payload)).toBe('00005e0001ff');
    const info = decodeNested(table.get(IFLA_LINKINFO)!);
    expect(readString(info.find((a) => a.type === IFLA_INFO_KIND)!)).toBe('macvlan');
    const data = decodeNested(info.find((a) => a.type === IFLA_INFO_DATA)!);
    expect(readU32(data.find((a) => a.type === IFLA_MACVLAN_MODE)!)).toBe(MACVLAN_MODE_BRIDGE);
  });

  it('a delete names the interface by index only', () => {
    const [message] = decodeNetlinkMessages(encodeDeleteLinkRequest(12, { seq: 3 }));
    expect(message?.header.type).toBe(RTM_DELLINK);
    expect(decodeIfInfoMsg(message!).ifindex).toBe(12);
    expect(message?.payload.length).toBe(IFINFOMSG_SIZE);
  });

  it('parses MAC text in either case and refuses anything else', () => {
    expect([...parseHardwareAddress('00:00:5E:00:02:0a')]).toEqual([0, 0, 0x5e, 0, 2, 10]);
    for (const bad of ['00:00:5e:00:01', '00:00:5e:00:01:1g', '00-00-5e-00-01-01', '']) expect(() => parseHardwareAddress(bad)).toThrow(RangeError);
  });
});

describe('IPv6 vmac requests', () => {
  it('addr_gen_mode none exactly as `ip link set dev NAME addrgenmode none` (and keepalived 2.2.7) send it', () => {
    const f = ipv6Requests.addrGenModeNone;
    expect(hex(encodeSetAddrGenModeRequest(f.ifindex, IN6_ADDR_GEN_MODE_NONE, { seq: f.seq }))).toBe(f.hex);
  });

  it('up exactly as `ip link set dev NAME up`', () => {
    const f = ipv6Requests.linkUp;
    expect(hex(encodeSetLinkUpRequest(f.ifindex, { seq: f.seq }))).toBe(f.hex);
  });

  it("the vmac's link-local address exactly as keepalived 2.2.7 adds it (/64, deprecated, IFA_F_NODAD)", () => {
    const f = ipv6Requests.keepalivedLinkLocal;
    expect(hex(encodeAddVmacLinkLocalRequest(f.ifindex, f.address, { seq: f.seq }))).toBe(f.hex);
    // Any spelling of the address gives the same bytes.
    expect(hex(encodeAddVmacLinkLocalRequest(f.ifindex, 'FE80:0:0::FF:FE00:1', { seq: f.seq }))).toBe(f.hex);
  });

  it('refuses an IPv4 or malformed address for the vmac link-local', () => {
    expect(() => encodeAddVmacLinkLocalRequest(4, '192.0.2.1', { seq: 1 })).toThrow(RangeError);
    expect(() => encodeAddVmacLinkLocalRequest(4, 'fe80::g', { seq: 1 })).toThrow(RangeError);
  });
});
