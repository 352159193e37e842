import { KEEPALIVED_MAX_LINE_BYTES } from '../preprocess/ParseLimits.js';
import type { DiagnosticSink } from './DiagnosticSink.js';

/** C0 control characters other than the white space keepalived accepts (\t \n \v \f \r), and DEL. */
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f]/;

/** A file's lines: as written (for quoting in diagnostics) and as the parser reads them. */
export interface PhysicalLines {
  readonly display: readonly string[];
  readonly read: readonly string[];
}

/**
 * Split decoded file text into physical lines as keepalived's fgets() loop sees them: lines end
 * at `\n`, trailing `\r`s are dropped, and a NUL ends the line early (keepalived uses strlen()).
 * Control characters are reported once per file as `binary-content`; lines longer than
 * keepalived's 1023-byte buffer are reported, and lines beyond `maxLineChars` are truncated.
 * Only the `read` lines are cut short; `display` keeps them whole so positions stay inside.
 */
export function splitPhysicalLines(text: string, file: string, sink: DiagnosticSink, maxLineChars: number): PhysicalLines {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let read: string[] | null = null; // becomes a separate array once some line is cut short
  const checkControl = CONTROL.test(text);
  let reportedControl = false;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
    if (end !== line.length) line = line.slice(0, end);
    lines[n] = line;
    let readLine = line;

    if (checkControl) {
      const bad = line.search(CONTROL);
      if (bad >= 0 && !reportedControl) {
        reportedControl = true;
        const code = line.charCodeAt(bad);
        sink.error('binary-content', `control character 0x${code.toString(16).padStart(2, '0')} in config text (is this a binary file?)`, {
          file,
          line: n + 1,
          col: bad + 1,
        });
      }
      const nul = bad >= 0 ? line.indexOf('\0') : -1;
      if (nul >= 0) readLine = line.slice(0, nul);
    }

    if (readLine.length > maxLineChars) {
      sink.error('line-too-long', `line is ${line.length} characters; only the first ${maxLineChars} are read`, {
        file,
        line: n + 1,
        col: maxLineChars + 1,
      });
      readLine = readLine.slice(0, maxLineChars);
    } else if (readLine.length > KEEPALIVED_MAX_LINE_BYTES / 3 && Buffer.byteLength(readLine) > KEEPALIVED_MAX_LINE_BYTES) {
      sink.warning(
        'line-too-long',
        `line is ${Buffer.byteLength(readLine)} bytes; keepalived reads lines in ${KEEPALIVED_MAX_LINE_BYTES}-byte pieces and would split it`,
        { file, line: n + 1, col: charIndexAtByte(readLine, KEEPALIVED_MAX_LINE_BYTES) + 1 },
      );
    }
    if (readLine !== line && read === null) read = lines.slice(0, n);
    if (read !== null) read.push(readLine);
  }
  return { display: lines, read: read ?? lines };
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
