import { readFileSync } from 'node:fs';
import type { ParsedConfig } from './ConfigAst.js';
import { parseConfigFile, type ParseOptions } from './parseConfig.js';
import { parseYamlConfigText } from './yaml/yamlToStatements.js';

export type ConfigFormat = 'keepalived' | 'yaml';

/** `.yaml` / `.yml` files are Vigil YAML; everything else is keepalived syntax. */
export function configFormatOf(path: string): ConfigFormat {
  return /\.ya?ml$/i.test(path) ? 'yaml' : 'keepalived';
}

/** YAML files are capped like keepalived files, so a huge file is a diagnostic, not an OOM. */
const MAX_YAML_BYTES = 64 * 1024 * 1024;

/** Reads a config in either format into the one statement tree the model builder takes. */
export function parseAnyConfigFile(path: string, options: ParseOptions = {}): ParsedConfig {
  if (configFormatOf(path) === 'keepalived') return parseConfigFile(path, options);
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_YAML_BYTES) {
      return failed(path, 'file-too-large', `configuration file ${path} is ${buf.length} bytes (limit ${MAX_YAML_BYTES})`);
    }
    text = buf.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return failed(path, 'config-missing', `configuration file ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(e)})`}`);
  }
  return parseYamlConfigText(text, path);
}

function failed(path: string, code: string, message: string): ParsedConfig {
  return { statements: [], diagnostics: [{ severity: 'error', code, message, pos: { file: path, line: 1, col: 1 } }], sources: new Map(), files: [] };
}
