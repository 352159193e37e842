import { splitAtBrace } from '../lexer/BraceSplitter.js';
import { stripComment } from '../lexer/CommentStripper.js';
import type { DiagnosticSink } from '../lexer/DiagnosticSink.js';
import type { LexedLine } from '../lexer/LexedLine.js';
import { PositionedText } from '../lexer/PositionedText.js';
import { splitLineWords } from '../lexer/WordSplitter.js';
import type { ParseLimits } from './ParseLimits.js';

export interface PreprocessContext {
  readonly sink: DiagnosticSink;
  readonly limits: ParseLimits;
}

interface FileFrame {
  readonly file: string;
  readonly lines: readonly string[];
  index: number;
}

/**
 * Produces lexed lines from config files, applying keepalived's line processing in its order
 * (lib/parser.c read_line()): comment removal, then brace splitting.
 */
export class Preprocessor {
  private readonly frames: FileFrame[] = [];
  private residue: PositionedText | null = null;

  constructor(private readonly ctx: PreprocessContext) {}

  pushFile(file: string, lines: readonly string[]): void {
    this.frames.push({ file, lines, index: 0 });
  }

  next(): LexedLine | null {
    for (;;) {
      let line: PositionedText;
      if (this.residue) {
        line = this.residue;
        this.residue = null;
      } else {
        const read = this.readFileLine();
        if (!read) return null;
        line = read;
      }
      if (line.length === 0) continue;
      const { head, residue } = splitAtBrace(line);
      this.residue = residue;
      const first = head.text.charCodeAt(0);
      if (head.length === 1 && first === 0x7b) return { kind: 'open', pos: head.posAt(0) };
      if (head.length === 1 && first === 0x7d) return { kind: 'close', pos: head.posAt(0) };
      const words = splitLineWords(head, this.ctx.sink);
      if (words.length > 0) return { kind: 'words', words };
    }
  }

  private readFileLine(): PositionedText | null {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return null;
      if (frame.index >= frame.lines.length) {
        this.frames.pop();
        continue;
      }
      const n = frame.index++;
      const raw = frame.lines[n]!;
      if (raw.length === 0) continue;
      const line = stripComment(PositionedText.fromSource(raw, frame.file, n + 1));
      if (line.length > 0) return line;
    }
  }
}
