import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasNetnsSupport } from '../../lab/netns/index.js';
import { VigilLab } from '../../lab/VigilLab.js';
import { EXIT_USAGE } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';

export const LAB_USAGE = `Usage: vigil lab [--duration SECONDS] [--no-failover]

Builds a network-namespace lab (a client, directors d1 and d2 running Vigil from
config/lab.conf, real servers rs1 and rs2), shows live VRRP state once a second, kills
Vigil on d1 (kill -9), restarts it, and removes everything again. Needs root.

  --duration SECONDS   upper bound on the whole run (default 120); with
                       --no-failover, how long to watch (default: until Ctrl-C)
  --no-failover        only build the lab and watch it
Exit codes: 0 the lab behaved (one master at a time; failover and preemption seen),
1 it did not, 2 usage error / not root / network namespaces unavailable, 130 interrupted.`;

/** Enough for election, kill, failover, restart and preemption with room to spare on a loaded machine. */
const DEFAULT_SCENARIO_SECONDS = 120;
export const EXIT_LAB_FAILED = 1;
/** 128 + SIGINT, what a shell reports for a program ended by Ctrl-C. */
export const EXIT_LAB_INTERRUPTED = 130;

export interface LabArgs {
  durationMs: number | undefined;
  failover: boolean;
}

export function parseLabArgs(argv: readonly string[]): { ok: true; args: LabArgs } | { ok: false; error: string } {
  let durationMs: number | undefined;
  let failover = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--no-failover') failover = false;
    else if (a === '--duration' || a.startsWith('--duration=')) {
      const text = a === '--duration' ? argv[++i] : a.slice('--duration='.length);
      const seconds = Number(text);
      if (text === undefined || text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        return { ok: false, error: `--duration needs a positive number of seconds, not '${text ?? ''}'` };
      }
      durationMs = Math.round(seconds * 1000);
    } else return { ok: false, error: `unknown argument '${a}'` };
  }
  if (failover) durationMs ??= DEFAULT_SCENARIO_SECONDS * 1000;
  return { ok: true, args: { durationMs, failover } };
}

/** dist/src/cli/commands -> the package root, where config/lab.conf and dist/ live. */
function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

/**
 * `vigil lab`: checks root and network-namespace support (exit 2 with a clear message
 * otherwise), then runs the lab; SIGINT/SIGTERM/SIGHUP stop it gracefully, a second one
 * removes everything at once.
 */
export async function runLabCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(LAB_USAGE + '\n');
    return 0;
  }
  const parsed = parseLabArgs(argv);
  if (!parsed.ok) {
    io.stderr(`vigil lab: ${parsed.error}\n${LAB_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (process.getuid?.() !== 0) {
    io.stderr('vigil lab: needs root (it creates network namespaces, bridges and raw sockets); run it as root, e.g. with sudo\n');
    return EXIT_USAGE;
  }
  const support = await hasNetnsSupport();
  if (!support.ok) {
    io.stderr(`vigil lab: network namespaces do not work here: ${support.reason}\n`);
    return EXIT_USAGE;
  }
  const root = packageRoot();
  const vigilMain = join(root, 'dist', 'src', 'cli', 'main.js');
  const configFile = join(root, 'config', 'lab.conf');
  for (const f of [vigilMain, configFile]) {
    if (!existsSync(f)) {
      io.stderr(`vigil lab: ${f} is missing; run 'npm run build' in ${root}\n`);
      return EXIT_USAGE;
    }
  }

  const abort = new AbortController();
  let lab: VigilLab | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!abort.signal.aborted) {
      io.stderr(`vigil lab: ${signal}: stopping the lab (again to remove it at once)\n`);
      abort.abort();
      return;
    }
    lab?.forceCleanup();
    process.exit(EXIT_LAB_INTERRUPTED);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    lab = new VigilLab({
      vigilMain,
      configFile,
      failover: parsed.args.failover,
      durationMs: parsed.args.durationMs,
      print: (line) => io.stdout(line + '\n'),
      signal: abort.signal,
    });
    const outcome = await lab.run();
    if (outcome.ok) {
      io.stdout(`vigil lab: PASS${parsed.args.failover ? ' (one master at a time; failover and preemption seen)' : ' (one master at a time)'}\n`);
      return 0;
    }
    if (outcome.error.code === 'LAB_INTERRUPTED') {
      io.stdout('vigil lab: interrupted\n');
      return EXIT_LAB_INTERRUPTED;
    }
    io.stdout(`vigil lab: FAIL [${outcome.error.code}] ${outcome.error.message}\n`);
    return EXIT_LAB_FAILED;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
