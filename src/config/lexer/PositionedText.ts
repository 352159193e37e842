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
 * word positions exact through those edits without a per-character position array.
 *
 * Almost every line is one run of source text, kept in plain fields (one object per line, so
 * 400k-line configs do not churn the garbage collector). Edited lines keep a list of runs;
 * runs that continue each other are merged, so repeated substitution at one reference (a
 * runaway `$A=${A}${A}`) does not grow the list.
 */
export class PositionedText {
  private constructor(
    readonly text: string,
    private readonly file: string,
    private readonly line: number,
    private readonly col: number,
    private readonly advances: boolean,
    /** All runs, first at offset 0; null when the whole text is the single run above. */
    private readonly runs: readonly PosSegment[] | null,
  ) {}

  /** Text read from `file` starting at `line`:`col`. */
  static fromSource(text: string, file: string, line: number, col = 1): PositionedText {
    return new PositionedText(text, file, line, col, true, null);
  }

  /** Generated text (macro value, sequence number) whose characters all point at `pos`. */
  static fromExpansion(text: string, pos: SourcePos): PositionedText {
    return new PositionedText(text, pos.file, pos.line, pos.col, false, null);
  }

  /** Concatenate many pieces in one pass. */
  static join(parts: readonly PositionedText[]): PositionedText {
    const nonEmpty = parts.filter((p) => p.text.length > 0);
    if (nonEmpty.length === 0) return parts[0] ?? PositionedText.fromSource('', '', 1);
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const runs: PosSegment[] = [];
    let shift = 0;
    for (const part of nonEmpty) {
      part.appendRunsTo(runs, shift);
      shift += part.text.length;
    }
    return PositionedText.fromRuns(nonEmpty.map((p) => p.text).join(''), runs);
  }

  get length(): number {
    return this.text.length;
  }

  /** Source position of the character at `offset` (offsets past the end extrapolate). */
  posAt(offset: number): SourcePos {
    if (this.runs === null) return { file: this.file, line: this.line, col: this.advances ? this.col + offset : this.col };
    const run = this.runs[this.runIndexAt(offset)]!;
    return { file: run.file, line: run.line, col: run.advances ? run.col + (offset - run.offset) : run.col };
  }

  slice(start: number, end: number = this.text.length): PositionedText {
    const len = this.text.length;
    const s = start < 0 ? 0 : start > len ? len : start;
    const e = end < s ? s : end > len ? len : end;
    if (s === 0 && e === len) return this;
    const text = this.text.slice(s, e);
    if (this.runs === null) return new PositionedText(text, this.file, this.line, this.advances ? this.col + s : this.col, this.advances, null);
    const runs: PosSegment[] = [];
    const first = this.runIndexAt(s);
    for (let i = first; i < this.runs.length; i++) {
      const run = this.runs[i]!;
      if (i > first && run.offset >= e) break;
      if (i === first) {
        const col = run.advances ? run.col + (s - run.offset) : run.col;
        runs.push({ offset: 0, file: run.file, line: run.line, col, advances: run.advances });
      } else {
        runs.push({ offset: run.offset - s, file: run.file, line: run.line, col: run.col, advances: run.advances });
      }
    }
    return PositionedText.fromRuns(text, runs);
  }

  concat(other: PositionedText): PositionedText {
    if (other.text.length === 0) return this;
    if (this.text.length === 0) return other;
    const runs: PosSegment[] = [];
    this.appendRunsTo(runs, 0);
    other.appendRunsTo(runs, this.text.length);
    return PositionedText.fromRuns(this.text + other.text, runs);
  }

  /** Replace `[start, end)` with `insert`. */
  splice(start: number, end: number, insert: PositionedText): PositionedText {
    return PositionedText.join([this.slice(0, start), insert, this.slice(end)]);
  }

  private static fromRuns(text: string, runs: readonly PosSegment[]): PositionedText {
    const head = runs[0]!;
    return new PositionedText(text, head.file, head.line, head.col, head.advances, runs.length > 1 ? runs : null);
  }

  /** Add this text's runs, shifted by `shift`, merging a run that continues the previous one. */
  private appendRunsTo(out: PosSegment[], shift: number): void {
    if (this.runs === null) {
      pushRun(out, { offset: shift, file: this.file, line: this.line, col: this.col, advances: this.advances });
      return;
    }
    for (const run of this.runs) pushRun(out, { offset: run.offset + shift, file: run.file, line: run.line, col: run.col, advances: run.advances });
  }

  private runIndexAt(offset: number): number {
    const runs = this.runs!;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function pushRun(out: PosSegment[], run: PosSegment): void {
  const prev = out[out.length - 1];
  if (prev && prev.file === run.file && prev.line === run.line && prev.advances === run.advances) {
    const continues = run.advances ? run.col === prev.col + (run.offset - prev.offset) : run.col === prev.col;
    if (continues) return;
  }
  out.push(run);
}
