import { unimplementedKeyword } from './UnimplementedKeywords.js';
import type { Statement } from '../ConfigAst.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { suggestKeyword } from './KeywordSuggestion.js';

/** How one keyword inside a block is read. `D` is the builder's mutable draft. */
export interface KeywordRule<D> {
  /** Fewest arguments the keyword takes (default 0). */
  readonly minArgs?: number;
  /** Most arguments (default `minArgs`; `Infinity` for free-form lines such as scripts). */
  readonly maxArgs?: number;
  /** Whether a `{ ... }` block must, may or must not follow (default: must not). */
  readonly block?: 'required' | 'optional' | 'none';
  /** The spelling keepalived now documents; the old one still applies, with a warning. */
  readonly deprecatedFor?: string;
  /** Repeating the keyword is legitimate (list-like keywords such as `real_server`, `url`). */
  readonly repeatable?: boolean;
  /** How the line is written, for hints, e.g. `priority <1-255>`. */
  readonly usage?: string;
  readonly apply: (stmt: Statement, draft: D, sink: DiagnosticSink) => void;
}

export type KeywordRules<D> = Readonly<Record<string, KeywordRule<D>>>;

export interface WalkOptions {
  /** Name of the enclosing block for messages, e.g. `vrrp_instance`. */
  readonly blockName: string;
  /**
   * keepalived keywords valid here that Vigil does not act on: never reported as unknown,
   * handed to `onPassThrough`, and reported with the severity UnimplementedKeywords.ts gives
   * them (a note, a warning saying what is lost, or an error when ignoring it would change
   * the election or the wire).
   */
  readonly passThrough?: ReadonlySet<string>;
  readonly onPassThrough?: (stmt: Statement) => void;
}

/**
 * Reads every statement of a block with `rules`: unknown keywords (with a did-you-mean over the
 * keywords valid in this block), argument counts, block presence and deprecated spellings are
 * reported here, so the rule's `apply` only deals with values.
 */
export function walkBlock<D>(
  statements: readonly Statement[],
  rules: KeywordRules<D>,
  draft: D,
  sink: DiagnosticSink,
  options: WalkOptions,
): void {
  // Blocks are short: a lazily made array is cheaper than a Set per block (10^5 blocks per config).
  let seen: string[] | undefined;
  for (const stmt of statements) {
    const kw = stmt.keyword.text;
    const rule = Object.prototype.hasOwnProperty.call(rules, kw) ? rules[kw] : undefined;
    if (!rule) {
      if (options.passThrough?.has(kw)) {
        const effect = unimplementedKeyword(options.blockName, kw);
        if (effect.severity === 'note') {
          sink.note('unsupported-keyword', stmt.keyword, kw, `'${kw}' is a keepalived keyword that Vigil accepts but does not act on (${effect.consequence})`);
        } else if (effect.severity === 'warning') {
          sink.warning('unsupported-keyword', stmt.keyword, kw, `Vigil does not implement '${kw}': ${effect.consequence}`, effect.hint);
        } else {
          sink.error('unsupported-keyword', stmt.keyword, kw, `Vigil does not implement '${kw}': ${effect.consequence}`, effect.hint);
        }
        options.onPassThrough?.(stmt);
        continue;
      }
      reportUnknownKeyword(stmt, rules, sink, options);
      continue;
    }
    if (!checkShape(stmt, rule, sink, options.blockName)) continue;
    if (rule.deprecatedFor !== undefined) {
      sink.warning(
        'deprecated-keyword',
        stmt.keyword,
        kw,
        `'${kw}' is deprecated; it still applies, as '${rule.deprecatedFor}'`,
        `write '${rule.deprecatedFor}' instead`,
      );
    }
    const canonical = rule.deprecatedFor ?? kw;
    if (!rule.repeatable) {
      seen ??= [];
      if (seen.includes(canonical)) {
        sink.warning(
          'duplicate-keyword',
          stmt.keyword,
          kw,
          `'${kw}' is given more than once in this ${options.blockName}; the later one applies`,
          'remove one of them',
        );
      }
      seen.push(canonical);
    }
    rule.apply(stmt, draft, sink);
  }
}

/** Keywords that only open top-level blocks: met inside a block, a '}' is almost surely missing. */
const TOP_LEVEL_BLOCKS: ReadonlySet<string> = new Set(['global_defs', 'vrrp_script', 'vrrp_sync_group', 'vrrp_instance', 'virtual_server_group', 'virtual_server']);

function reportUnknownKeyword<D>(stmt: Statement, rules: KeywordRules<D>, sink: DiagnosticSink, options: WalkOptions): void {
  const kw = stmt.keyword.text;
  if (TOP_LEVEL_BLOCKS.has(kw) && stmt.block) {
    sink.error(
      'unknown-keyword',
      stmt.keyword,
      kw,
      `'${kw}' cannot appear inside ${options.blockName} (keepalived would ignore this line and the block it opens)`,
      `is a '}' missing before this line? The ${options.blockName} above is still open here`,
    );
    return;
  }
  const candidates = [...Object.keys(rules), ...(options.passThrough ?? [])];
  const suggestion = suggestKeyword(kw, candidates);
  sink.error(
    'unknown-keyword',
    stmt.keyword,
    kw,
    `unknown keyword '${kw}' in ${options.blockName} (keepalived would ignore this line)`,
    suggestion ? `did you mean '${suggestion}'?` : `see keepalived.conf(5) for the keywords valid in ${options.blockName}`,
  );
}

/** Argument count and block presence; `false` when the statement cannot be applied at all. */
function checkShape<D>(stmt: Statement, rule: KeywordRule<D>, sink: DiagnosticSink, blockName: string): boolean {
  const kw = stmt.keyword.text;
  const minArgs = rule.minArgs ?? 0;
  const maxArgs = rule.maxArgs ?? minArgs;
  const blockMode = rule.block ?? 'none';
  if (blockMode === 'required' && !stmt.block) {
    sink.error('block-expected', stmt.keyword, kw, `'${kw}' needs a { ... } block`, `write '${kw} { ... }'`);
    return false;
  }
  if (blockMode === 'none' && stmt.block) {
    sink.error(
      'block-unexpected',
      { pos: stmt.block.open },
      kw,
      `'${kw}' does not take a { ... } block in ${blockName}`,
      'remove the braces, or check for a missing keyword before the block',
    );
  }
  if (stmt.args.length < minArgs) {
    sink.error(
      'missing-argument',
      stmt.keyword,
      kw,
      `'${kw}' needs ${minArgs === 1 ? 'a value' : `${minArgs} values`}, got ${stmt.args.length}`,
      `write '${rule.usage ?? `${kw} <value>`}' (arguments go on the keyword's line)`,
    );
    return false;
  }
  if (stmt.args.length > maxArgs) {
    const extra = stmt.args[maxArgs];
    if (extra) {
      sink.error(
        'extra-argument',
        extra,
        kw,
        `'${kw}' takes ${maxArgs === 0 ? 'no value' : `at most ${maxArgs} value${maxArgs === 1 ? '' : 's'}`}; '${extra.text}' would be ignored by keepalived`,
        'remove the extra words, or quote them if they belong together',
      );
    }
  }
  return true;
}
