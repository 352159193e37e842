import { dirname } from 'node:path';
import { modelFromParsed } from '../../config/loadConfig.js';
import { parseAnyConfigFile } from '../../config/parseAnyConfigFile.js';
import { isVigilError } from '../../core/VigilError.js';
import { IpvsClient, type IpvsDumpOptions, type IpvsLiveTable } from '../../ipvs/IpvsClient.js';
import type { IpvsInfo } from '../../ipvs/IpvsModel.js';
import { ipvsOwnershipPath, IpvsOwnershipStore, type IpvsOwnershipLoad } from '../../ipvs/IpvsOwnershipStore.js';
import { planReload } from '../../ipvs/ReloadPlan.js';
import { DEFAULT_CONFIG_FILE, defaultDaemonOptions } from '../CliOptions.js';
import { EXIT_CONFIG_ERRORS, EXIT_USAGE, renderDiagnosticsText } from '../DiagnosticReport.js';
import type { CommandIo } from './CommandIo.js';
import { formatReloadPlan, formatReloadPlanJson } from './ipvsDiffFormat.js';
import { formatIpvsList, formatIpvsListJson, type IpvsListMode } from './ipvsListFormat.js';

/** The kernel side of `vigil ipvs`, injectable for tests. */
export interface IpvsCommandKernel {
  info(): Promise<IpvsInfo>;
  dumpTable(options?: IpvsDumpOptions): Promise<IpvsLiveTable>;
  close(): void;
}

export interface IpvsCommandDeps {
  readonly openKernel?: () => Promise<IpvsCommandKernel>;
  /** Reads the ownership record at a path (default: IpvsOwnershipStore). */
  readonly loadOwnershipRecord?: (path: string) => Promise<IpvsOwnershipLoad>;
}

/** What the global flags before `ipvs` already gave (`-f`, `-i`, `--json`, `-p`). */
export interface IpvsCommandDefaults {
  readonly configFile?: string;
  readonly configId?: string;
  readonly json?: boolean;
  /** `-p`: the daemon's run directory is its directory, and the ownership record lives there. */
  readonly pidFile?: string;
}

/** Exit status when the kernel cannot be asked (no IPVS, no privilege, a failed dump). */
export const EXIT_IPVS_UNAVAILABLE = 1;

export const IPVS_USAGE = `Usage: vigil ipvs list [--stats|--rate] [--exact] [--json]
       vigil ipvs diff [-f FILE] [-p PIDFILE] [--json]

  list   the kernel's IPVS table in ipvsadm -Ln's layout
  diff   the operations a reload with FILE (default ${DEFAULT_CONFIG_FILE}) would apply to the
         live table, as ipvsadm commands; nothing is changed. Entries a previous Vigil run
         left behind (named by ipvs-owned.json beside PIDFILE, default
         ${defaultDaemonOptions().pidFile}) are shown as removed`;

type IpvsRequest =
  | { readonly verb: 'list'; readonly mode: IpvsListMode; readonly exact: boolean; readonly json: boolean }
  | { readonly verb: 'diff'; readonly file: string; readonly pidFile: string; readonly json: boolean; readonly configId?: string };

function parse(args: readonly string[], defaults: IpvsCommandDefaults): IpvsRequest | string {
  const [verb, ...rest] = args;
  let json = defaults.json ?? false;
  if (verb === 'list') {
    let mode: IpvsListMode = 'plain';
    let exact = false;
    for (const arg of rest) {
      if (arg === '--stats' || arg === '--rate') {
        const next = arg === '--stats' ? 'stats' : 'rate';
        if (mode !== 'plain' && mode !== next) return "'--stats' and '--rate' cannot be combined";
        mode = next;
      } else if (arg === '--exact' || arg === '-x') exact = true;
      else if (arg === '--json') json = true;
      else if (arg === '-n' || arg === '--numeric') continue;
      else return `unknown option '${arg}' for 'vigil ipvs list'`;
    }
    return { verb, mode, exact, json };
  }
  if (verb === 'diff') {
    let file = defaults.configFile ?? DEFAULT_CONFIG_FILE;
    let pidFile = defaults.pidFile ?? defaultDaemonOptions().pidFile;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i] as string;
      if (arg === '-f' || arg === '--use-file' || arg === '-p' || arg === '--pid') {
        const value = rest[++i];
        if (value === undefined) return `'${arg}' needs a file`;
        if (arg === '-f' || arg === '--use-file') file = value;
        else pidFile = value;
      } else if (arg.startsWith('--use-file=')) file = arg.slice('--use-file='.length);
      else if (arg.startsWith('--pid=')) pidFile = arg.slice('--pid='.length);
      else if (arg === '--json') json = true;
      else return `unknown option '${arg}' for 'vigil ipvs diff'`;
    }
    return { verb, file, pidFile, json, ...(defaults.configId !== undefined && { configId: defaults.configId }) };
  }
  return verb === undefined ? 'missing verb' : `unknown verb '${verb}'`;
}

async function withKernel(io: CommandIo, deps: IpvsCommandDeps, use: (kernel: IpvsCommandKernel) => Promise<number>): Promise<number> {
  let kernel: IpvsCommandKernel;
  try {
    kernel = await (deps.openKernel ?? (() => IpvsClient.open()))();
  } catch (e) {
    io.stderr(`vigil ipvs: ${(e as Error).message}\n`);
    return EXIT_IPVS_UNAVAILABLE;
  }
  try {
    return await use(kernel);
  } catch (e) {
    if (!isVigilError(e)) throw e;
    io.stderr(`vigil ipvs: ${e.message}\n`);
    return EXIT_IPVS_UNAVAILABLE;
  } finally {
    kernel.close();
  }
}

/**
 * `vigil ipvs ...`. `args` are the words after `ipvs`; `defaults` carries global flags
 * already parsed (`-f`, `-i`, `--json`) when the subcommand came after them.
 */
export async function runIpvsCommand(
  args: readonly string[],
  io: CommandIo,
  defaults: IpvsCommandDefaults = {},
  deps: IpvsCommandDeps = {},
): Promise<number> {
  const request = parse(args, defaults);
  if (typeof request === 'string') {
    io.stderr(`vigil ipvs: ${request}\n${IPVS_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (request.verb === 'list') {
    return withKernel(io, deps, async (kernel) => {
      const [info, table] = [await kernel.info(), await kernel.dumpTable()];
      io.stdout(request.json ? formatIpvsListJson(info, table) : formatIpvsList(info, table, request.mode, request.exact));
      return 0;
    });
  }
  const loaded = modelFromParsed(parseAnyConfigFile(request.file, request.configId !== undefined ? { configId: request.configId } : {}));
  if (loaded.model === null) {
    io.stderr(`${renderDiagnosticsText(loaded.diagnostics, loaded.sources)}\nvigil ipvs diff: ${request.file}: configuration refused\n`);
    return EXIT_CONFIG_ERRORS;
  }
  const model = loaded.model;
  const recordPath = ipvsOwnershipPath(dirname(request.pidFile));
  const load = await (deps.loadOwnershipRecord ?? ((path: string) => new IpvsOwnershipStore(path).load()))(recordPath);
  const record = { path: recordPath, load };
  return withKernel(io, deps, async (kernel) => {
    const plan = planReload(model, await kernel.dumpTable({ counters: false }), { recorded: load.kind === 'found' ? load.owned : null });
    io.stdout(request.json ? formatReloadPlanJson(plan, record) : formatReloadPlan(plan, record));
    return 0;
  });
}
