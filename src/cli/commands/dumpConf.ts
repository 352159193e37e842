import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import type { DaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS, renderDiagnosticsText } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { parseOptions } from './configTest.js';
import { redactSecrets } from '../../config/redactSecrets.js';

/** `vigil -d`: the resolved model (defaults applied, includes and macros expanded) as JSON. */
export function runDumpConf(options: DaemonOptions, io: CommandIo): number {
  const loaded = modelFromParsed(parseAnyConfigFile(options.configFile, parseOptions(options)));
  if (!loaded.model) {
    io.stderr(renderDiagnosticsText(loaded.diagnostics, loaded.sources) + '\n');
    return EXIT_CONFIG_ERRORS;
  }
  io.stdout(JSON.stringify(redactSecrets(loaded.model), null, 2) + '\n');
  return 0;
}
