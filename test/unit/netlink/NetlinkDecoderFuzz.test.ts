import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/core/VigilError.js';
import { decodeGenericNetlinkMessage } from '../../../src/netlink/GenericNetlinkMessage.js';
import { parseFamilyReply } from '../../../src/netlink/GenericNetlinkControllerCodec.js';
import { decodeDoneReply, decodeErrorReply } from '../../../src/netlink/NetlinkAcknowledgement.js';
import { decodeNested, type NetlinkAttribute } from '../../../src/netlink/NetlinkAttribute.js';
import { decodeNetlinkMessages } from '../../../src/netlink/NetlinkMessage.js';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import { readKernelExchanges } from '../ipvs/support/Fixtures.js';
import { SeededRandom } from './support/SeededRandom.js';

/** Runs every decoder that could meet `datagram`; anything but a VigilError escaping is a bug. */
function decodeEverything(datagram: Uint8Array): void {
  for (const message of decodeNetlinkMessages(datagram)) {
    const attempts: (() => unknown)[] = [
      () => decodeErrorReply(message),
      () => decodeDoneReply(message),
      () => parseFamilyReply(message),
      () => IpvsCodec.parseServiceReply(message),
      () => IpvsCodec.parseDestReply(message, 2),
      () => IpvsCodec.parseDaemonReply(message),
      () => IpvsCodec.parseInfoReply(message),
      () => IpvsCodec.parseConfigReply(message),
      () => {
        const walk = (attributes: readonly NetlinkAttribute[]): void => {
          for (const attribute of attributes) if (attribute.payload.length >= 4) walk(decodeNested(attribute));
        };
        walk(decodeGenericNetlinkMessage(message).attributes.attributes);
      },
    ];
    for (const attempt of attempts) {
      try {
        attempt();
      } catch (error) {
        if (!(error instanceof VigilError)) throw error;
      }
    }
  }
}

function survives(datagram: Uint8Array): boolean {
  try {
    decodeEverything(datagram);
    return true;
  } catch (error) {
    if (error instanceof VigilError) return true;
    throw error;
  }
}

describe('decoders on hostile input (seeded)', () => {
  const corpus = readKernelExchanges().exchanges.flatMap((e) => e.replies);

  it('only ever throw VigilError on random bytes', () => {
    const random = new SeededRandom(0x5eed_0001);
    for (let i = 0; i < 3000; i++) expect(survives(random.bytes(random.int(0, 200)))).toBe(true);
  });

  it('only ever throw VigilError on mutated real kernel replies (bit flips, truncation, length fields)', () => {
    const random = new SeededRandom(0x5eed_0002);
    for (let i = 0; i < 4000; i++) {
      const original = random.pick(corpus);
      const mutated = original.slice(0, random.chance(0.3) ? random.int(0, original.length) : original.length);
      const flips = random.int(1, 4);
      for (let f = 0; f < flips && mutated.length > 0; f++) {
        const at = random.int(0, mutated.length - 1);
        // Bias towards the length fields of headers and attributes, where loops could go wrong.
        mutated[at] = random.chance(0.5) ? random.int(0, 255) : (mutated[at] ?? 0) ^ (1 << random.int(0, 7));
      }
      expect(survives(mutated)).toBe(true);
    }
  });

  it('every real reply in the corpus decodes without error', () => {
    for (const datagram of corpus) expect(() => decodeNetlinkMessages(datagram)).not.toThrow();
  });
});
