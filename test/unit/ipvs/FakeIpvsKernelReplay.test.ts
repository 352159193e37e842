import { describe, expect, it } from 'vitest';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { decodeNetlinkMessages } from '../../../src/netlink/NetlinkMessage.js';
import { hex, readKernelExchanges } from './support/Fixtures.js';

/**
 * Replays every request the VM probe sent to a real Linux 6.1 kernel
 * (test/fixtures/ipvs/kernel-6.1-probe-output.json) into a fresh FakeIpvsKernel,
 * in order, and compares the answers byte for byte: ACKs, errnos, echoes, dump
 * parts, NLMSG_DONE, the nlctrl family description.
 *
 * The one allowed difference is the order of services inside a service dump:
 * the kernel walks its hash buckets, the fake its insertion order.
 */
describe('FakeIpvsKernel answers like Linux 6.1', () => {
  const { kernel, exchanges } = readKernelExchanges();
  const portId = decodeNetlinkMessages(exchanges[0]!.replies[0]!)[0]!.header.pid;
  const fake = new FakeIpvsKernel({ familyId: 32 });
  const results = exchanges.map((exchange) => ({ exchange, replies: fake.handle(exchange.request, portId) }));

  it(`replays all ${exchanges.length} exchanges recorded on ${kernel}`, () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(70);
  });

  it.each(results.map((r, index) => [`${index} ${r.exchange.label}`, r] as const))('%s', (_, { exchange, replies }) => {
    expect(replies.length).toBe(exchange.replies.length);
    const isServiceDump = decodeNetlinkMessages(exchange.request)[0]!.header.flags === 0x305 && exchange.request[16] === 4;
    exchange.replies.forEach((expected, i) => {
      const actual = replies[i]!;
      if (isServiceDump) {
        const sorted = (d: Uint8Array): string[] => decodeNetlinkMessages(d).map((m) => hex(d.subarray(m.offset, m.offset + m.header.length))).sort();
        expect(sorted(actual)).toEqual(sorted(expected));
      } else {
        expect(hex(actual)).toBe(hex(expected));
      }
    });
  });
});
