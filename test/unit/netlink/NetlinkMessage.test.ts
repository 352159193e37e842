import { describe, expect, it } from 'vitest';
import { decodeGenericNetlinkMessage, encodeGenericNetlinkMessage } from '../../../src/netlink/GenericNetlinkMessage.js';
import { NetlinkAttributeWriter } from '../../../src/netlink/NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_MULTI, NLM_F_REQUEST } from '../../../src/netlink/NetlinkConstants.js';
import { NetlinkDecodeError } from '../../../src/netlink/NetlinkDecodeError.js';
import { concatMessages, decodeNetlinkMessages, encodeNetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof NetlinkDecodeError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('nlmsghdr encoding', () => {
  it('writes len, type, flags, seq, pid in host order and pads the message to 4 bytes', () => {
    const bytes = encodeNetlinkMessage({ type: 0x20, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0x01020304, pid: 7 }, Uint8Array.from([0xaa]));
    // nlmsg_len counts the unpadded payload (17); the buffer is padded to 20.
    expect(hexOf(bytes)).toBe('11000000' + '2000' + '0500' + '04030201' + '07000000' + 'aa000000');
  });

  it('encodes a generic netlink message: genlmsghdr then attributes', () => {
    const attrs = new NetlinkAttributeWriter().u32(1, 5).toBytes();
    const bytes = encodeGenericNetlinkMessage({ type: 0x20, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, { cmd: 15, version: 1 }, attrs);
    expect(hexOf(bytes)).toBe('1c000000' + '2000' + '0100' + '01000000' + '00000000' + '0f010000' + '08000100' + '05000000');
    const [message] = decodeNetlinkMessages(bytes);
    const genl = decodeGenericNetlinkMessage(message!);
    expect(genl.genl).toEqual({ cmd: 15, version: 1 });
    expect(genl.attributes.get(1)?.offset).toBe(20);
  });
});

describe('decodeNetlinkMessages', () => {
  it('splits a multi-part datagram into its messages, honouring the 4-byte alignment', () => {
    const a = encodeNetlinkMessage({ type: 0x20, flags: NLM_F_MULTI, seq: 9, pid: 1 }, Uint8Array.from([1, 2, 3, 4, 5]));
    const b = encodeNetlinkMessage({ type: 3, flags: NLM_F_MULTI, seq: 9, pid: 1 }, new Uint8Array(4));
    const messages = decodeNetlinkMessages(concatMessages([a, b]));
    expect(messages.map((m) => [m.header.type, m.header.length, m.offset, m.payload.length])).toEqual([
      [0x20, 21, 0, 5],
      [3, 20, 24, 4],
    ]);
  });

  it('accepts a final message without its padding', () => {
    const unpadded = encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, Uint8Array.from([1])).subarray(0, 17);
    expect(decodeNetlinkMessages(unpadded)[0]?.payload).toEqual(Uint8Array.from([1]));
  });

  it('rejects a datagram shorter than a header', () => {
    expect(codeOf(() => decodeNetlinkMessages(new Uint8Array(15)))).toBe('NETLINK_TRUNCATED_HEADER');
  });

  it('rejects trailing bytes too short for another header', () => {
    const message = encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, new Uint8Array(4));
    expect(codeOf(() => decodeNetlinkMessages(concatMessages([message, new Uint8Array(8)])))).toBe('NETLINK_TRUNCATED_HEADER');
  });

  it('rejects nlmsg_len below the header size instead of looping on it', () => {
    const bytes = encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, new Uint8Array(0));
    for (const len of [0, 4, 15]) {
      new DataView(bytes.buffer).setUint32(0, len, true);
      expect(codeOf(() => decodeNetlinkMessages(bytes))).toBe('NETLINK_BAD_MESSAGE_LENGTH');
    }
  });

  it('rejects nlmsg_len past the end of the datagram', () => {
    const bytes = encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, new Uint8Array(8));
    new DataView(bytes.buffer).setUint32(0, 64, true);
    expect(codeOf(() => decodeNetlinkMessages(bytes))).toBe('NETLINK_LENGTH_PAST_BUFFER');
  });

  it('rejects a generic netlink payload shorter than genlmsghdr', () => {
    const [message] = decodeNetlinkMessages(encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, Uint8Array.from([1, 1])));
    expect(codeOf(() => decodeGenericNetlinkMessage(message!))).toBe('NETLINK_TRUNCATED_PAYLOAD');
  });
});
