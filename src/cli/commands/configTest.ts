import { writeFileSync } from 'node:fs';
import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import type { DaemonOptions } from '../CliOptions.js';
import { summariseConfig } from '../ConfigSummary.js';
import { configTestExitCode, countDiagnostics, renderDiagnosticsJson, renderDiagnosticsText } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';

/** `vigil -t`: every diagnostic, then a verdict and (when valid) what Vigil would run. */
export function runConfigTest(options: DaemonOptions, io: CommandIo, logFile?: string): number {
  const loaded = modelFromParsed(parseAnyConfigFile(options.configFile, parseOptions(options)));
  const code = configTestExitCode(loaded.diagnostics);
  let report: string;
  if (options.json) {
    report = renderDiagnosticsJson(options.configFile, loaded.diagnostics) + '\n';
    io.stdout(report);
  } else {
    // Diagnostics go to stderr; the verdict and summary to stdout when the config would load.
    const c = countDiagnostics(loaded.diagnostics);
    const diagnostics = loaded.diagnostics.length > 0 ? renderDiagnosticsText(loaded.diagnostics, loaded.sources) + '\n\n' : '';
    const counts = `${c.errors} error(s), ${c.warnings} warning(s), ${c.notes} note(s)`;
    const verdict = loaded.model
      ? `${options.configFile}: configuration OK (${counts})\n${summariseConfig(loaded.model)}\n`
      : `${options.configFile}: configuration REFUSED (${counts})\n`;
    if (diagnostics) io.stderr(diagnostics);
    (loaded.model ? io.stdout : io.stderr)(verdict);
    report = diagnostics + verdict;
  }
  if (logFile) writeFileSync(logFile, report);
  return code;
}

export function parseOptions(options: DaemonOptions): { configId?: string } {
  return options.configId !== undefined ? { configId: options.configId } : {};
}
