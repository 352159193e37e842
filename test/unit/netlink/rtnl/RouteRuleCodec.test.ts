import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInetAddress, type InetAddress } from '../../../../src/netlink/rtnl/InetAddress.js';
import { encodeAddRouteRequest, encodeDeleteRouteRequest } from '../../../../src/netlink/rtnl/RouteCodec.js';
import { RTN_BLACKHOLE, RTN_UNICAST } from '../../../../src/netlink/rtnl/RouteConstants.js';
import { describeRouteRequest, type RouteRequest } from '../../../../src/netlink/rtnl/RouteRequest.js';
import { encodeAddRuleRequest, encodeDeleteRuleRequest } from '../../../../src/netlink/rtnl/RuleCodec.js';
import { describeRuleRequest, type RuleRequest } from '../../../../src/netlink/rtnl/RuleRequest.js';
import { AF_INET, AF_INET6, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';

/** Captured from iproute2 with strace (test/fixtures/vrrp/routes/capture-goldens.sh). */
interface Goldens {
  readonly veth0: number;
  readonly messages: readonly { readonly name: string; readonly command: string; readonly hex: string }[];
}
const GOLDENS = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../fixtures/vrrp/routes/rtnl-goldens.json'), 'utf8')) as Goldens;

function golden(name: string): { bytes: Buffer; seq: number } {
  const found = GOLDENS.messages.find((m) => m.name === name);
  if (!found) throw new Error(`no golden ${name}`);
  const bytes = Buffer.from(found.hex, 'hex');
  return { bytes, seq: bytes.readUInt32LE(8) };
}

const ip = (text: string): InetAddress => {
  const parsed = parseInetAddress(text);
  if (parsed === null) throw new Error(text);
  return parsed;
};

const IFINDEX = GOLDENS.veth0;

const route = (r: Partial<RouteRequest> & Pick<RouteRequest, 'destination' | 'prefixLength'>): RouteRequest => ({
  family: r.destination.family,
  type: RTN_UNICAST,
  gateway: null,
  preferredSource: null,
  ifindex: null,
  ifname: null,
  table: 254,
  protocol: 18,
  scope: RT_SCOPE_UNIVERSE,
  metric: null,
  onlink: false,
  ...r,
});

const rule = (r: Partial<RuleRequest>): RuleRequest => ({
  family: AF_INET,
  source: null,
  destination: null,
  invert: false,
  iif: null,
  oif: null,
  fwmark: null,
  fwmask: null,
  table: 100,
  priority: 50,
  protocol: 18,
  ...r,
});

const ROUTES: readonly { add: string; del?: string; request: RouteRequest }[] = [
  {
    add: 'route-add-v4',
    del: 'route-del-v4',
    request: route({ destination: ip('198.51.100.0'), prefixLength: 24, gateway: ip('192.0.2.1'), metric: 7, preferredSource: ip('192.0.2.2'), ifindex: IFINDEX, ifname: 'veth0' }),
  },
  { add: 'route-add-link', request: route({ destination: ip('203.0.113.0'), prefixLength: 25, table: 100, ifindex: IFINDEX, ifname: 'veth0', scope: RT_SCOPE_LINK }) },
  { add: 'route-add-default', request: route({ destination: ip('0.0.0.0'), prefixLength: 0, gateway: ip('192.0.2.1'), table: 101, ifindex: IFINDEX, ifname: 'veth0' }) },
  { add: 'route-add-blackhole', del: 'route-del-blackhole', request: route({ destination: ip('203.0.113.0'), prefixLength: 24, type: RTN_BLACKHOLE }) },
  {
    add: 'route-add-v6',
    del: 'route-del-v6',
    request: route({ destination: ip('2001:db8:1::'), prefixLength: 48, gateway: ip('2001:db8::1'), table: 1000, ifindex: IFINDEX, ifname: 'veth0', onlink: true }),
  },
];

describe('RTM_NEWROUTE / RTM_DELROUTE, byte for byte as iproute2 6.1', () => {
  it.each(ROUTES)('$add', ({ add, del, request }) => {
    const a = golden(add);
    expect(Buffer.from(encodeAddRouteRequest(request, { seq: a.seq })).toString('hex')).toBe(a.bytes.toString('hex'));
    if (del !== undefined) {
      const d = golden(del);
      expect(Buffer.from(encodeDeleteRouteRequest(request, { seq: d.seq })).toString('hex')).toBe(d.bytes.toString('hex'));
    }
  });

  it('puts the sender port and sequence number in the header', () => {
    const bytes = Buffer.from(encodeAddRouteRequest(route({ destination: ip('198.51.100.0'), prefixLength: 24, ifindex: 2 }), { seq: 77, pid: 1234 }));
    expect(bytes.readUInt32LE(8)).toBe(77);
    expect(bytes.readUInt32LE(12)).toBe(1234);
  });

  it('describes a route the way ip route prints it', () => {
    expect(describeRouteRequest(route({ destination: ip('198.51.100.0'), prefixLength: 24, gateway: ip('192.0.2.1'), ifname: 'eth0', ifindex: 2, table: 100, metric: 7 }))).toBe(
      '198.51.100.0/24 via 192.0.2.1 dev eth0 table 100 metric 7',
    );
    expect(describeRouteRequest(route({ destination: ip('203.0.113.0'), prefixLength: 24, type: RTN_BLACKHOLE }))).toBe('blackhole 203.0.113.0/24');
  });
});

const RULES: readonly { add: string; del?: string; request: RuleRequest }[] = [
  { add: 'rule-add-v4', del: 'rule-del-v4', request: rule({ source: { address: ip('192.0.2.10'), prefixLength: 32 } }) },
  {
    add: 'rule-add-full',
    request: rule({
      invert: true,
      source: { address: ip('192.0.2.0'), prefixLength: 24 },
      destination: { address: ip('198.51.100.0'), prefixLength: 24 },
      fwmark: 7,
      fwmask: 0xff,
      iif: 'veth0',
      oif: 'veth0',
      table: 1000,
      priority: 51,
    }),
  },
  { add: 'rule-add-fwmark', request: rule({ fwmark: 16, table: 254, priority: 53 }) },
  { add: 'rule-add-v6', request: rule({ family: AF_INET6, source: { address: ip('2001:db8::10'), prefixLength: 128 }, priority: 52 }) },
];

describe('RTM_NEWRULE / RTM_DELRULE, byte for byte as iproute2 6.1', () => {
  it.each(RULES)('$add', ({ add, del, request }) => {
    const a = golden(add);
    expect(Buffer.from(encodeAddRuleRequest(request, { seq: a.seq })).toString('hex')).toBe(a.bytes.toString('hex'));
    if (del !== undefined) {
      const d = golden(del);
      expect(Buffer.from(encodeDeleteRuleRequest(request, { seq: d.seq })).toString('hex')).toBe(d.bytes.toString('hex'));
    }
  });

  it('describes a rule the way ip rule prints it', () => {
    expect(describeRuleRequest(RULES[1]?.request ?? rule({}))).toBe('not from 192.0.2.0/24 to 198.51.100.0/24 fwmark 0x7/0xff iif veth0 oif veth0 lookup 1000 pref 51');
  });
});
