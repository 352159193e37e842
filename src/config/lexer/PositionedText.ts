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
 * word positions exact through those edits without a per-character position array. Almost
 * every line is a single run of source text, which is stored without any segment array so
 * that 400k-line configs do not churn the garbage collector.
 */
export class PositionedText {
  /**
   * The first run (starting at offset 0) is stored in plain fields and further runs, if any, in
   * `tail`: a typical line is one object, not three.
   */
  private constructor(
    readonly text: string,
    private readonly file: string,
    private readonly line: number,
    private readonly col: number,
    private readonly advances: boolean,
    private readonly tail: readonly PosSegment[] | null,
  ) {}

  /** Text read from `file` starting at `line`:`col`. */
  static fromSource(text: string, file: string, line: number, col = 1): PositionedText {
    return new PositionedText(text, file, line, col, true, null);
  }

  /** Generated text (macro value, sequence number) whose characters all point at `pos`. */
  static fromExpansion(text: string, pos: SourcePos): PositionedText {
    return new PositionedText(text, pos.file, pos.line, pos.col, false, null);
  }

  get length(): number {
    return this.text.length;
  }

  /** Source position of the character at `offset` (offsets past the end extrapolate). */
  posAt(offset: number): SourcePos {
    if (this.tail === null) return { file: this.file, line: this.line, col: this.advances ? this.col + offset : this.col };
    const seg = this.segmentAt(offset);
    return { file: seg.file, line: seg.line, col: seg.advances ? seg.col + (offset - seg.offset) : seg.col };
  }

  slice(start: number, end: number = this.text.length): PositionedText {
    const len = this.text.length;
    const s = start < 0 ? 0 : start > len ? len : start;
    const e = end < s ? s : end > len ? len : end;
    if (s === 0 && e === len) return this;
    const text = this.text.slice(s, e);
    if (this.tail === null) return new PositionedText(text, this.file, this.line, this.advances ? this.col + s : this.col, this.advances, null);

    const all = this.segments();
    let first = 0;
    while (first + 1 < all.length && all[first + 1]!.offset <= s) first++;
    const head = shifted(all[first]!, s);
    const rest: PosSegment[] = [];
    for (let i = first + 1; i < all.length; i++) {
      const seg = all[i]!;
      if (seg.offset >= e) break;
      rest.push(rebase(seg, seg.offset - s));
    }
    return new PositionedText(text, head.file, head.line, head.col, head.advances, rest.length > 0 ? rest : null);
  }

  concat(other: PositionedText): PositionedText {
    if (other.text.length === 0) return this;
    if (this.text.length === 0) return other;
    const shift = this.text.length;
    const rest: PosSegment[] = this.tail ? this.tail.slice() : [];
    for (const seg of other.segments()) rest.push(rebase(seg, seg.offset + shift));
    return new PositionedText(this.text + other.text, this.file, this.line, this.col, this.advances, rest);
  }

  /** Concatenate many pieces in one pass (repeated `concat` would be quadratic). */
  static join(parts: readonly PositionedText[]): PositionedText {
    const nonEmpty = parts.filter((p) => p.text.length > 0);
    if (nonEmpty.length === 0) return parts[0] ?? PositionedText.fromSource('', '', 1);
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const first = nonEmpty[0]!;
    const rest: PosSegment[] = first.tail ? first.tail.slice() : [];
    let shift = first.text.length;
    for (let i = 1; i < nonEmpty.length; i++) {
      const part = nonEmpty[i]!;
      for (const seg of part.segments()) rest.push(rebase(seg, seg.offset + shift));
      shift += part.text.length;
    }
    return new PositionedText(nonEmpty.map((p) => p.text).join(''), first.file, first.line, first.col, first.advances, rest);
  }

  /** Replace `[start, end)` with `insert`. */
  splice(start: number, end: number, insert: PositionedText): PositionedText {
    return this.slice(0, start).concat(insert).concat(this.slice(end));
  }

  private segments(): readonly PosSegment[] {
    const head: PosSegment = { offset: 0, file: this.file, line: this.line, col: this.col, advances: this.advances };
    return this.tail === null ? [head] : [head, ...this.tail];
  }

  private segmentAt(offset: number): PosSegment {
    const tail = this.tail!;
    let lo = -1;
    let hi = tail.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (tail[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo < 0 ? { offset: 0, file: this.file, line: this.line, col: this.col, advances: this.advances } : tail[lo]!;
  }
}

/** The part of `seg` from text offset `at` on, as the run starting at offset 0. */
function shifted(seg: PosSegment, at: number): PosSegment {
  const col = seg.advances ? seg.col + (at - seg.offset) : seg.col;
  return { offset: 0, file: seg.file, line: seg.line, col, advances: seg.advances };
}

function rebase(seg: PosSegment, offset: number): PosSegment {
  return { offset, file: seg.file, line: seg.line, col: seg.col, advances: seg.advances };
}
