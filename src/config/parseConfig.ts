/**
 * keepalived.conf lexer + preprocessor + parser: text in, `ParsedConfig` (statements with exact
 * positions, plus diagnostics) out. Follows what keepalived 2.2.x's lib/parser.c accepts.
 *
 * Diagnostic codes (every one carries a `pos`):
 *
 * | code                  | severity      | meaning |
 * | --------------------- | ------------- | ------- |
 * | `unbalanced-brace`    | error         | a `{` never closed (points at the `{`) or an extra `}` (points at it) |
 * | `unexpected-brace`    | error         | a `{` that does not follow a keyword line; its contents join the enclosing block |
 * | `nesting-too-deep`    | error         | blocks nested deeper than the limit; the deeper block is skipped |
 * | `unterminated-quote`  | error         | a `"` or `'` with no closing quote; the word runs to the end of the line |
 * | `stray-backslash`     | warning       | a line (not a `$NAME=` definition) ends in `\`, which keepalived does not treat as a continuation |
 * | `stray-semicolon`     | warning       | a trailing unquoted `;` was removed from the last word |
 * | `binary-content`      | error         | control characters (NUL etc.) in the text; a NUL ends its line, as in keepalived |
 * | `invalid-utf8`        | warning       | the file is not UTF-8; offending lines were read as Latin-1 |
 * | `byte-order-mark`     | warning       | a UTF-8 BOM was dropped |
 * | `file-too-large`      | error         | a file (or all files together) exceeds the size limit; it is not read |
 * | `line-too-long`       | warning/error | longer than keepalived's 1023-byte line buffer (warning); longer than the hard limit (error, truncated) |
 * | `config-missing`      | error         | the main config file does not exist |
 * | `include-missing`     | warning/error/note | an include matched no file (error with includeCheck; note for an unmatched wildcard) |
 * | `include-unreadable`  | warning/error | an include matched a directory or unreadable file |
 * | `include-loop`        | error         | a file includes itself (directly or indirectly); the include is skipped |
 * | `include-depth`       | error         | includes nested deeper than the limit |
 * | `include-too-many`    | error         | an include pattern expanded to more files than the limit |
 * | `macro-undefined`     | warning       | `${NAME}` with no definition; left as written, as keepalived does |
 * | `macro-recursion`     | error         | expanding a line did not terminate (self-referencing definitions) or grew too long; the line is dropped |
 * | `generator-invalid`   | error         | a malformed `~SEQ(...)` / `~LST(...)`; the line is dropped |
 * | `generator-too-large` | error         | generators and multi-line macros produced more lines than the limit; the rest is dropped |
 * | `expansion-too-deep`  | error         | multi-line macros / generators nested deeper than the limit |
 * | `diagnostics-truncated` | note        | more diagnostics than the limit; this counts the rest |
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
  const tree = new StatementTreeBuilder(sink, limits.maxBlockDepth);
  for (let line = pre.next(); line !== null; line = pre.next()) tree.add(line);
  const statements = tree.finish();
  return { statements, diagnostics: sink.finish(), sources: pre.sources, files: pre.files };
}

/** keepalived's default config id: the node name up to the first '.' (keepalived.conf(5)). */
function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}
