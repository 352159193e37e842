/**
 * keepalived.conf lexer + preprocessor + parser: text in, `ParsedConfig` (statements with exact
 * positions, plus diagnostics) out. It follows what keepalived 2.2.7's lib/parser.c accepts, in
 * its order: comments (`#`/`!` anywhere outside double quotes), `@ID`/`@^ID` lines, `$NAME=`
 * definitions (multi-line with a trailing `\`), `~SEQ`/`~SEQx`/`~LST` generators, `$NAME` and
 * `${NAME}` substitution re-checked until stable, `include` (and includer/m/w/b/a) with globs and
 * `{a,b}` braces relative to the including file, then splitting each line at its first brace.
 * There are no block conditionals and no parameterised macros in keepalived 2.2.7.
 *
 * Words are split the way keepalived re-reads scripts and regexes (alloc_strvec_quoted_escaped):
 * `"..."` and `'...'` group, escapes are decoded, adjacent quoted text joins one word. For plain
 * values keepalived only honours whole-word double quotes, so `'a b'` or `x"y z"` differ from
 * keepalived for non-script keywords (keepalived would see `'a`, or `x` and `y z`).
 *
 * Positions: a word points at its first character (its opening quote). Text substituted inline
 * points at the `$` of its reference; lines of a multi-line definition point where the
 * definition wrote them; `~SEQ`/`~LST` lines point at the text after the generator.
 *
 * Diagnostic codes (every one carries a `pos`):
 *
 * | code                    | severity           | meaning |
 * | ----------------------- | ------------------ | ------- |
 * | `unbalanced-brace`      | error              | a `{` never closed (points at the `{`) or an extra `}` (points at it) |
 * | `unexpected-brace`      | error              | a `{` that does not follow a keyword line; its contents join the enclosing block |
 * | `nesting-too-deep`      | error              | blocks nested deeper than the limit (64); the deeper block is skipped |
 * | `unterminated-quote`    | error              | a `"` or `'` with no closing quote; the word runs to the end of the line |
 * | `stray-backslash`       | warning            | a line (not a `$NAME=` definition) ends in `\`, which keepalived does not join to the next |
 * | `stray-semicolon`       | warning            | a trailing unquoted `;` was removed from the last word |
 * | `binary-content`        | error              | control characters (NUL etc.); a NUL ends its line, as in keepalived |
 * | `invalid-utf8`          | warning            | the file is not UTF-8; its non-UTF-8 lines were read as Latin-1 |
 * | `byte-order-mark`       | warning            | a UTF-8 BOM was dropped (keepalived would glue it to the first keyword) |
 * | `line-too-long`         | warning / error    | over keepalived's 1023-byte line buffer (warning); over the hard limit (error, truncated) |
 * | `file-too-large`        | error              | a file, or all files together, exceed the size limit (16 / 32 MiB); it is not read |
 * | `config-too-large`      | error              | more than 1,000,000 statements; parsing stops there |
 * | `config-missing`        | error              | the main config file does not exist or cannot be read |
 * | `include-missing`       | warning/error/note | an include names no existing file (error with includeCheck, include_check or includem/w/b/a; a note for an unmatched wildcard) |
 * | `include-unreadable`    | warning/error/note | an include matched a directory or an unreadable file |
 * | `include-loop`          | error              | a file includes itself, directly or indirectly; that include is skipped |
 * | `include-depth`         | error              | includes nested deeper than the limit |
 * | `include-too-many`      | error              | an include pattern expands to more files than the limit (nothing is included), or more than 10,000 files were included in all |
 * | `include-check-unknown` | warning            | an `include_check` option that keepalived does not know |
 * | `macro-undefined`       | warning            | `${NAME}` (outside quotes) with no usable definition; left as written, as keepalived does |
 * | `macro-recursion`       | error              | substitution does not terminate or grows the line past the limit; the line is dropped |
 * | `substitution-limit`    | error              | substitution work for the whole parse passed its limit; later lines are left unsubstituted |
 * | `generator-invalid`     | error              | a malformed `~SEQ(...)` / `~LST(...)`; the line is dropped |
 * | `generator-too-large`   | error              | generated lines would exceed the budget (1,000,000); the generator is refused |
 * | `expansion-too-deep`    | error              | multi-line definitions / generators nested deeper than the limit |
 * | `diagnostics-truncated` | note               | more than 1000 diagnostics; this one counts the rest |
 */
