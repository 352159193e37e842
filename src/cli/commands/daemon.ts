import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { formatDiagnosticLine } from '../../config/Diagnostic.js';
import { createLogger } from '../../log/Logger.js';
import type { DaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS, EXIT_USAGE } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { parseOptions } from './configTest.js';

/**
 * The daemon entry. It loads and validates the configuration exactly as the runtime will; the
 * VRRP/checker runtime itself lands with the VRRP and runtime issues, and until then this says
 * so plainly instead of pretending to run.
 */
export function runDaemon(options: DaemonOptions, _io: CommandIo): number {
  const log = createLogger({ console: options.logConsole || Boolean(process.stdout.isTTY), detail: options.logDetail, proc: 'parent' });
  log.info({ configFile: options.configFile }, `Starting Vigil, reading ${options.configFile}`);
  const loaded = modelFromParsed(parseAnyConfigFile(options.configFile, parseOptions(options)));
  for (const d of loaded.diagnostics) {
    const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info';
    log[level]({ code: d.code, ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}) }, formatDiagnosticLine(d));
  }
  if (!loaded.model) {
    log.error({ reason: 'config-invalid' }, 'Configuration refused, not starting');
    return EXIT_CONFIG_ERRORS;
  }
  log.error({ reason: 'runtime-unavailable' }, 'The VRRP and checker runtime is not part of this Vigil release yet; use `vigil -t` / `vigil -d`');
  return EXIT_USAGE;
}
