import type { SourcePos } from '../SourcePos.js';

/**
 * Where a run of characters came from. Source text `advances` (each character is one column
 * further right); text produced by a macro or generator does not (every character points at
 * the reference that produced it).
 */
export interface PosSegment {
  /** Offset in the owning text where this run starts. */
  readonly offset: number;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly advances: boolean;
}

/**
 * An immutable string that remembers, for every character, the source position it came from.
 * Preprocessing (comment removal, `@ID` stripping, macro substitution) edits lines; this keeps
 * word positions exact through those edits without a per-character position array: a plain
 * source line is a single segment.
 */
export class PositionedText {
  private constructor(
    readonly text: string,
    private readonly segments: readonly PosSegment[],
  ) {}

  /** Text read from `file` starting at `line`:`col`. */
  static fromSource(text: string, file: string, line: number, col = 1): PositionedText {
    return new PositionedText(text, [{ offset: 0, file, line, col, advances: true }]);
  }

  /** Generated text (macro value, sequence number) whose characters all point at `pos`. */
  static fromExpansion(text: string, pos: SourcePos): PositionedText {
    return new PositionedText(text, [{ offset: 0, file: pos.file, line: pos.line, col: pos.col, advances: false }]);
  }

  get length(): number {
    return this.text.length;
  }

  /** Source position of the character at `offset` (offsets past the end extrapolate). */
  posAt(offset: number): SourcePos {
    const seg = this.segmentAt(offset);
    return { file: seg.file, line: seg.line, col: seg.advances ? seg.col + (offset - seg.offset) : seg.col };
  }

  slice(start: number, end: number = this.text.length): PositionedText {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    if (s === 0 && e === this.text.length) return this;
    const segs: PosSegment[] = [];
    const first = this.segmentIndexAt(s);
    for (let i = first; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      if (i > first && seg.offset >= e) break;
      if (seg.offset <= s) {
        segs.push({ ...seg, offset: 0, col: seg.advances ? seg.col + (s - seg.offset) : seg.col });
      } else {
        segs.push({ ...seg, offset: seg.offset - s });
      }
    }
    return new PositionedText(this.text.slice(s, e), segs);
  }

  concat(other: PositionedText): PositionedText {
    if (other.text.length === 0) return this;
    if (this.text.length === 0) return other;
    const shift = this.text.length;
    const segs = this.segments.slice();
    for (const seg of other.segments) segs.push({ ...seg, offset: seg.offset + shift });
    return new PositionedText(this.text + other.text, segs);
  }

  /** Replace `[start, end)` with `insert`. */
  splice(start: number, end: number, insert: PositionedText): PositionedText {
    return this.slice(0, start).concat(insert).concat(this.slice(end));
  }

  private segmentIndexAt(offset: number): number {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentAt(offset: number): PosSegment {
    return this.segments[this.segmentIndexAt(offset)]!;
  }
}
