import { describe, expect, it } from 'vitest';
import { decodeDoneReply, decodeErrorReply, encodeDoneReply, encodeErrorReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { NetlinkAttributeWriter } from '../../../src/netlink/NetlinkAttributeWriter.js';
import {
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSG_ERROR,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_MULTI,
} from '../../../src/netlink/NetlinkConstants.js';
import { NetlinkDecodeError } from '../../../src/netlink/NetlinkDecodeError.js';
import { decodeNetlinkMessages, encodeNetlinkMessage } from '../../../src/netlink/NetlinkMessage.js';
import { kernelExchange } from '../ipvs/support/Fixtures.js';

const one = (bytes: Uint8Array) => {
  const [message] = decodeNetlinkMessages(bytes);
  if (message === undefined) throw new Error('no message');
  return message;
};

describe('NLMSG_ERROR from a real Linux 6.1 kernel', () => {
  it('decodes a success ACK: errno 0, NLM_F_CAPPED, only the request header echoed', () => {
    const exchange = kernelExchange('FLUSH');
    const ack = one(exchange.replies[0]!);
    expect(ack.header.type).toBe(NLMSG_ERROR);
    expect(ack.header.flags).toBe(NLM_F_CAPPED);
    const reply = decodeErrorReply(ack);
    expect(reply.errno).toBe(0);
    expect(reply.requestPayload).toBeUndefined();
    expect(reply.request.seq).toBe(one(exchange.request).header.seq);
  });

  it('decodes a failure: positive errno and the whole request echoed', () => {
    const exchange = kernelExchange('NEW_SERVICE duplicate');
    const reply = decodeErrorReply(one(exchange.replies[0]!));
    expect(reply.errno).toBe(17); // EEXIST
    expect(reply.request.length).toBe(exchange.request.length);
    expect(reply.requestPayload).toEqual(exchange.request.subarray(16));
  });

  it('decodes the NLMSG_DONE that ends a dump', () => {
    const exchange = kernelExchange('GET_DEST dump missing service');
    const done = one(exchange.replies[0]!);
    expect(done.header.flags).toBe(NLM_F_MULTI);
    expect(decodeDoneReply(done)).toEqual({ errno: 0 });
  });
});

describe('extended ACK TLVs', () => {
  it('decodes message, offset and missing-type TLVs after a capped echo', () => {
    const tlvs = new NetlinkAttributeWriter()
      .string(NLMSGERR_ATTR_MSG, 'missing attribute')
      .u32(NLMSGERR_ATTR_OFFS, 36)
      .u32(NLMSGERR_ATTR_MISS_TYPE, 6)
      .toBytes();
    const payload = new Uint8Array(4 + 16 + tlvs.length);
    const view = new DataView(payload.buffer);
    view.setInt32(0, -22, true);
    view.setUint32(4, 104, true); // the request was 104 bytes long, only its header is echoed
    view.setUint16(8, 0x20, true);
    payload.set(tlvs, 20);
    const message = one(encodeNetlinkMessage({ type: NLMSG_ERROR, flags: NLM_F_CAPPED | NLM_F_ACK_TLVS, seq: 5, pid: 0 }, payload));
    expect(decodeErrorReply(message)).toMatchObject({
      errno: 22,
      request: { length: 104, type: 0x20 },
      extendedAck: { message: 'missing attribute', offset: 36, missingType: 6 },
    });
  });

  it('round-trips through the encoder used by fakes, including an uncapped echo', () => {
    const request = one(encodeNetlinkMessage({ type: 0x20, flags: 5, seq: 77, pid: 0 }, Uint8Array.from([1, 1, 0, 0, 9, 9])));
    const bytes = encodeErrorReply(request, 2, { portId: 99, extendedAck: { message: 'no such scheduler' } });
    const reply = one(bytes);
    expect(reply.header).toMatchObject({ seq: 77, pid: 99, flags: NLM_F_ACK_TLVS });
    const decoded = decodeErrorReply(reply);
    expect(decoded.errno).toBe(2);
    expect(decoded.requestPayload).toEqual(Uint8Array.from([1, 1, 0, 0, 9, 9]));
    expect(decoded.extendedAck?.message).toBe('no such scheduler');
  });

  it('encodes NLMSG_DONE with a failure errno', () => {
    expect(decodeDoneReply(one(encodeDoneReply(3, 4, 22)))).toEqual({ errno: 22 });
  });
});

describe('malformed acknowledgements', () => {
  it('rejects an NLMSG_ERROR too short for struct nlmsgerr', () => {
    const message = one(encodeNetlinkMessage({ type: NLMSG_ERROR, flags: 0, seq: 1, pid: 0 }, new Uint8Array(12)));
    expect(() => decodeErrorReply(message)).toThrow(NetlinkDecodeError);
  });

  it('treats an empty NLMSG_DONE as success', () => {
    expect(decodeDoneReply(one(encodeNetlinkMessage({ type: 3, flags: NLM_F_MULTI, seq: 1, pid: 0 }, new Uint8Array(0))))).toEqual({ errno: 0 });
  });

  it('refuses to decode other message types as acknowledgements', () => {
    const message = one(encodeNetlinkMessage({ type: 0x20, flags: 0, seq: 1, pid: 0 }, new Uint8Array(20)));
    expect(() => decodeErrorReply(message)).toThrow(/not NLMSG_ERROR/);
    expect(() => decodeDoneReply(message)).toThrow(/not NLMSG_DONE/);
  });
});
