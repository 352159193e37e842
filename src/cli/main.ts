#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { defaultDaemonOptions, parseCliArgs, USAGE, type CliCommand } from './CliOptions.js';
import { EXIT_USAGE } from './DiagnosticReport.js';
import { processIo, type CommandIo } from './commands/CommandIo.js';
import { runConfigTest } from './commands/configTest.js';
import { runDumpConf } from './commands/dumpConf.js';
import { runConfigConvert } from './commands/configConvert.js';
import { runDaemon } from './commands/daemon.js';
import { runStatus } from './commands/status.js';
import { runReload } from './commands/reload.js';
import { runIpvsCommand } from './commands/ipvsCommand.js';
import { runLabCommand } from './commands/lab.js';

function packageVersion(): string {
  // dist/src/cli/main.js -> package.json three levels up (also works from src/ under vitest).
  for (const up of ['../../..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vigil' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

export async function runCli(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  // `vigil ipvs` has options of its own (--stats, --rate, ...) that the global parser does not know.
  if (argv[0] === 'ipvs') return runIpvsCommand(argv.slice(1), io);
  if (argv[0] === 'lab') return runLabCommand(argv.slice(1), io);
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.stderr(`vigil: ${parsed.error}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const cmd: CliCommand = parsed.command;
  switch (cmd.kind) {
    case 'help':
      io.stdout(USAGE + '\n');
      return 0;
    case 'version':
      io.stdout(`Vigil v${packageVersion()} (keepalived 2.2.7 configuration language, Node ${process.versions.node})\n`);
      return 0;
    case 'config-test':
      return runConfigTest(cmd.options, io, cmd.logFile);
    case 'dump-conf':
      return runDumpConf(cmd.options, io);
    case 'config-convert':
      return runConfigConvert(cmd.file, cmd.to, cmd.options, io);
    case 'subcommand':
      if (cmd.name === 'ipvs') {
        const defaults = {
          configFile: cmd.options.configFile,
          json: cmd.options.json,
          pidFile: cmd.options.pidFile,
          ...(cmd.options.configId !== undefined && { configId: cmd.options.configId }),
        };
        return runIpvsCommand(cmd.args, io, defaults);
      }
      if (cmd.name === 'lab') return runLabCommand(cmd.args, io);
      if (cmd.name === 'status') {
        // The daemon puts its control socket beside its pid file (`-p`).
        const socketPath = cmd.options.pidFile !== defaultDaemonOptions().pidFile ? join(dirname(cmd.options.pidFile), 'control.sock') : undefined;
        return runStatus({ json: cmd.options.json, ...(socketPath !== undefined && { socketPath }) }, io);
      }
      if (cmd.name === 'reload') {
        const socketPath = cmd.options.pidFile !== defaultDaemonOptions().pidFile ? join(dirname(cmd.options.pidFile), 'control.sock') : undefined;
        return runReload({ json: cmd.options.json, ...(socketPath !== undefined && { socketPath }) }, io);
      }
      io.stderr(`vigil ${cmd.name}: not available in this version of Vigil (see README, "Status")\n`);
      return EXIT_USAGE;
    case 'daemon':
      return runDaemon(cmd.options, io);
  }
}

// Run when executed directly (`node dist/src/cli/main.js`); bin/vigil.js calls runCli itself.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`vigil: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