import { hostname } from 'node:os';
import type { ParsedConfig } from './ConfigAst.js';
import { DiagnosticSink } from './lexer/DiagnosticSink.js';
import { StatementTreeBuilder } from './lexer/StatementTreeBuilder.js';
import { type ConfigFileAccess, diskFileAccess, injectedFileAccess } from './preprocess/ConfigFileAccess.js';
import { ALL_INCLUDE_CHECKS } from './preprocess/IncludeResolver.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './preprocess/ParseLimits.js';
import { Preprocessor } from './preprocess/Preprocessor.js';

export interface ParseOptions {
  /** For `@ID` / `@^ID` lines; default: first label of os.hostname(). */
  configId?: string;
  /** When true a missing include is an error, else a warning. */
  includeCheck?: boolean;
  /** Injected for tests; default reads from disk. Returns null if the file does not exist. */
  readFile?: (path: string) => Buffer | null;
  /**
   * Injected glob expander for tests; default uses the filesystem (or, when only `readFile` is
   * injected, lists nothing). Returns the entry names in `dir`, directories marked with a
   * trailing `/`, or null if `dir` is not a readable directory.
   */
  listDir?: (dir: string) => string[] | null;
  /** Source of randomness for `${_RANDOM}`; default Math.random. */
  random?: () => number;
  /** Override individual resource limits (mostly for tests). */
  limits?: Partial<ParseLimits>;
}

/** Read, preprocess and parse the config at `path` and everything it includes. */
export function parseConfigFile(path: string, options: ParseOptions = {}): ParsedConfig {
  const setup = prepare(path, options);
  const read = setup.files.read(path);
  if (read.kind !== 'ok') {
    const why =
      read.kind === 'missing'
        ? 'does not exist'
        : read.kind === 'directory'
          ? 'is a directory'
          : read.kind === 'too-large'
            ? `is ${read.size} bytes (limit ${setup.limits.maxFileBytes})`
            : `cannot be read (${read.reason})`;
    setup.sink.error(read.kind === 'too-large' ? 'file-too-large' : 'config-missing', `configuration file ${path} ${why}`, {
      file: path,
      line: 1,
      col: 1,
    });
    return { statements: [], diagnostics: setup.sink.finish(), sources: new Map(), files: [] };
  }
  return run(setup, read.bytes);
}

/** Preprocess and parse config text as if it were the file `file` (includes resolve from its directory). */
export function parseConfigText(text: string | Buffer, file: string, options: ParseOptions = {}): ParsedConfig {
  return run(prepare(file, options), text);
}

interface ParseSetup {
  readonly file: string;
  readonly options: ParseOptions;
  readonly limits: ParseLimits;
  readonly sink: DiagnosticSink;
  readonly files: ConfigFileAccess;
}

function prepare(file: string, options: ParseOptions): ParseSetup {
  const limits = { ...DEFAULT_PARSE_LIMITS, ...options.limits };
  const files = options.readFile
    ? injectedFileAccess(options.readFile, options.listDir, limits.maxFileBytes)
    : options.listDir
      ? { ...diskFileAccess(limits.maxFileBytes), listDir: options.listDir }
      : diskFileAccess(limits.maxFileBytes);
  return { file, options, limits, sink: new DiagnosticSink(limits.maxDiagnostics), files };
}

function run(setup: ParseSetup, content: string | Uint8Array): ParsedConfig {
  const { file, options, limits, sink } = setup;
  const pre = new Preprocessor({
    sink,
    limits,
    configId: options.configId ?? defaultConfigId(),
    includeChecks: options.includeCheck ? ALL_INCLUDE_CHECKS : 0,
    files: setup.files,
    random: options.random ?? Math.random,
  });
  pre.openRoot(file, content);
  const tree = new StatementTreeBuilder(sink, limits.maxBlockDepth, limits.maxStatements);
  for (let line = pre.next(); line !== null && !tree.stopped; line = pre.next()) tree.add(line);
  const statements = tree.finish();
  return { statements, diagnostics: sink.finish(), sources: pre.sources, files: pre.files };
}

/** keepalived's default config id: the node name up to the first '.' (keepalived.conf(5)). */
function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}
