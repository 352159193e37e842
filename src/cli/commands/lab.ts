import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labKeyActions, type LabKeyAction } from '../../lab/LabKeys.js';
import { runLabInKernelVm } from '../../lab/LabKernelVmRun.js';
import { hasNetnsSupport } from '../../lab/netns/index.js';
import { VigilLab } from '../../lab/VigilLab.js';
import { EXIT_USAGE } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';

export const LAB_USAGE = `Usage: vigil lab [--duration SECONDS] [--no-failover | --vm]

Builds a network-namespace lab (a client, directors d1 and d2 running Vigil from
config/lab.conf, real servers rs1 and rs2), shows live VRRP state and the directors' view
of the real servers once a second, stops rs1's HTTP server and starts it again, shows the
LVS path (ipvsadm -Ln, the client's GETs of 203.0.113.100) where the kernel has IPVS, kills
Vigil on d1 (kill -9), restarts it, and removes everything again. Needs root.

  --duration SECONDS   upper bound on the whole run (default 120, 420 with --vm); with
                       --no-failover, how long to watch (default: until Ctrl-C)
  --no-failover        only build the lab and watch it; on a terminal, keys: k kill -9 the
                       MASTER's Vigil, r restart it, 1 / 2 stop or start rs1 / rs2, q quit
  --vm                 run the scripted lab inside Debian's kernel under qemu (for a host
                       kernel without IPVS); its output streams here
  --in-vm              (what --vm runs inside the VM: the scripted lab, waits stretched)
Exit codes: 0 the lab behaved (one master at a time; failover and preemption seen),
1 it did not, 2 usage error / not root / network namespaces or the VM unavailable,
130 interrupted.`;

/** Enough for election, real server stop/start, kill, failover, restart and preemption on a loaded machine. */
const DEFAULT_SCENARIO_SECONDS = 120;
/** The same inside the kernel VM, where everything runs several times slower. */
const DEFAULT_VM_SCENARIO_SECONDS = 420;
/** How much longer every wait of the scenario is inside the kernel VM (programs run 5-45x slower there). */
export const IN_VM_TIME_SCALE = 6;
export const EXIT_LAB_FAILED = 1;
/** 128 + SIGINT, what a shell reports for a program ended by Ctrl-C. */
export const EXIT_LAB_INTERRUPTED = 130;

/** Where the lab runs: here, in the kernel VM (the host side of --vm), or as the guest of --vm. */
export type LabPlace = 'host' | 'vm' | 'in-vm';

export interface LabArgs {
  durationMs: number | undefined;
  failover: boolean;
  place: LabPlace;
}

export function parseLabArgs(argv: readonly string[]): { ok: true; args: LabArgs } | { ok: false; error: string } {
  let durationMs: number | undefined;
  let failover = true;
  let place: LabPlace = 'host';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--no-failover') failover = false;
    else if (a === '--vm') place = 'vm';
    else if (a === '--in-vm') place = 'in-vm';
    else if (a === '--duration' || a.startsWith('--duration=')) {
      const text = a === '--duration' ? argv[++i] : a.slice('--duration='.length);
      const seconds = Number(text);
      if (text === undefined || text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        return { ok: false, error: `--duration needs a positive number of seconds, not '${text ?? ''}'` };
      }
      durationMs = Math.round(seconds * 1000);
    } else return { ok: false, error: `unknown argument '${a}'` };
  }
  if (!failover && place !== 'host') return { ok: false, error: '--vm runs the scripted scenario; --no-failover cannot go with it' };
  if (failover) durationMs ??= (place === 'host' ? DEFAULT_SCENARIO_SECONDS : DEFAULT_VM_SCENARIO_SECONDS) * 1000;
  return { ok: true, args: { durationMs, failover, place } };
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
  const root = packageRoot();
  const vigilMain = join(root, 'dist', 'src', 'cli', 'main.js');
  const configFile = join(root, 'config', 'lab.conf');
  for (const f of [vigilMain, configFile]) {
    if (!existsSync(f)) {
      io.stderr(`vigil lab: ${f} is missing; run 'npm run build' in ${root}\n`);
      return EXIT_USAGE;
    }
  }
  if (parsed.args.place === 'vm') return runLabVm(vigilMain, parsed.args.durationMs ?? DEFAULT_VM_SCENARIO_SECONDS * 1000, io);
  const support = await hasNetnsSupport();
  if (!support.ok) {
    io.stderr(`vigil lab: network namespaces do not work here: ${support.reason}\n`);
    return EXIT_USAGE;
  }

  const abort = new AbortController();
  let lab: VigilLab | undefined;
  // `why` is the signal, or the key pressed in the live view (raw mode turns Ctrl-C into a key).
  const onSignal = (why: string): void => {
    if (!abort.signal.aborted) {
      io.stderr(`vigil lab: ${why}: stopping the lab (again to remove it at once)\n`);
      abort.abort();
      return;
    }
    lab?.forceCleanup();
    process.exit(EXIT_LAB_INTERRUPTED);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  // Keys only where someone can press them: watch mode on a terminal.
  const keyboard = !parsed.args.failover && process.stdin.isTTY ? terminalKeys(process.stdin, (key) => onSignal(key)) : undefined;
  try {
    lab = new VigilLab({
      vigilMain,
      configFile,
      failover: parsed.args.failover,
      durationMs: parsed.args.durationMs,
      print: (line) => io.stdout(line + '\n'),
      signal: abort.signal,
      // Inside the VM only the working directory outlives the guest: a failed run's logs go there.
      ...(parsed.args.place === 'in-vm' && { timeScale: IN_VM_TIME_SCALE, insideKernelVm: true, logParent: process.cwd() }),
      ...(keyboard !== undefined && { keys: keyboard.subscribe }),
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
    keyboard?.close();
    for (const s of signals) process.off(s, onSignal);
  }
}

/** The terminal in raw mode, its keys as lab actions; `q` and Ctrl-C call `onQuit`. */
function terminalKeys(stdin: NodeJS.ReadStream, onQuit: (key: string) => void): { subscribe: (l: (a: LabKeyAction) => void) => () => void; close: () => void } {
  const listeners = new Set<(a: LabKeyAction) => void>();
  const onData = (chunk: Buffer): void => {
    for (const action of labKeyActions(chunk.toString('utf8'))) {
      if (action.kind === 'quit') onQuit(action.key);
      else for (const l of listeners) l(action);
    }
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  return {
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

/** `vigil lab --vm`: the scripted lab inside the kernel VM, its output streamed here. */
async function runLabVm(vigilMain: string, durationMs: number, io: CommandIo): Promise<number> {
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    io.stderr(`vigil lab: ${signal}: powering the VM off\n`);
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    const outcome = await runLabInKernelVm({ vigilMain, durationMs, stdout: (t) => io.stdout(t), stderr: (t) => io.stderr(t), signal: abort.signal });
    if (outcome.ok) {
      io.stdout('vigil lab --vm: PASS (the LVS path, real server stop/start, failover and preemption seen inside the kernel VM)\n');
      return 0;
    }
    const code = outcome.error.code;
    if (code === 'LAB_INTERRUPTED') {
      io.stdout('vigil lab --vm: interrupted\n');
      return EXIT_LAB_INTERRUPTED;
    }
    if (code === 'LAB_VM_UNAVAILABLE' || code === 'LAB_VM_ASSETS_MISSING') {
      io.stderr(`vigil lab --vm: ${outcome.error.message}\n`);
      return EXIT_USAGE;
    }
    io.stdout(`vigil lab --vm: FAIL [${code}] ${outcome.error.message}\n`);
    return EXIT_LAB_FAILED;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
