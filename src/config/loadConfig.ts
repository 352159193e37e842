import type { ParsedConfig } from './ConfigAst.js';
import type { Diagnostic, SourceLines } from './Diagnostic.js';
import { hasErrors } from './Diagnostic.js';
import { buildConfigModel } from './model/buildConfigModel.js';
import { validateConfigModel } from './model/validateConfigModel.js';
import type { VigilConfig } from './model/VigilConfig.js';
import { parseConfigFile, parseConfigText, type ParseOptions } from './parseConfig.js';

export type LoadConfigOptions = ParseOptions;

export interface LoadedConfig {
  /** The typed model, or `null` when any diagnostic is an error. */
  readonly model: VigilConfig | null;
  /** Parser, model and validation diagnostics, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Lines of every file read, for `formatDiagnostic`. */
  readonly sources: SourceLines;
  readonly files: readonly string[];
}

/** Orders diagnostics by file (in reading order), line and column; position-less ones first. */
function byPosition(files: readonly string[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const fileIndex = new Map(files.map((f, i) => [f, i]));
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const pa = a.d.pos;
      const pb = b.d.pos;
      if (!pa || !pb) return pa ? 1 : pb ? -1 : a.i - b.i;
      const fa = fileIndex.get(pa.file) ?? files.length;
      const fb = fileIndex.get(pb.file) ?? files.length;
      return fa - fb || pa.line - pb.line || pa.col - pb.col || a.i - b.i;
    })
    .map((x) => x.d);
}

/** Builds and validates the model for an already parsed configuration. */
export function modelFromParsed(parsed: ParsedConfig): LoadedConfig {
  const built = buildConfigModel(parsed.statements);
  const validation = validateConfigModel(built.config, built.declared);
  const diagnostics = byPosition(parsed.files, [...parsed.diagnostics, ...built.diagnostics, ...validation]);
  return {
    model: hasErrors(diagnostics) ? null : built.config,
    diagnostics,
    sources: parsed.sources,
    files: parsed.files,
  };
}

/** parseConfigFile + buildConfigModel + validateConfigModel. */
export function loadConfig(path: string, options: LoadConfigOptions = {}): LoadedConfig {
  return modelFromParsed(parseConfigFile(path, options));
}

/** The same for text in memory (tests, `vigil -t` on stdin). */
export function loadConfigText(text: string, file: string, options: LoadConfigOptions = {}): LoadedConfig {
  return modelFromParsed(parseConfigText(text, file, options));
}
