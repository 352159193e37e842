import { describe, expect, it } from 'vitest';
import { buildGetFamilyRequest, encodeFamilyReply, parseFamilyReply } from '../../../src/netlink/GenericNetlinkControllerCodec.js';
import { decodeNetlinkMessages } from '../../../src/netlink/NetlinkMessage.js';
import { NetlinkDecodeError } from '../../../src/netlink/NetlinkDecodeError.js';
import { hex, kernelExchange, readHexFixture } from '../ipvs/support/Fixtures.js';

describe('CTRL_CMD_GETFAMILY', () => {
  it('matches the golden bytes derived from genetlink.h', () => {
    expect(hex(buildGetFamilyRequest('IPVS', { seq: 1 }))).toBe(hex(readHexFixture('requests/getfamily-ipvs.hex')));
  });

  it('sends the same payload libnl sent for ipvsadm on the VM', () => {
    // strace of ipvsadm 1.31: "\x03\x01\x00\x00\x09\x00\x02\x00\x49\x50\x56\x53\x00\x00\x00\x00"
    expect(hex(buildGetFamilyRequest('IPVS', { seq: 1 }).subarray(16))).toBe('03010000090002004950565300000000');
  });

  it('refuses names that cannot be a family (empty or 16+ characters)', () => {
    expect(() => buildGetFamilyRequest('', { seq: 1 })).toThrow(/1\.\.15 characters/);
    expect(() => buildGetFamilyRequest('x'.repeat(16), { seq: 1 })).toThrow(/1\.\.15 characters/);
  });
});

describe('CTRL_CMD_NEWFAMILY', () => {
  const exchange = kernelExchange('resolve IPVS');
  const reply = decodeNetlinkMessages(exchange.replies[0]!)[0]!;

  it('parses the Linux 6.1 answer for IPVS', () => {
    const family = parseFamilyReply(reply);
    expect(family).toMatchObject({ id: 32, name: 'IPVS', version: 1, headerSize: 0, maxAttribute: 6, multicastGroups: [] });
    expect(family.operations).toHaveLength(16);
    // GET_SERVICE has both "do" and "dump"; GET_DEST and GET_DAEMON are dump-only.
    expect(family.operations.find((op) => op.cmd === 4)?.flags).toBe(0x0f);
    expect(family.operations.find((op) => op.cmd === 8)?.flags).toBe(0x0d);
    expect(family.operations.find((op) => op.cmd === 1)?.flags).toBe(0x0b);
  });

  it('re-encodes to exactly the kernel bytes (ctrl_fill_info attribute order)', () => {
    const family = parseFamilyReply(reply);
    const encoded = encodeFamilyReply(family, { seq: reply.header.seq, portId: reply.header.pid });
    expect(hex(encoded)).toBe(hex(exchange.replies[0]!));
  });

  it('parses multicast groups of families that have them', () => {
    const encoded = encodeFamilyReply(
      { id: 40, name: 'demo', version: 2, headerSize: 0, maxAttribute: 3, operations: [], multicastGroups: [{ name: 'events', id: 9 }] },
      { seq: 1, portId: 2 },
    );
    expect(parseFamilyReply(decodeNetlinkMessages(encoded)[0]!).multicastGroups).toEqual([{ name: 'events', id: 9 }]);
  });

  it('rejects a reply that is not from the controller', () => {
    const other = decodeNetlinkMessages(kernelExchange('GET_INFO').replies[0]!)[0]!;
    expect(() => parseFamilyReply(other)).toThrow(NetlinkDecodeError);
  });
});
