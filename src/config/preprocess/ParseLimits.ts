/**
 * Bounds that keep parsing of hostile or broken input finite in time and memory. keepalived
 * itself has few of these (it splits lines at 1023 bytes and can loop forever on `$A=$A`);
 * Vigil reports a positioned diagnostic instead when one is hit.
 */
export interface ParseLimits {
  /** Largest single config file read, in bytes. */
  readonly maxFileBytes: number;
  /** Largest total of all files read (main file plus includes), in bytes. */
  readonly maxTotalBytes: number;
  /** Longer physical lines are truncated (error `line-too-long`). */
  readonly maxLineChars: number;
  /** Deepest `include` nesting. */
  readonly maxIncludeDepth: number;
  /** Most files one `include` pattern may expand to (after brace expansion and globbing). */
  readonly maxIncludeMatches: number;
  /** Most include lines plus files they matched in one parse (an include tree can branch at every level). */
  readonly maxIncludedFiles: number;
  /** Deepest `{` nesting kept in the AST; deeper blocks are skipped. */
  readonly maxBlockDepth: number;
  /** Most macro substitutions while expanding one line. */
  readonly maxSubstitutionsPerLine: number;
  /** Longest line a macro expansion may produce. */
  readonly maxExpandedLineChars: number;
  /** Most macro substitutions in one parse. */
  readonly maxSubstitutions: number;
  /** Most characters rebuilt by macro substitution in one parse (each substitution rebuilds its line). */
  readonly maxSubstitutionChars: number;
  /** Deepest nesting of multi-line macro expansions and ~SEQ/~LST generators. */
  readonly maxExpansionDepth: number;
  /** Most lines produced by generators and multi-line macros in one parse. */
  readonly maxExpandedLines: number;
  /** Most statements in one parse; beyond it parsing stops (memory stays bounded). */
  readonly maxStatements: number;
  /** Most diagnostics kept; the rest are counted in one `diagnostics-truncated` note. */
  readonly maxDiagnostics: number;
}

/** keepalived's MAXBUF (lib/parser.h) is 1024: fgets() reads at most 1023 bytes of a line. */
export const KEEPALIVED_MAX_LINE_BYTES = 1023;

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  // 16 MiB of config text is ~900,000 lines, already past maxStatements.
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxLineChars: 64 * 1024,
  maxIncludeDepth: 32,
  maxIncludeMatches: 4096,
  maxIncludedFiles: 10_000,
  maxBlockDepth: 64,
  maxSubstitutionsPerLine: 256,
  // 4x keepalived's own 1023-byte line buffer, which bounds every real expansion.
  maxExpandedLineChars: 4 * 1024,
  // keepalived.conf(5)'s 65,024-instance example needs about 2.3 million substitutions
  // rebuilding about 100 million characters.
  maxSubstitutions: 4_000_000,
  maxSubstitutionChars: 400_000_000,
  maxExpansionDepth: 64,
  // keepalived.conf(5)'s 65,024-instance ~SEQ example expands to about 800,000 lines.
  maxExpandedLines: 1_000_000,
  // About 400 bytes of heap per statement: a 10,000 x 4 server config is ~470,000.
  maxStatements: 1_000_000,
  maxDiagnostics: 1000,
};
