import { describe, expect, it } from 'vitest';
import { isNetlinkDecodeError } from '../../../../src/netlink/NetlinkDecodeError.js';
import { decodeNetlinkMessages, encodeNetlinkMessage, type NetlinkMessage } from '../../../../src/netlink/NetlinkMessage.js';
import type { AddressRequest } from '../../../../src/netlink/rtnl/AddressRequest.js';
import { parseInetAddress, type InetAddress } from '../../../../src/netlink/rtnl/InetAddress.js';
import {
  decodeAddressMessage,
  encodeAddAddressRequest,
  encodeAddressDumpRequest,
  encodeDeleteAddressRequest,
} from '../../../../src/netlink/rtnl/InterfaceAddressCodec.js';
import {
  AF_INET6,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  IFA_F_PERMANENT,
  IFA_F_TENTATIVE,
  RT_SCOPE_HOST,
  RT_SCOPE_SITE,
  RTM_DELADDR,
  RTM_NEWADDR,
} from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { dumpOf, iproute2Request, iproute2Requests, notificationsOf } from './support/RtnlFixtures.js';

const ip = (text: string): InetAddress => {
  const parsed = parseInetAddress(text);
  if (parsed === null) throw new Error(text);
  return parsed;
};

/** seq and pid as iproute2 wrote them, so only the layout is compared. */
function headerOf(bytes: Uint8Array): { seq: number; pid: number } {
  const m = decodeNetlinkMessages(bytes)[0]!;
  return { seq: m.header.seq, pid: m.header.pid };
}

const request = (overrides: Partial<AddressRequest>): AddressRequest => ({
  ifindex: iproute2Requests.ifindex,
  ifname: 'd0',
  address: ip('198.51.100.20'),
  prefixLength: 24,
  broadcast: null,
  scope: 0,
  label: null,
  flags: 0,
  ...overrides,
});

