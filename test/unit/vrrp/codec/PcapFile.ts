/**
 * Reads the records of a classic libpcap file (the tcpdump -w format: 24-byte global
 * header, then a 16-byte header before each packet). Microsecond or nanosecond magic,
 * either byte order.
 */
export function readPcapRecords(file: Buffer): Buffer[] {
  const magic = file.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error('not a pcap file');
  }
  const records: Buffer[] = [];
  for (let off = 24; off + 16 <= file.length; ) {
    const captured = littleEndian ? file.readUInt32LE(off + 8) : file.readUInt32BE(off + 8);
    records.push(file.subarray(off + 16, off + 16 + captured));
    off += 16 + captured;
  }
  return records;
}
