import { posix } from 'node:path';
import type { Word } from '../ConfigAst.js';
import { splitAtBrace } from '../lexer/BraceSplitter.js';
import { stripComment } from '../lexer/CommentStripper.js';
import type { DiagnosticSink } from '../lexer/DiagnosticSink.js';
import type { LexedLine } from '../lexer/LexedLine.js';
import { type PhysicalLines, splitPhysicalLines } from '../lexer/PhysicalLines.js';
import { PositionedText } from '../lexer/PositionedText.js';
import { decodeConfigBytes } from '../lexer/SourceDecoder.js';
import { splitLineWords } from '../lexer/WordSplitter.js';
import type { SourcePos } from '../SourcePos.js';
import { applyConfigIdCondition } from './ConfigIdCondition.js';
import type { ConfigFileAccess } from './ConfigFileAccess.js';
import { applyIncludeCheckStatement, IncludeCheck, includeReadProblem, parseIncludeLine, resolveInclude } from './IncludeResolver.js';
import { continuationPiece, parseDefinitionLine } from './MacroDefinitionLine.js';
import { expandMacros, type ExpansionBudget, type PendingExpansion, type SubstitutionAllowance } from './MacroExpander.js';
import { type MacroDefinition, MacroTable } from './MacroTable.js';
import type { ParseLimits } from './ParseLimits.js';
import { parseLst, parseSeq, type SequenceGenerator } from './SequenceGenerator.js';

export interface PreprocessContext {
  readonly sink: DiagnosticSink;
  readonly limits: ParseLimits;
  readonly configId: string;
  /** Checks applied to every include (ParseOptions.includeCheck). */
  readonly includeChecks: number;
  readonly files: ConfigFileAccess;
  readonly random: () => number;
}

interface FileFrame {
  readonly kind: 'file';
  readonly file: string;
  /** Absolute directory of the file, for `${_PWD}`. */
  readonly dir: string;
  readonly identity: string;
  readonly lines: readonly string[];
  index: number;
}

/** The files one include line matched, opened one at a time (keepalived's glob list). */
interface IncludeFrame {
  readonly kind: 'include';
  readonly candidates: readonly string[];
  readonly hadBraces: boolean;
  readonly checks: number;
  readonly pos: SourcePos;
  readonly length: number;
  /** keepalived restores include_check when an included file ends. */
  readonly savedChecks: number;
  next: number;
}

/** Remaining lines of a multi-line macro. */
interface ExpansionFrame {
  readonly kind: 'expansion';
  readonly macro: string;
  readonly lines: readonly PositionedText[];
  index: number;
}

interface GeneratorFrame {
  readonly kind: 'generator';
  readonly generator: SequenceGenerator;
  readonly pos: SourcePos;
  index: number;
}

type Frame = FileFrame | IncludeFrame | ExpansionFrame | GeneratorFrame;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Produces lexed lines from config files, doing keepalived's line processing in keepalived's
 * order (lib/parser.c read_line()): comments; `@ID` conditionals; `$NAME=` definitions
 * (multi-line ones collect the following lines); `~SEQ`/`~LST` generators; macro substitution,
 * re-checked until stable; `include`; and finally splitting at the first brace, the rest of
 * the line being processed again as a line of its own.
 *
 * Files, multi-line macro bodies and generators are frames on one explicit stack (read from
 * the top), so nesting never recurses and every source of repetition is bounded.
 */
export class Preprocessor {
  private readonly frames: Frame[] = [];
  private readonly macros: MacroTable;
  private residue: PositionedText | null = null;
  private pendingDefinition: MacroDefinition | null = null;
  private includeChecks = 0;
  private expandedLines = 0;
  private expansionHalted = false;
  private includeAttempts = 0;
  private includesHalted = false;
  private readonly substitution: SubstitutionAllowance;
  private totalBytes = 0;
  private readonly fileOrder: string[] = [];
  private readonly sourceLines = new Map<string, readonly string[]>();
  /** Files already read in this parse, by identity. */
  private readonly fileCache = new Map<string, { readonly bytes: number; readonly lines: PhysicalLines }>();