describe('address requests, byte for byte as iproute2 6.1 sends them (captured with strace)', () => {
  const cases: { name: string; request: AddressRequest; op: 'add' | 'delete' }[] = [
    {
      name: 'add-ipv4-label-brd',
      op: 'add',
      request: request({ address: ip('198.51.100.20'), prefixLength: 24, broadcast: ip('198.51.100.255'), label: 'd0:vip' }),
    },
    {
      name: 'add-ipv4-brd-minus-site',
      op: 'add',
      request: request({ address: ip('203.0.113.6'), prefixLength: 28, broadcast: ip('203.0.113.0'), scope: RT_SCOPE_SITE }),
    },
    { name: 'add-ipv4-host', op: 'add', request: request({ address: ip('203.0.113.7'), prefixLength: 32, scope: RT_SCOPE_HOST }) },
    { name: 'add-ipv6-nodad', op: 'add', request: request({ address: ip('2001:db8::20'), prefixLength: 64, flags: IFA_F_NODAD }) },
    {
      name: 'add-ipv6-nodad-noprefixroute',
      op: 'add',
      request: request({ address: ip('2001:db8::21'), prefixLength: 64, flags: IFA_F_NODAD | IFA_F_NOPREFIXROUTE }),
    },
    { name: 'del-ipv4', op: 'delete', request: request({ address: ip('198.51.100.20'), prefixLength: 24 }) },
    { name: 'del-ipv6', op: 'delete', request: request({ address: ip('2001:db8::20'), prefixLength: 64 }) },
  ];
  for (const c of cases) {
    it(`${c.name}: ${iproute2Requests.requests.find((r) => r.name === c.name)?.command ?? ''}`, () => {
      const captured = iproute2Request(c.name);
      const encode = c.op === 'add' ? encodeAddAddressRequest : encodeDeleteAddressRequest;
      expect(Buffer.from(encode(c.request, headerOf(captured))).toString('hex')).toBe(Buffer.from(captured).toString('hex'));
    });
  }

  it('puts flags above 0xff in IFA_FLAGS and leaves ifa_flags 0 then', () => {
    const bytes = encodeAddAddressRequest(request({ address: ip('2001:db8::21'), flags: IFA_F_NODAD | IFA_F_NOPREFIXROUTE }), { seq: 1 });
    const m = decodeNetlinkMessages(bytes)[0]!;
    expect(m.payload[2]).toBe(0);
    expect(decodeAddressMessage(m)?.address.flags).toBe(IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
  });

  it('asks for a dump of one family or of both', () => {
    const both = decodeNetlinkMessages(encodeAddressDumpRequest(0, { seq: 9 }))[0]!;
    expect(both.header).toMatchObject({ type: 22, flags: 0x301, seq: 9 });
    expect([...both.payload]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeNetlinkMessages(encodeAddressDumpRequest(AF_INET6, { seq: 9 }))[0]!.payload[0]).toBe(AF_INET6);
  });
});

describe('decoding what the kernel sent (Linux 6.18 notifications and dumps)', () => {
  const addressesOf = (messages: NetlinkMessage[]) => messages.map((m) => decodeAddressMessage(m));

  it('an IPv4 address with label and broadcast', () => {
    const [first] = addressesOf(notificationsOf('add-ipv4-label-brd').filter((m) => m.payload[0] === 2));
    expect(first).toEqual({
      kind: 'new',
      address: {
        ifindex: 3,
        family: 2,
        address: '198.51.100.10',
        prefixLength: 24,
        peer: null,
        broadcast: '198.51.100.255',
        label: 'd0:vip',
        scope: 0,
        flags: IFA_F_PERMANENT,
      },
    });
  });

  it('a host-scope IPv4 address gets the device name as label', () => {
    const [n] = addressesOf(notificationsOf('add-ipv4-host-scope'));
    expect(n?.address).toMatchObject({ address: '203.0.113.5', prefixLength: 32, scope: RT_SCOPE_HOST, label: 'd0', broadcast: null });
  });

  it('an IPv6 address added with nodad is permanent and not tentative', () => {
    const [n] = addressesOf(notificationsOf('add-ipv6-nodad'));
    expect(n?.address).toMatchObject({ family: AF_INET6, address: '2001:db8::10', prefixLength: 64, label: null, peer: null });
    expect(n!.address.flags & IFA_F_NODAD).toBe(IFA_F_NODAD);
    expect(n!.address.flags & IFA_F_TENTATIVE).toBe(0);
  });

  it('an IPv6 address added with DAD starts tentative', () => {
    const [n] = addressesOf(notificationsOf('add-ipv6-with-dad'));
    expect(n?.address.address).toBe('2001:db8::11');
    expect(n!.address.flags & IFA_F_TENTATIVE).toBe(IFA_F_TENTATIVE);
  });

  it('a deletion is RTM_DELADDR with the full address', () => {
    const messages = notificationsOf('del-ipv4');
    expect(messages[0]?.header.type).toBe(RTM_DELADDR);
    expect(decodeAddressMessage(messages[0]!)).toMatchObject({ kind: 'del', address: { address: '198.51.100.10', label: 'd0:vip' } });
  });

  it('a dump lists every address of both families and ends with NLMSG_DONE', () => {
    const messages = dumpOf('getaddr');
    const addresses = messages.filter((m) => m.header.type === RTM_NEWADDR).map((m) => decodeAddressMessage(m)!.address.address);
    expect(addresses).toEqual(expect.arrayContaining(['203.0.113.5', '2001:db8::10', '2001:db8::11']));
    expect(addresses).not.toContain('198.51.100.10');
    expect(messages.at(-1)?.header.type).toBe(3);
  });
});

describe('decoding malformed or foreign input', () => {
  const message = (type: number, payload: Uint8Array): NetlinkMessage =>
    decodeNetlinkMessages(encodeNetlinkMessage({ type, flags: 0, seq: 1, pid: 0 }, payload))[0]!;

  it('rejects a payload shorter than struct ifaddrmsg', () => {
    expect(() => decodeAddressMessage(message(RTM_NEWADDR, new Uint8Array(4)))).toThrowError(
      expect.objectContaining({ code: 'NETLINK_TRUNCATED_PAYLOAD' }),
    );
  });

  it('rejects an address message without IFA_LOCAL or IFA_ADDRESS', () => {
    const p = new Uint8Array(8);
    p[0] = 2;
    let thrown: unknown;
    try {
      decodeAddressMessage(message(RTM_NEWADDR, p));
    } catch (e) {
      thrown = e;
    }
    expect(isNetlinkDecodeError(thrown) && thrown.code).toBe('NETLINK_MISSING_ATTRIBUTE');
  });

  it('rejects an IPv6 message whose address attribute holds 4 bytes', () => {
    const p = new Uint8Array(16);
    p[0] = AF_INET6;
    p.set([8, 0, 1, 0, 192, 0, 2, 1], 8);
    expect(() => decodeAddressMessage(message(RTM_NEWADDR, p))).toThrowError(expect.objectContaining({ code: 'NETLINK_ATTRIBUTE_SIZE' }));
  });

  it('ignores families Vigil does not track', () => {
    const p = new Uint8Array(8);
    p[0] = 28; // AF_MPLS
    expect(decodeAddressMessage(message(RTM_NEWADDR, p))).toBeNull();
  });

  it('refuses other message types', () => {
    expect(() => decodeAddressMessage(message(16, new Uint8Array(8)))).toThrowError(expect.objectContaining({ code: 'NETLINK_UNEXPECTED_MESSAGE' }));
  });
});
