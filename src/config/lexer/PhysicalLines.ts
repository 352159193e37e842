import { KEEPALIVED_MAX_LINE_BYTES } from '../preprocess/ParseLimits.js';
import type { DiagnosticSink } from './DiagnosticSink.js';

/** C0 control characters other than the white space keepalived accepts (\t \n \v \f \r), and DEL. */
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f]/;

/**
 * Split decoded file text into physical lines as keepalived's fgets() loop sees them: lines end
 * at `\n`, trailing `\r`s are dropped, and a NUL ends the line early (keepalived uses strlen()).
 * Control characters are reported once per file as `binary-content`; lines longer than
 * keepalived's 1023-byte buffer are reported, and lines beyond `maxLineChars` are truncated.
 */
export function splitPhysicalLines(text: string, file: string, sink: DiagnosticSink, maxLineChars: number): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const checkControl = CONTROL.test(text);
  let reportedControl = false;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
    if (end !== line.length) line = line.slice(0, end);

    if (checkControl) {
      const bad = line.search(CONTROL);
      if (bad >= 0) {
        if (!reportedControl) {
          reportedControl = true;
          const code = line.charCodeAt(bad);
          sink.error('binary-content', `control character 0x${code.toString(16).padStart(2, '0')} in config text (is this a binary file?)`, {
            file,
            line: n + 1,
            col: bad + 1,
          });
        }
        const nul = line.indexOf('\0');
        if (nul >= 0) line = line.slice(0, nul);
      }
    }

    if (line.length > maxLineChars) {
      sink.error('line-too-long', `line is ${line.length} characters; only the first ${maxLineChars} are read`, {
        file,
        line: n + 1,
        col: maxLineChars + 1,
      });
      line = line.slice(0, maxLineChars);
    } else if (line.length > KEEPALIVED_MAX_LINE_BYTES / 3 && Buffer.byteLength(line) > KEEPALIVED_MAX_LINE_BYTES) {
      sink.warning(
        'line-too-long',
        `line is ${Buffer.byteLength(line)} bytes; keepalived reads lines in ${KEEPALIVED_MAX_LINE_BYTES}-byte pieces and would split it`,
        { file, line: n + 1, col: charIndexAtByte(line, KEEPALIVED_MAX_LINE_BYTES) + 1 },
      );
    }
    lines[n] = line;
  }
  return lines;
}

/** Index of the character containing UTF-8 byte `byteOffset` of `line`. */
function charIndexAtByte(line: string, byteOffset: number): number {
  let bytes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
    if (bytes > byteOffset) return i;
  }
  return line.length;
}
