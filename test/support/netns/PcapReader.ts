import { readFile } from 'node:fs/promises';
import { VigilError } from '../../../src/core/VigilError.js';

/** One captured frame. */
export interface PcapFrame {
  /** Capture time in nanoseconds since the Unix epoch (microsecond files are scaled up). */
  timestampNs: bigint;
  /** The captured bytes (at most the snapshot length). */
  data: Buffer;
  /** Length of the frame on the wire, which may exceed `data.length`. */
  originalLength: number;
}

export interface PcapFile {
  /** LINKTYPE_* of the capture; 1 is Ethernet. */
  linkType: number;
  frames: PcapFrame[];
}

/** LINKTYPE_ETHERNET (tcpdump.org link-layer header types). */
export const LINKTYPE_ETHERNET = 1;

// Classic libpcap file format (draft-ietf-opsawg-pcap, sections 4 and 5): a 24-byte file
// header whose magic gives byte order and timestamp resolution, then 16-byte record
// headers (seconds, sub-second fraction, captured length, original length) and data.
const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/**
 * Parses a classic pcap capture (what `tcpdump -w` writes). A record cut short at the end
 * — the writer was killed mid-write — is dropped; any other inconsistency is a
 * `PCAP_MALFORMED` error.
 */
export function parsePcap(buf: Buffer): PcapFile {
  if (buf.length < FILE_HEADER_LEN) throw malformed(`file is ${buf.length} bytes, shorter than the pcap header`);
  let le: boolean;
  let nanos: boolean;
  const magicLe = buf.readUInt32LE(0);
  const magicBe = buf.readUInt32BE(0);
  if (magicLe === MAGIC_MICROSECONDS || magicLe === MAGIC_NANOSECONDS) {
    le = true;
    nanos = magicLe === MAGIC_NANOSECONDS;
  } else if (magicBe === MAGIC_MICROSECONDS || magicBe === MAGIC_NANOSECONDS) {
    le = false;
    nanos = magicBe === MAGIC_NANOSECONDS;
  } else {
    throw malformed(`unknown magic 0x${magicBe.toString(16)} (pcapng is not supported)`);
  }
  const u32 = (off: number): number => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  // The link type is the low 16 bits of the last header word; the upper bits carry FCS info.
  const linkType = u32(20) & 0xffff;
  const snapLen = u32(16);
  const frames: PcapFrame[] = [];
  let off = FILE_HEADER_LEN;
  while (off + RECORD_HEADER_LEN <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const capLen = u32(off + 8);
    const origLen = u32(off + 12);
    if (frac >= (nanos ? 1e9 : 1e6)) throw malformed(`record at byte ${off}: sub-second field ${frac} out of range`);
    if (snapLen > 0 && capLen > Math.max(snapLen, 262_144)) throw malformed(`record at byte ${off}: length ${capLen} exceeds snaplen ${snapLen}`);
    const start = off + RECORD_HEADER_LEN;
    if (start + capLen > buf.length) break; // truncated tail
    frames.push({
      timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nanos ? 1n : 1_000n),
      data: Buffer.from(buf.subarray(start, start + capLen)),
      originalLength: origLen,
    });
    off = start + capLen;
  }
  return { linkType, frames };
}

export async function readPcapFile(path: string): Promise<PcapFile> {
  return parsePcap(await readFile(path));
}

function malformed(why: string): VigilError {
  return new VigilError('PCAP_MALFORMED', `not a readable pcap file: ${why}`);
}
