import { describe, expect, it } from 'vitest';
import {
  MAX_ATTRIBUTE_DEPTH,
  NetlinkAttributeTable,
  decodeAttributes,
  decodeNested,
  readBe16,
  readBe32,
  readBytes,
  readS32,
  readString,
  readU16,
  readU32,
  readU64,
  readU8,
} from '../../../src/netlink/NetlinkAttribute.js';
import { NetlinkAttributeWriter } from '../../../src/netlink/NetlinkAttributeWriter.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER } from '../../../src/netlink/NetlinkConstants.js';
import { NetlinkDecodeError } from '../../../src/netlink/NetlinkDecodeError.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function decodeError(fn: () => unknown): NetlinkDecodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NetlinkDecodeError) return error;
    throw new Error(`expected a NetlinkDecodeError, got ${String(error)}`);
  }
  throw new Error('expected a NetlinkDecodeError, nothing was thrown');
}

describe('NetlinkAttributeWriter', () => {
  it('pads every attribute to 4 bytes with zeros (NLA_ALIGN)', () => {
    const out = new NetlinkAttributeWriter().u8(1, 0xab).u16(2, 0x1234).string(3, 'rr').toBytes();
    expect(hexOf(out)).toBe(['05000100' + 'ab000000', '06000200' + '34120000', '07000300' + '72720000'].join(''));
  });

  it('writes __be16 / __be32 in network order without NLA_F_NET_BYTEORDER', () => {
    const out = new NetlinkAttributeWriter().be16(4, 80).be32(9, 0xffffff00).toBytes();
    expect(hexOf(out)).toBe('06000400' + '00500000' + '08000900' + 'ffffff00');
  });

  it('writes u32 / u64 in host (little-endian) order', () => {
    const out = new NetlinkAttributeWriter().u32(1, 0x01020304).u64(2, 0x0102030405060708n).toBytes();
    expect(hexOf(out)).toBe('08000100' + '04030201' + '0c000200' + '0807060504030201');
  });

  it('sets NLA_F_NESTED on nests by default and patches the nest length', () => {
    const out = new NetlinkAttributeWriter().nest(1, (w) => w.u32(1, 7).u16(2, 3)).toBytes();
    expect(hexOf(out)).toBe('14000180' + '08000100' + '07000000' + '06000200' + '03000000');
  });

  it('can leave NLA_F_NESTED off, as the kernel does in IPVS replies', () => {
    const out = new NetlinkAttributeWriter().nest(2, (w) => w.u8(1, 1), { flagNested: false }).toBytes();
    expect(hexOf(out.subarray(0, 4))).toBe('0c000200');
  });

  it('refuses an attribute longer than a u16 length can describe', () => {
    expect(() => new NetlinkAttributeWriter().bytes(1, new Uint8Array(70000))).toThrow(/nla_len is a u16/);
  });
});

