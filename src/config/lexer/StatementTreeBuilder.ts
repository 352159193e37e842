import type { Block, Statement, Word } from '../ConfigAst.js';
import type { SourcePos } from '../SourcePos.js';
import type { DiagnosticSink } from './DiagnosticSink.js';
import type { LexedLine } from './LexedLine.js';

interface OpenStatement {
  keyword: Word;
  args: readonly Word[];
  block?: Block;
}

interface Frame {
  readonly statements: OpenStatement[];
  /** The statement this block belongs to; null for a stray `{` (its statements join the parent). */
  readonly owner: OpenStatement | null;
  readonly open: SourcePos;
}

/**
 * Builds the Statement/Block tree from lexed lines with an explicit stack (no recursion, so
 * 10,000 nested braces cannot overflow the call stack). keepalived's rules: a `{` opens a block
 * for the statement on the line just before it (same line or the next one); a `{` anywhere else
 * is unexpected; `}` closes the innermost block; an extra `}` is an error.
 */
export class StatementTreeBuilder {
  private readonly root: Frame;
  private readonly stack: Frame[];
  /** The statement a following `{` would open a block for. */
  private blockCandidate: OpenStatement | null = null;
  /** While > 0 we are inside a block nested too deeply: count braces and drop content. */
  private skipDepth = 0;
  private skipOpen: SourcePos | null = null;
  private statementCount = 0;
  /** Set once `maxStatements` is exceeded: the caller should stop feeding lines. */
  stopped = false;

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly maxBlockDepth: number,
    private readonly maxStatements: number,
  ) {
    this.root = { statements: [], owner: null, open: { file: '', line: 0, col: 0 } };
    this.stack = [this.root];
  }

  add(line: LexedLine): void {
    if (this.skipDepth > 0) {
      this.skip(line);
      return;
    }
    switch (line.kind) {
      case 'statement':
        this.addStatement(line.keyword, line.args);
        break;
      case 'open':
        this.openBlock(line.pos);
        break;
      case 'close':
        this.closeBlock(line.pos);
        break;
    }
  }

  /** Close anything still open (each unclosed `{` is reported) and return the top level. */
  finish(): Statement[] {
    if (this.stopped) {
      // Blocks cut off by the stop are not the config's fault: close them silently.
      for (let i = this.stack.length - 1; i > 0; i--) this.attach(this.stack[i]!, this.stack[i - 1]!, undefined);
      this.stack.length = 1;
      return this.root.statements;
    }
    if (this.skipDepth > 0 && this.skipOpen) {
      this.sink.error('unbalanced-brace', "'{' is never closed", this.skipOpen, { hint: "add the missing '}'" });
      this.skipDepth = 0;
    }
    for (let i = this.stack.length - 1; i > 0; i--) {
      const frame = this.stack[i]!;
      this.sink.error('unbalanced-brace', "'{' is never closed", frame.open, {
        hint: "add the missing '}'",
        ...(frame.owner ? { keyword: frame.owner.keyword.text } : {}),
      });
      this.attach(frame, this.stack[i - 1]!, undefined);
    }
    this.stack.length = 1;
    return this.root.statements;
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private addStatement(keyword: Word, args: readonly Word[]): void {
    if (++this.statementCount > this.maxStatements) {
      this.sink.error('config-too-large', `more than ${this.maxStatements} statements; parsing stopped here`, keyword.pos);
      this.stopped = true;
      return;
    }
    const statement: OpenStatement = { keyword, args };
    this.top.statements.push(statement);
    this.blockCandidate = statement;
  }

  private openBlock(pos: SourcePos): void {
    const owner = this.blockCandidate;
    this.blockCandidate = null;
    if (this.stack.length > this.maxBlockDepth) {
      this.sink.error('nesting-too-deep', `blocks nested more than ${this.maxBlockDepth} deep; this block is ignored`, pos);
      this.skipDepth = 1;
      this.skipOpen = pos;
      return;
    }
    if (!owner) {
      this.sink.error('unexpected-brace', "'{' does not follow a keyword", pos, {
        hint: "a block opens on the keyword's line or on the line right after it",
      });
    }
    this.stack.push({ statements: [], owner, open: pos });
  }

  private closeBlock(pos: SourcePos): void {
    this.blockCandidate = null;
    if (this.stack.length === 1) {
      this.sink.error('unbalanced-brace', "extra '}' with no open block", pos);
      return;
    }
    const frame = this.stack.pop()!;
    this.attach(frame, this.top, pos);
  }

  private attach(frame: Frame, parent: Frame, close: SourcePos | undefined): void {
    if (frame.owner) {
      frame.owner.block = close ? { open: frame.open, close, statements: frame.statements } : { open: frame.open, statements: frame.statements };
    } else {
      for (const s of frame.statements) parent.statements.push(s);
    }
  }

  private skip(line: LexedLine): void {
    if (line.kind === 'open') this.skipDepth++;
    else if (line.kind === 'close') this.skipDepth--;
    if (this.skipDepth === 0) this.skipOpen = null;
  }
}
