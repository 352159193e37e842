import { isUtf8 } from 'node:buffer';
import type { DiagnosticSink } from './DiagnosticSink.js';

const NEWLINE = 0x0a;

/**
 * Turn config file bytes into text. keepalived reads bytes and never decodes, so real configs
 * carry comments in GBK or Latin-1. A file that is valid UTF-8 is decoded as UTF-8; otherwise
 * each line that is not valid UTF-8 is decoded as Latin-1 (one character per byte, so nothing
 * is lost and keywords stay intact), with one warning per file. A UTF-8 byte order mark is
 * dropped with a warning, since keepalived would glue it to the first keyword.
 */
export function decodeConfigBytes(bytes: Uint8Array, file: string, sink: DiagnosticSink): string {
  let body = bytes;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    sink.warning('byte-order-mark', 'UTF-8 byte order mark ignored (keepalived would read it as part of the first keyword)', {
      file,
      line: 1,
      col: 1,
    });
    body = body.subarray(3);
  }
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');

  const parts: string[] = [];
  let lineNo = 1;
  let warned = false;
  let start = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(NEWLINE, start);
    if (end < 0) end = buf.length;
    const lineBytes = buf.subarray(start, end);
    if (isUtf8(lineBytes)) {
      parts.push(lineBytes.toString('utf8'));
    } else {
      parts.push(lineBytes.toString('latin1'));
      if (!warned) {
        warned = true;
        sink.warning('invalid-utf8', 'file is not valid UTF-8; lines that are not were read as Latin-1', {
          file,
          line: lineNo,
          col: firstInvalidColumn(lineBytes),
        });
      }
    }
    lineNo++;
    start = end + 1;
  }
  return parts.join('\n');
}

/** 1-based column (in decoded characters) of the first byte that breaks UTF-8 on this line. */
function firstInvalidColumn(line: Buffer): number {
  let i = 0;
  scan: while (i < line.length) {
    const c = line[i]!;
    const trail = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (trail < 0) break;
    for (let k = 1; k <= trail; k++) {
      if (i + k >= line.length || (line[i + k]! & 0xc0) !== 0x80) break scan;
    }
    i += trail + 1;
  }
  return line.subarray(0, i).toString('utf8').length + 1;
}
