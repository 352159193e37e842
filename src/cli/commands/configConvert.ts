import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { writeKeepalivedConfig } from '../../config/format/writeKeepalivedConfig.js';
import { writeYamlConfig } from '../../config/yaml/writeYamlConfig.js';
import type { DaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS, renderDiagnosticsText } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { parseOptions } from './configTest.js';

/**
 * `vigil config convert FILE --to yaml|keepalived`. Only a valid config is converted, and
 * from the resolved statement tree, so includes, macros and `@ID` lines are already applied.
 */
export function runConfigConvert(file: string, to: 'yaml' | 'keepalived', options: DaemonOptions, io: CommandIo): number {
  const parsed = parseAnyConfigFile(file, parseOptions(options));
  const loaded = modelFromParsed(parsed);
  if (!loaded.model) {
    io.stderr(renderDiagnosticsText(loaded.diagnostics, loaded.sources) + '\n');
    return EXIT_CONFIG_ERRORS;
  }
  const header = `converted by vigil from ${file}`;
  io.stdout(to === 'yaml' ? writeYamlConfig(parsed.statements, header) : writeKeepalivedConfig(parsed.statements, header));
  return 0;
}