  constructor(private readonly ctx: PreprocessContext) {
    this.substitution = { substitutions: ctx.limits.maxSubstitutions, characters: ctx.limits.maxSubstitutionChars, exhausted: false };
    this.macros = new MacroTable({ configId: ctx.configId, currentDir: () => this.currentDir(), random: ctx.random });
  }

  /** Every file read, in first-read order. */
  get files(): readonly string[] {
    return this.fileOrder;
  }

  get sources(): ReadonlyMap<string, readonly string[]> {
    return this.sourceLines;
  }

  /** Start reading the main config from already-loaded content. */
  openRoot(file: string, content: string | Uint8Array): void {
    this.pushFile(file, content);
  }

  next(): LexedLine | null {
    for (;;) {
      // A residue was already substituted as part of its whole line; substituting again would
      // find nothing new (definitions cannot change in between) but repeat every warning, and
      // cost quadratic time on a long line with many braces.
      const fromResidue = this.residue !== null;
      const raw = this.residue ?? this.readLine();
      this.residue = null;
      if (raw === null) {
        if (this.pendingDefinition) this.endDefinition();
        return null;
      }
      if (this.pendingDefinition) {
        this.continueDefinition(raw);
        continue;
      }
      const line = this.process(raw, fromResidue);
      if (line === null || line.length === 0) continue;

      const include = parseIncludeLine(line.text);
      if (include) {
        this.include(include.pattern, include.checks, line.posAt(include.offset), include.pattern.length);
        continue;
      }

      const { head, residue } = splitAtBrace(line);
      this.residue = residue;
      if (head.length === 1) {
        const c = head.text.charCodeAt(0);
        if (c === OPEN_BRACE) return { kind: 'open', pos: head.posAt(0) };
        if (c === CLOSE_BRACE) return { kind: 'close', pos: head.posAt(0) };
      }
      const { keyword, args } = splitLineWords(head, this.ctx.sink);
      if (!keyword) continue;
      if (keyword.text === 'include_check') this.applyIncludeCheck(keyword, args);
      return { kind: 'statement', keyword, args };
    }
  }

  // ---- reading from the frame stack -------------------------------------------------------

  private readLine(): PositionedText | null {
    for (;;) {
      const top = this.frames[this.frames.length - 1];
      if (!top) return null;
      switch (top.kind) {
        case 'file': {
          if (top.index >= top.lines.length) {
            this.frames.pop();
            continue;
          }
          const n = top.index++;
          const raw = top.lines[n]!;
          if (raw.length === 0) {
            // Only a truly empty line ends a multi-line definition (lib/parser.c read_line()).
            if (this.pendingDefinition) this.endDefinition();
            continue;
          }
          const line = stripComment(PositionedText.fromSource(raw, top.file, n + 1));
          if (line.length > 0) return line;
          continue;
        }
        case 'include': {
          if (top.next >= top.candidates.length) {
            this.frames.pop();
            this.includeChecks = top.savedChecks;
            continue;
          }
          this.openIncluded(top, top.candidates[top.next++]!);
          continue;
        }
        case 'expansion': {
          if (top.index >= top.lines.length) {
            this.frames.pop();
            continue;
          }
          if (!this.chargeExpandedLine(this.currentPos())) continue;
          return top.lines[top.index++]!;
        }
        case 'generator': {
          if (top.index >= top.generator.count) {
            this.frames.pop();
            continue;
          }
          if (!this.chargeExpandedLine(top.pos)) continue;
          for (const [name, value] of top.generator.assignments(top.index)) {
            this.macros.define(name, PositionedText.fromExpansion(value, top.pos), false);
          }
          top.index++;
          return top.generator.text;
        }
      }
    }
  }

