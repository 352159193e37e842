import { describe, expect, it } from 'vitest';
import { decodeNetlinkMessages } from '../../../../src/netlink/NetlinkMessage.js';
import type { PipelinedOutcome, PipelinedRequest } from '../../../../src/netlink/rtnl/RequestPipeline.js';
import { parseInetAddress, type InetAddress } from '../../../../src/netlink/rtnl/InetAddress.js';
import { RTM_DELROUTE, RTM_DELRULE, RTM_NEWROUTE, RTM_NEWRULE, RTN_UNICAST } from '../../../../src/netlink/rtnl/RouteConstants.js';
import { RoutingInstaller, type RouteEntry } from '../../../../src/netlink/rtnl/RoutingInstaller.js';
import { decodeRoutingMessage } from '../../../../src/netlink/rtnl/RoutingMessageCodec.js';
import type { RuleRequest } from '../../../../src/netlink/rtnl/RuleRequest.js';
import { AF_INET, AF_INET6 } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { LINUX_ERRNO } from '../../../../src/netlink/LinuxErrno.js';

const ip = (text: string): InetAddress => {
  const parsed = parseInetAddress(text);
  if (parsed === null) throw new Error(text);
  return parsed;
};

/** A client whose kernel answers each request with the next errno of `answers` (0 when they run out). */
function fakeClient(answers: number[] = []) {
  const sent: Uint8Array[] = [];
  let seq = 100;
  return {
    sent,
    execute<T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> {
      return Promise.resolve(
        requests.map((r) => {
          sent.push(r.encode(seq++));
          return { tag: r.tag, errno: answers.shift() ?? 0, retransmitted: false };
        }),
      );
    },
  };
}

const interfaces = { indexOf: (name: string) => (name === 'eth0' ? 2 : undefined), nameOf: (i: number) => (i === 2 ? 'eth0' : undefined) };

const route = (extra: Partial<RouteEntry> = {}): RouteEntry => ({
  family: AF_INET,
  type: RTN_UNICAST,
  destination: ip('198.51.100.0'),
  prefixLength: 24,
  gateway: ip('192.0.2.254'),
  preferredSource: null,
  ifname: 'eth0',
  table: 254,
  protocol: 18,
  scope: 0,
  metric: null,
  onlink: false,
  ...extra,
});

const rule: RuleRequest = {
  family: AF_INET6,
  source: { address: ip('2001:db8::10'), prefixLength: 128 },
  destination: null,
  invert: false,
  iif: null,
  oif: null,
  fwmark: null,
  fwmask: null,
  table: 1000,
  priority: 100,
  protocol: 18,
};

describe('RoutingInstaller', () => {
  it('sends one RTM_NEWROUTE per route with the interface resolved to its index', async () => {
    const client = fakeClient();
    const outcomes = await new RoutingInstaller(client, interfaces).addRoutes([route(), route({ destination: ip('203.0.113.0'), ifname: null })]);
    expect(outcomes.map((o) => o.status)).toEqual(['added', 'added']);
    const decoded = client.sent.map((bytes) => {
      const [message] = decodeNetlinkMessages(bytes);
      if (!message) throw new Error('nothing sent');
      return { type: message.header.type, body: decodeRoutingMessage(message) };
    });
    expect(decoded.map((d) => d.type)).toEqual([RTM_NEWROUTE, RTM_NEWROUTE]);
    expect(decoded[0]?.body).toMatchObject({ kind: 'route', route: { destination: '198.51.100.0', prefixLength: 24, ifindex: 2, gateway: '192.0.2.254', protocol: 18, table: 254 } });
    expect(decoded[1]?.body).toMatchObject({ kind: 'route', route: { destination: '203.0.113.0', ifindex: null } });
  });

  it('adopts what is there (EEXIST) and treats what is gone as removed (ESRCH, ENOENT, ENODEV)', async () => {
    const client = fakeClient([LINUX_ERRNO.EEXIST, LINUX_ERRNO.ESRCH, LINUX_ERRNO.ENODEV, LINUX_ERRNO.ENOENT]);
    const installer = new RoutingInstaller(client, interfaces);
    expect((await installer.addRoutes([route()])).map((o) => o.status)).toEqual(['already-present']);
    expect((await installer.removeRoutes([route(), route()])).map((o) => o.status)).toEqual(['already-absent', 'already-absent']);
    expect((await installer.removeRules([rule])).map((o) => o.status)).toEqual(['already-absent']);
    expect(client.sent.map((b) => decodeNetlinkMessages(b)[0]?.header.type)).toEqual([RTM_NEWROUTE, RTM_DELROUTE, RTM_DELROUTE, RTM_DELRULE]);
  });

  it('names the route or rule in every failure, with a stable code and the errno', async () => {
    const client = fakeClient([LINUX_ERRNO.ENOSPC, LINUX_ERRNO.EINVAL, LINUX_ERRNO.EPERM]);
    const installer = new RoutingInstaller(client, interfaces);
    const [add] = await installer.addRoutes([route()]);
    const [addRule] = await installer.addRules([rule]);
    const [delRule] = await installer.removeRules([rule]);
    expect(add).toMatchObject({ status: 'failed', error: { code: 'RTNL_ROUTE_ADD_FAILED' } });
    expect(add?.status === 'failed' && add.error.message).toContain('198.51.100.0/24 via 192.0.2.254 dev eth0');
    expect(addRule).toMatchObject({ status: 'failed', error: { code: 'RTNL_RULE_ADD_FAILED', details: { errnoName: 'EINVAL' } } });
    expect(delRule).toMatchObject({ status: 'failed', error: { code: 'RTNL_RULE_DELETE_FAILED', details: { errnoName: 'EPERM' } } });
    expect(client.sent.map((b) => decodeNetlinkMessages(b)[0]?.header.type)).toEqual([RTM_NEWROUTE, RTM_NEWRULE, RTM_DELRULE]);
  });

  it('fails a route on a missing interface without asking the kernel; deleting it there is a no-op', async () => {
    const client = fakeClient();
    const installer = new RoutingInstaller(client, interfaces);
    const [add] = await installer.addRoutes([route({ ifname: 'eth9' })]);
    const [del] = await installer.removeRoutes([route({ ifname: 'eth9' })]);
    expect(add).toMatchObject({ status: 'failed', error: { code: 'RTNL_ROUTE_ADD_FAILED' } });
    expect(del?.status).toBe('already-absent');
    expect(client.sent).toHaveLength(0);
  });
});

describe('decodeRoutingMessage', () => {
  it('reads back a rule as the kernel reports it (table above 255 from FRA_TABLE)', async () => {
    const client = fakeClient();
    await new RoutingInstaller(client, interfaces).addRules([rule]);
    const [message] = decodeNetlinkMessages(client.sent[0] ?? new Uint8Array());
    if (!message) throw new Error('nothing sent');
    expect(decodeRoutingMessage(message)).toEqual({
      kind: 'rule',
      deleted: false,
      rule: { family: AF_INET6, priority: 100, table: 1000, protocol: 18, source: '2001:db8::10', sourceLength: 128, destination: null, destinationLength: 0 },
    });
  });

  it('refuses a truncated header', () => {
    const bytes = new Uint8Array(16 + 4);
    new DataView(bytes.buffer).setUint32(0, bytes.length, true);
    new DataView(bytes.buffer).setUint16(4, RTM_DELROUTE, true);
    const [message] = decodeNetlinkMessages(bytes);
    if (!message) throw new Error('no message');
    expect(() => decodeRoutingMessage(message)).toThrow(/struct rtmsg/);
  });
});