describe('decodeAttributes', () => {
  it('round-trips what the writer produced, with types, flags and offsets', () => {
    const encoded = new NetlinkAttributeWriter()
      .u16(1, 2)
      .string(6, 'wrr')
      .nest(10, (w) => w.u64(4, 99n))
      .toBytes();
    const attrs = decodeAttributes(encoded, 20);
    expect(attrs.map((a) => [a.type, a.nested, a.offset])).toEqual([
      [1, false, 20],
      [6, false, 28],
      [10, true, 36],
    ]);
    expect(readU16(attrs[0]!)).toBe(2);
    expect(readString(attrs[1]!)).toBe('wrr');
    const inner = decodeNested(attrs[2]!);
    expect(inner[0]?.offset).toBe(40);
    expect(inner[0]?.depth).toBe(1);
    expect(readU64(inner[0]!)).toBe(99n);
  });

  it('accepts a last attribute without its trailing padding, as nla_for_each_attr does', () => {
    const attrs = decodeAttributes(bytes('05000100 ab'));
    expect(attrs).toHaveLength(1);
    expect(readU8(attrs[0]!)).toBe(0xab);
  });

  it('strips NLA_F_NESTED and NLA_F_NET_BYTEORDER from the type and reports them', () => {
    // type 0x8003 (NLA_F_NESTED | 3), then type 0x4004 (NLA_F_NET_BYTEORDER | 4).
    const [nested, netOrder] = decodeAttributes(bytes('04000380 06000440 00500000'));
    expect(nested?.type).toBe(3);
    expect(nested?.nested).toBe(true);
    expect(netOrder?.type).toBe(4);
    expect(netOrder?.netByteOrder).toBe(true);
    // A u16 flagged NLA_F_NET_BYTEORDER is read big-endian.
    expect(readU16(netOrder!)).toBe(80);
    expect(NLA_F_NET_BYTEORDER).toBe(0x4000);
  });

  it('returns nothing for an empty buffer', () => {
    expect(decodeAttributes(new Uint8Array(0))).toEqual([]);
  });

  it('rejects an attribute length below the 4-byte header', () => {
    for (const len of ['0000', '0100', '0300']) {
      const error = decodeError(() => decodeAttributes(bytes(`${len}0100 00000000`)));
      expect(error.code).toBe('NETLINK_BAD_ATTRIBUTE_LENGTH');
    }
  });

  it('rejects a length past the end of the buffer', () => {
    const error = decodeError(() => decodeAttributes(bytes('08000100 0102')));
    expect(error.code).toBe('NETLINK_LENGTH_PAST_BUFFER');
    expect(error.details).toMatchObject({ offset: 0, type: 1 });
  });

  it('rejects 1..3 stray bytes where a header should start', () => {
    for (const tail of ['00', '0000', '000000']) {
      expect(decodeError(() => decodeAttributes(bytes(`08000100 01000000 ${tail}`))).code).toBe('NETLINK_TRUNCATED_ATTRIBUTE');
    }
  });

  it('reports an inner attribute running past its nest as NETLINK_NESTED_OVERFLOW', () => {
    // Nest of 12 bytes whose inner attribute claims 12 bytes (only 8 are inside the nest).
    const [nest] = decodeAttributes(bytes('0c000180 0c000100 01000000 08000200 02000000'));
    expect(nest?.payload.length).toBe(8);
    expect(decodeError(() => decodeNested(nest!)).code).toBe('NETLINK_NESTED_OVERFLOW');
  });

  it('bounds recursion on deeply nested input', () => {
    let inner = new NetlinkAttributeWriter().u8(1, 1).toBytes();
    for (let depth = 0; depth <= MAX_ATTRIBUTE_DEPTH + 1; depth++) inner = new NetlinkAttributeWriter().bytes(1 | NLA_F_NESTED, inner).toBytes();
    let attrs = decodeAttributes(inner);
    const walk = (): void => {
      for (;;) {
        const first = attrs[0];
        if (first === undefined) return;
        attrs = decodeNested(first);
      }
    };
    expect(decodeError(walk).code).toBe('NETLINK_NESTING_TOO_DEEP');
  });
});

describe('attribute readers', () => {
  const [u32] = decodeAttributes(bytes('08000100 feffffff'));

  it('read integers in host order and __be fields in network order', () => {
    expect(readU32(u32!)).toBe(0xfffffffe);
    expect(readS32(u32!)).toBe(-2);
    expect(readBe32(u32!)).toBe(0xfeffffff);
    expect(readBe16(u32!)).toBe(0xfeff);
    expect(readBytes(u32!, 2)).toEqual(Uint8Array.from([0xfe, 0xff]));
  });

  it('reject a payload shorter than the type with NETLINK_ATTRIBUTE_SIZE', () => {
    const [short] = decodeAttributes(bytes('06000100 0100'));
    expect(decodeError(() => readU32(short!)).code).toBe('NETLINK_ATTRIBUTE_SIZE');
    expect(decodeError(() => readU64(short!)).code).toBe('NETLINK_ATTRIBUTE_SIZE');
    expect(readU16(short!)).toBe(1);
  });

  it('read strings up to the first NUL, or the whole payload without one', () => {
    const [withNul, without] = decodeAttributes(bytes('0a000100 6c6f00787800 0000 07000200 6c6f6f00'));
    expect(readString(withNul!)).toBe('lo');
    expect(readString(without!)).toBe('loo');
  });
});

describe('NetlinkAttributeTable', () => {
  it('indexes by type and lets a later duplicate win, like nla_parse()', () => {
    const table = NetlinkAttributeTable.decode(bytes('08000100 01000000 08000100 02000000'));
    expect(readU32(table.get(1)!)).toBe(2);
    expect(table.has(2)).toBe(false);
  });

  it('names the missing attribute in NETLINK_MISSING_ATTRIBUTE', () => {
    const table = NetlinkAttributeTable.decode(new Uint8Array(0));
    const error = decodeError(() => table.require(6, 'IPVS_SVC_ATTR_SCHED_NAME'));
    expect(error.code).toBe('NETLINK_MISSING_ATTRIBUTE');
    expect(error.message).toContain('IPVS_SVC_ATTR_SCHED_NAME');
  });
});
