import { describe, expect, it } from 'vitest';
import { decodeNetlinkMessages, encodeNetlinkMessage, type NetlinkMessage } from '../../../../src/netlink/NetlinkMessage.js';
import { decodeLinkMessage, encodeIfInfoMsg, encodeLinkDumpRequest } from '../../../../src/netlink/rtnl/LinkCodec.js';
import { hasCarrier, isAdminUp, isLinkUsable, operStateName, type LinkState } from '../../../../src/netlink/rtnl/LinkState.js';
import { IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN, IF_OPER_UP, RTM_NEWLINK } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { dumpOf, notificationsOf } from './support/RtnlFixtures.js';

const linksOf = (messages: NetlinkMessage[]): LinkState[] =>
  messages.filter((m) => m.header.type === RTM_NEWLINK).flatMap((m) => {
    const d = decodeLinkMessage(m);
    return d === null ? [] : [d.link];
  });

describe('link messages from Linux 6.18', () => {
  it('a link dump lists lo and the veth pair with names, MTU and MAC', () => {
    const links = linksOf(dumpOf('getlink'));
    expect(links.map((l) => l.name).sort()).toEqual(['d0', 'd1', 'lo']);
    const lo = links.find((l) => l.name === 'lo')!;
    expect(lo).toMatchObject({ ifindex: 1, mtu: 65536, hardwareAddress: '00:00:00:00:00:00' });
    const d0 = links.find((l) => l.name === 'd0')!;
    expect(d0.mtu).toBe(1500);
    expect(d0.hardwareAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(isLinkUsable(d0)).toBe(true);
    expect(d0.operState).toBe(IF_OPER_UP);
  });

  it('taking the peer down: d1 is administratively down, d0 keeps IFF_UP but loses carrier and IFF_RUNNING', () => {
    const links = linksOf(notificationsOf('peer-down'));
    const d1 = links.find((l) => l.name === 'd1')!;
    const d0 = links.find((l) => l.name === 'd0')!;
    expect(isAdminUp(d1)).toBe(false);
    expect(d1.operState).toBe(IF_OPER_DOWN);
    expect(isAdminUp(d0)).toBe(true);
    expect(hasCarrier(d0)).toBe(false);
    expect(isLinkUsable(d0)).toBe(false);
    expect(d0.operState).toBe(IF_OPER_LOWERLAYERDOWN);
    expect(operStateName(d0.operState)).toBe('LOWERLAYERDOWN');
  });

  it('bringing the peer back up makes d0 usable again', () => {
    const d0 = linksOf(notificationsOf('peer-up')).filter((l) => l.name === 'd0').at(-1)!;
    expect(isLinkUsable(d0)).toBe(true);
    expect(hasCarrier(d0)).toBe(true);
  });
});

describe('link message edge cases', () => {
  const message = (type: number, payload: Uint8Array): NetlinkMessage =>
    decodeNetlinkMessages(encodeNetlinkMessage({ type, flags: 0, seq: 0, pid: 0 }, payload))[0]!;

  it('skips AF_BRIDGE copies of bridge-port links', () => {
    expect(decodeLinkMessage(message(RTM_NEWLINK, encodeIfInfoMsg({ family: 7, type: 1, ifindex: 4, flags: 1, change: 0 })))).toBeNull();
  });

  it('skips a link message without IFLA_IFNAME', () => {
    expect(decodeLinkMessage(message(RTM_NEWLINK, encodeIfInfoMsg({ family: 0, type: 1, ifindex: 4, flags: 1, change: 0 })))).toBeNull();
  });

  it('rejects a payload shorter than struct ifinfomsg', () => {
    expect(() => decodeLinkMessage(message(RTM_NEWLINK, new Uint8Array(8)))).toThrowError(expect.objectContaining({ code: 'NETLINK_TRUNCATED_PAYLOAD' }));
  });

  it('asks for a dump of every link with a full ifinfomsg', () => {
    const m = decodeNetlinkMessages(encodeLinkDumpRequest({ seq: 5 }))[0]!;
    expect(m.header).toMatchObject({ type: 18, flags: 0x301, seq: 5, length: 32 });
    expect(m.payload.every((b) => b === 0)).toBe(true);
  });

  it('names unknown operational states by number', () => {
    expect(operStateName(42)).toBe('state 42');
  });
});