  /** Count one generated line; past the limit, report once and drop all generated input. */
  private chargeExpandedLine(pos: SourcePos): boolean {
    if (++this.expandedLines <= this.ctx.limits.maxExpandedLines) return true;
    this.haltExpansion(pos, `generators and multi-line definitions produced more than ${this.ctx.limits.maxExpandedLines} lines; the rest is dropped`);
    return false;
  }

  /** Stop all generated input for the rest of the parse (after one diagnostic). */
  private haltExpansion(pos: SourcePos, message: string): void {
    if (!this.expansionHalted) {
      this.expansionHalted = true;
      this.ctx.sink.error('generator-too-large', message, pos);
    }
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const kind = this.frames[i]!.kind;
      if (kind === 'expansion' || kind === 'generator') this.frames.splice(i, 1);
    }
  }

  private currentPos(): SourcePos {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.kind === 'file') return { file: f.file, line: Math.max(1, f.index), col: 1 };
      if (f.kind === 'generator') return f.pos;
    }
    return { file: this.fileOrder[0] ?? '', line: 1, col: 1 };
  }

  private currentFile(): string {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.kind === 'file') return f.file;
    }
    return this.fileOrder[0] ?? '.';
  }

  private currentDir(): string {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.kind === 'file') return f.dir;
    }
    return posix.dirname(posix.resolve(this.fileOrder[0] ?? '.'));
  }

  // ---- line processing ---------------------------------------------------------------------

  /**
   * keepalived's per-line loop: conditionals, definitions, generators, then substitution,
   * repeated while a substitution leaves a line that starts with `@` or still has a `$`.
   * Returns the line to use, or null when it was consumed or dropped.
   */
  private process(input: PositionedText, alreadySubstituted: boolean): PositionedText | null {
    let budget: ExpansionBudget | null = null;
    let line = input;
    for (;;) {
      const kept = applyConfigIdCondition(line, this.ctx.configId);
      if (kept === null) return null;
      line = kept;
      const text = line.text;
      if (text.charCodeAt(0) === 0x24 /* $ */) {
        const def = parseDefinitionLine(line);
        if (def) {
          const defined = this.macros.define(def.name, def.value, def.multiline);
          if (def.multiline) this.pendingDefinition = defined;
          return null;
        }
      }
      if (text.startsWith('~SEQ') || text.startsWith('~LST')) {
        this.startGenerator(line);
        return null;
      }
      if (text.charCodeAt(0) === 0x7e /* ~ */) return line;
      if (alreadySubstituted || !text.includes('$')) return line;

      budget ??= this.lineBudget();
      const result = expandMacros(line, this.macros, budget, this.ctx.sink);
      if (result.failed) return null;
      if (!result.changed) return line;
      for (const pending of result.pending) this.pushExpansion(pending, line);
      line = stripComment(result.line);
      if (this.substitution.exhausted) return line;
      if (line.text.charCodeAt(0) !== 0x40 /* @ */ && !line.text.includes('$')) return line;
    }
  }

  private lineBudget(): ExpansionBudget {
    const { maxSubstitutionsPerLine, maxExpandedLineChars } = this.ctx.limits;
    return { substitutions: maxSubstitutionsPerLine, maxLineChars: maxExpandedLineChars, parse: this.substitution };
  }

  private continueDefinition(line: PositionedText): void {
    const def = this.pendingDefinition!;
    const more = line.text.charCodeAt(line.length - 1) === 0x5c; /* \ */
    const piece = more ? continuationPiece(line) : line;
    if (piece.length > 0) def.lines.push(piece);
    if (!more) this.endDefinition();
  }

  private endDefinition(): void {
    const def = this.pendingDefinition!;
    if (def.lines.length === 0) def.multiline = false;
    this.pendingDefinition = null;
  }

  private pushExpansion(pending: PendingExpansion, at: PositionedText): void {
    const pos = at.posAt(0);
    for (const f of this.frames) {
      if (f.kind === 'expansion' && f.macro === pending.macro) {
        this.ctx.sink.error('macro-recursion', `multi-line definition $${pending.macro} is used inside its own expansion`, pos);
        return;
      }
    }
    if (!this.checkExpansionDepth(pos)) return;
    this.frames.push({ kind: 'expansion', macro: pending.macro, lines: pending.lines, index: 0 });
  }

  private checkExpansionDepth(pos: SourcePos): boolean {
    let depth = 0;
    for (const f of this.frames) if (f.kind === 'expansion' || f.kind === 'generator') depth++;
    if (depth < this.ctx.limits.maxExpansionDepth) return true;
    this.ctx.sink.error('expansion-too-deep', `multi-line definitions and generators nested more than ${this.ctx.limits.maxExpansionDepth} deep`, pos);
    return false;
  }

  private startGenerator(line: PositionedText): void {
    const pos = line.posAt(0);
    const isSeq = line.text.startsWith('~SEQ');
    const parsed = isSeq ? parseSeq(line, (params) => this.expandSeqParams(params, pos)) : parseLst(line);
    if (!parsed.ok) {
      this.ctx.sink.error('generator-invalid', `invalid ${isSeq ? '~SEQ' : '~LST'}: ${parsed.message}`, pos, { length: line.length });
      return;
    }
    if (this.expansionHalted) return;
    const remaining = this.ctx.limits.maxExpandedLines - this.expandedLines;
    if (parsed.generator.count > remaining) {
      const message = `${isSeq ? '~SEQ' : '~LST'} asks for ${parsed.generator.count} lines; at most ${remaining} more generated lines are allowed`;
      // Inside another expansion it would be refused again on every repetition: stop them all.
      if (this.frames.some((f) => f.kind === 'expansion' || f.kind === 'generator')) this.haltExpansion(pos, message);
      else this.ctx.sink.error('generator-too-large', message, pos, { length: line.length });
      return;
    }
    if (!this.checkExpansionDepth(pos)) return;
    this.frames.push({ kind: 'generator', generator: parsed.generator, pos, index: 0 });
  }

  /** `~SEQ` numbers may use definitions (but not multi-line ones). */
  private expandSeqParams(params: string, pos: SourcePos): string | null {
    if (!params.includes('$')) return params;
    const r = expandMacros(PositionedText.fromExpansion(params, pos), this.macros, this.lineBudget(), this.ctx.sink);
    if (r.pending.length > 0) return null;
    return r.line.text;
  }

  // ---- includes ------------------------------------------------------------------------------

  private applyIncludeCheck(keyword: Word, args: readonly Word[]): void {
    const { checks, ignored } = applyIncludeCheckStatement(
      args.map((w) => w.text),
      this.includeChecks,
    );
    this.includeChecks = checks;
    for (const word of ignored) {
      const w = args.find((x) => x.text === word);
      this.ctx.sink.warning('include-check-unknown', `include_check option '${word}' ignored`, w?.pos ?? keyword.pos);
    }
  }

  /**
   * Count one include attempt (a line, or a file it matched). An include tree can branch at
   * every level, so all include work in a parse is bounded, not just its depth.
   */
  private chargeInclude(pos: SourcePos, length: number): boolean {
    if (++this.includeAttempts <= this.ctx.limits.maxIncludedFiles) return true;
    if (!this.includesHalted) {
      this.includesHalted = true;
      const max = this.ctx.limits.maxIncludedFiles;
      this.ctx.sink.error('include-too-many', `more than ${max} includes in one parse; further includes are ignored`, pos, { length });
    }
    return false;
  }

  private include(pattern: string, variantChecks: number, pos: SourcePos, length: number): void {
    if (!this.chargeInclude(pos, length)) return;
    const checks = this.ctx.includeChecks | this.includeChecks | variantChecks;
    const resolved = resolveInclude(pattern, this.currentFile(), (dir) => this.ctx.files.listDir(dir), this.ctx.limits.maxIncludeMatches);
    if (resolved.tooMany) {
      this.ctx.sink.error('include-too-many', `include '${pattern}' matches more than ${this.ctx.limits.maxIncludeMatches} files; nothing included`, pos, { length });
      return;
    }
    for (const alt of resolved.unmatchedWildcards) {
      const severity = checks & IncludeCheck.wildcardMatch ? 'error' : 'note';
      this.ctx.sink.report(severity, 'include-missing', `no config files match '${alt}'`, pos, { length });
    }
    if (resolved.candidates.length === 0) return;
    this.frames.push({
      kind: 'include',
      candidates: resolved.candidates,
      hadBraces: resolved.hadBraces,
      checks,
      pos,
      length,
      savedChecks: this.includeChecks,
      next: 0,
    });
  }

  private openIncluded(frame: IncludeFrame, path: string): void {
    const { sink, limits } = this.ctx;
    const at = frame.pos;
    const extras = { length: frame.length };
    if (!this.chargeInclude(at, frame.length)) return;
    if (path.endsWith('/')) {
      // A wildcard matched a directory (glob's GLOB_MARK): keepalived skips it.
      const severity = frame.checks & IncludeCheck.readable ? 'error' : 'note';
      sink.report(severity, 'include-unreadable', `'${path}' is a directory; skipped`, at, extras);
      return;
    }
    let fileFrames = 0;
    const identity = this.ctx.files.identity(path);
    for (const f of this.frames) {
      if (f.kind !== 'file') continue;
      fileFrames++;
      if (f.identity === identity) {
        sink.error('include-loop', `'${path}' includes itself (via ${f.file}); include skipped`, at, extras);
        return;
      }
    }
    if (fileFrames >= limits.maxIncludeDepth) {
      sink.error('include-depth', `includes nested more than ${limits.maxIncludeDepth} deep; '${path}' skipped`, at, extras);
      return;
    }
    const cached = this.fileCache.get(identity);
    if (cached) {
      // Included again (e.g. from several blocks): reuse the lines, but count the bytes so that
      // thousands of repeated includes still hit the total-size limit.
      if (this.chargeBytes(path, cached.bytes, at)) this.pushLines(path, identity, cached.lines);
      return;
    }
    const result = this.ctx.files.read(path);
    if (result.kind === 'ok') {
      this.pushFile(path, result.bytes, at);
      return;
    }
    const problem = includeReadProblem(path, result, frame.checks, frame.hadBraces, limits.maxFileBytes);
    sink.report(problem.severity, problem.code, problem.message, at, extras);
  }

  private pushFile(file: string, content: string | Uint8Array, includedAt?: SourcePos): void {
    const { sink, limits } = this.ctx;
    const where = includedAt ?? { file, line: 1, col: 1 };
    if (content.length > limits.maxFileBytes) {
      sink.error('file-too-large', `'${file}' is ${content.length} bytes; the limit is ${limits.maxFileBytes}`, where);
      return;
    }
    if (!this.chargeBytes(file, content.length, where)) return;
    const text = typeof content === 'string' ? content : decodeConfigBytes(content, file, sink);
    const lines = splitPhysicalLines(text, file, sink, limits.maxLineChars);
    const identity = this.ctx.files.identity(file);
    this.fileCache.set(identity, { bytes: content.length, lines });
    this.pushLines(file, identity, lines);
  }

  /** Count a file against the total-size limit; false (and reported) when it does not fit. */
  private chargeBytes(file: string, bytes: number, where: SourcePos): boolean {
    const max = this.ctx.limits.maxTotalBytes;
    if (this.totalBytes + bytes > max) {
      this.ctx.sink.error('file-too-large', `reading '${file}' would exceed ${max} bytes of configuration in total`, where);
      return false;
    }
    this.totalBytes += bytes;
    return true;
  }

  private pushLines(file: string, identity: string, lines: PhysicalLines): void {
    if (!this.sourceLines.has(file)) this.fileOrder.push(file);
    this.sourceLines.set(file, lines.display);
    this.frames.push({ kind: 'file', file, dir: posix.dirname(posix.resolve(file)), identity, lines: lines.read, index: 0 });
  }
}
