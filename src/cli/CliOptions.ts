/**
 * keepalived-compatible command-line flags (keepalived(8)), plus Vigil's subcommands.
 * Parsing is pure: argv in, a typed result out, so every flag is unit-tested.
 */

import { parseMetricsEndpoint } from '../supervisor/MetricsEndpointText.js';
import { DEFAULT_METRICS_ENDPOINT, type MetricsEndpoint } from '../supervisor/MetricsHttpServer.js';

export interface DaemonOptions {
  configFile: string;
  /** -P: run only the VRRP side. */
  vrrpOnly: boolean;
  /** -C: run only the checker + IPVS side. */
  checkOnly: boolean;
  /** -n: stay in the foreground (Vigil never forks itself; kept for compatibility). */
  dontFork: boolean;
  /** -l: human console lines instead of JSON. */
  logConsole: boolean;
  /** -D: detailed (debug) logging. */
  logDetail: boolean;
  /** -V: leave VIPs/routes in place on exit. */
  dontReleaseVrrp: boolean;
  /** -I: leave IPVS entries in place on exit. */
  dontReleaseIpvs: boolean;
  /** -X: remove VIPs left over from a previous run at start. */
  releaseVips: boolean;
  /** -R: do not respawn crashed children. */
  dontRespawn: boolean;
  pidFile: string;
  vrrpPidFile: string;
  checkersPidFile: string;
  /** -i: selects `@ID` conditional lines; default is the first label of the hostname. */
  configId?: string;
  /** --json: machine-readable diagnostics / dumps. */
  json: boolean;
  /** --metrics: where Prometheus metrics are served, `null` = off (default 127.0.0.1:9650). */
  metrics: MetricsEndpoint | null;
}

export type CliCommand =
  | { kind: 'daemon'; options: DaemonOptions }
  | { kind: 'config-test'; options: DaemonOptions; logFile?: string }
  | { kind: 'dump-conf'; options: DaemonOptions }
  | { kind: 'config-convert'; options: DaemonOptions; file: string; to: 'yaml' | 'keepalived' }
  | { kind: 'subcommand'; name: 'status' | 'ipvs' | 'lab' | 'reload'; args: string[]; options: DaemonOptions }
  | { kind: 'version' }
  | { kind: 'help' };

export type CliParseResult = { ok: true; command: CliCommand } | { ok: false; error: string };

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

export function defaultDaemonOptions(): DaemonOptions {
  return {
    configFile: DEFAULT_CONFIG_FILE,
    vrrpOnly: false,
    checkOnly: false,
    dontFork: false,
    logConsole: false,
    logDetail: false,
    dontReleaseVrrp: false,
    dontReleaseIpvs: false,
    releaseVips: false,
    dontRespawn: false,
    pidFile: '/run/vigil/vigil.pid',
    vrrpPidFile: '/run/vigil/vrrp.pid',
    checkersPidFile: '/run/vigil/checkers.pid',
    json: false,
    metrics: DEFAULT_METRICS_ENDPOINT,
  };
}

interface FlagSpec {
  long: string;
  short?: string;
  /** 'none': boolean flag; 'required': needs a value; 'optional': only `--x=v` or `-xV` form. */
  arg: 'none' | 'required' | 'optional';
}

const FLAGS: readonly FlagSpec[] = [
  { long: 'use-file', short: 'f', arg: 'required' },
  { long: 'vrrp', short: 'P', arg: 'none' },
  { long: 'check', short: 'C', arg: 'none' },
  { long: 'dont-fork', short: 'n', arg: 'none' },
  { long: 'log-console', short: 'l', arg: 'none' },
  { long: 'log-detail', short: 'D', arg: 'none' },
  { long: 'dont-release-vrrp', short: 'V', arg: 'none' },
  { long: 'dont-release-ipvs', short: 'I', arg: 'none' },
  { long: 'release-vips', short: 'X', arg: 'none' },
  { long: 'dont-respawn', short: 'R', arg: 'none' },
  { long: 'dump-conf', short: 'd', arg: 'none' },
  { long: 'pid', short: 'p', arg: 'required' },
  { long: 'vrrp_pid', short: 'r', arg: 'required' },
  { long: 'checkers_pid', short: 'c', arg: 'required' },
  { long: 'config-id', short: 'i', arg: 'required' },
  { long: 'config-test', short: 't', arg: 'optional' },
  { long: 'version', short: 'v', arg: 'none' },
  { long: 'help', short: 'h', arg: 'none' },
  { long: 'json', arg: 'none' },
  { long: 'to', arg: 'required' },
  { long: 'metrics', arg: 'required' },
  // keepalived flags accepted for compatibility that change nothing in Vigil.
  { long: 'log-facility', short: 'S', arg: 'required' },
  { long: 'no-syslog', short: 'G', arg: 'none' },
  { long: 'log-file', short: 'g', arg: 'optional' },
  { long: 'core-dump', short: 'm', arg: 'none' },
  { long: 'no_bfd', short: 'B', arg: 'none' },
  { long: 'all', arg: 'none' },
];

// keepalived spells some long options with underscores and some with dashes; accept both.
const normalise = (s: string): string => s.replace(/_/g, '-');
const BY_LONG = new Map(FLAGS.map((f) => [normalise(f.long), f]));
const BY_SHORT = new Map(FLAGS.filter((f) => f.short).map((f) => [f.short as string, f]));

const SUBCOMMANDS = new Set(['status', 'ipvs', 'lab', 'reload', 'config']);

export function parseCliArgs(argv: readonly string[]): CliParseResult {
  const opts = defaultDaemonOptions();
  const seen = new Map<string, string | true>();
  const positional: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = normalise(eq >= 0 ? a.slice(2, eq) : a.slice(2));
      const spec = BY_LONG.get(name);
      if (!spec) return { ok: false, error: `unknown option '--${name}'` };
      if (spec.arg === 'none') {
        if (eq >= 0) return { ok: false, error: `option '--${spec.long}' takes no value` };
        seen.set(spec.long, true);
      } else if (eq >= 0) {
        seen.set(spec.long, a.slice(eq + 1));
      } else if (spec.arg === 'required') {
        const v = argv[i + 1];
        if (v === undefined) return { ok: false, error: `option '--${spec.long}' needs a value` };
        seen.set(spec.long, v);
        i++;
      } else {
        seen.set(spec.long, true);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // Clustered short flags: `-nlD`, `-fFILE`, `-f FILE`.
      for (let j = 1; j < a.length; j++) {
        const ch = a[j] as string;
        const spec = BY_SHORT.get(ch);
        if (!spec) return { ok: false, error: `unknown option '-${ch}'` };
        if (spec.arg === 'none') {
          seen.set(spec.long, true);
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest.length > 0) {
          seen.set(spec.long, rest);
        } else if (spec.arg === 'required') {
          const v = argv[i + 1];
          if (v === undefined) return { ok: false, error: `option '-${ch}' needs a value` };
          seen.set(spec.long, v);
          i++;
        } else {
          seen.set(spec.long, true);
        }
        break;
      }
      continue;
    }
    positional.push(a);
  }

  const str = (k: string): string | undefined => {
    const v = seen.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const has = (k: string): boolean => seen.has(k);

  if (has('use-file')) opts.configFile = str('use-file') as string;
  opts.vrrpOnly = has('vrrp');
  opts.checkOnly = has('check');
  if (opts.vrrpOnly && opts.checkOnly) return { ok: false, error: "'-P/--vrrp' and '-C/--check' cannot be combined" };
  opts.dontFork = has('dont-fork');
  opts.logConsole = has('log-console');
  opts.logDetail = has('log-detail');
  opts.dontReleaseVrrp = has('dont-release-vrrp');
  opts.dontReleaseIpvs = has('dont-release-ipvs');
  opts.releaseVips = has('release-vips');
  opts.dontRespawn = has('dont-respawn');
  opts.json = has('json');
  if (has('pid')) opts.pidFile = str('pid') as string;
  if (has('vrrp_pid')) opts.vrrpPidFile = str('vrrp_pid') as string;
  if (has('checkers_pid')) opts.checkersPidFile = str('checkers_pid') as string;
  const metricsText = str('metrics');
  if (metricsText !== undefined) {
    const parsed = parseMetricsEndpoint(metricsText);
    if (!parsed.ok) return { ok: false, error: `--metrics: ${parsed.error}` };
    opts.metrics = parsed.endpoint;
  }
  const configId = str('config-id');
  if (configId !== undefined) opts.configId = configId;

  if (has('help')) return { ok: true, command: { kind: 'help' } };
  if (has('version')) return { ok: true, command: { kind: 'version' } };

  const first = positional[0];
  if (first !== undefined) {
    if (!SUBCOMMANDS.has(first)) return { ok: false, error: `unknown command '${first}' (see 'vigil --help')` };
    if (first === 'config') {
      const [, verb, file] = positional;
      if (verb !== 'convert' || file === undefined) return { ok: false, error: "usage: vigil config convert FILE --to yaml|keepalived" };
      const to = str('to');
      if (to !== 'yaml' && to !== 'keepalived') return { ok: false, error: "'vigil config convert' needs --to yaml or --to keepalived" };
      return { ok: true, command: { kind: 'config-convert', options: opts, file, to } };
    }
    return { ok: true, command: { kind: 'subcommand', name: first as 'status' | 'ipvs' | 'lab' | 'reload', args: positional.slice(1), options: opts } };
  }

  if (has('config-test')) {
    const logFile = str('config-test');
    return { ok: true, command: logFile ? { kind: 'config-test', options: opts, logFile } : { kind: 'config-test', options: opts } };
  }
  if (has('dump-conf')) return { ok: true, command: { kind: 'dump-conf', options: opts } };
  return { ok: true, command: { kind: 'daemon', options: opts } };
}

export const USAGE = `Usage: vigil [OPTION...]            run the daemon (keepalived-compatible flags)
       vigil -t [-f FILE] [--json]   check a configuration and exit
       vigil -d [-f FILE]            print the fully resolved configuration as JSON
       vigil config convert FILE --to yaml|keepalived
       vigil ipvs list [--stats|--rate] [--json] | vigil ipvs diff [-f FILE]
       vigil status [--json] [-p PIDFILE] | vigil reload [-p PIDFILE]
       vigil lab [--vm] [--duration SECONDS] [--no-failover]

  -f, --use-file=FILE          use FILE (default ${DEFAULT_CONFIG_FILE})
  -P, --vrrp                   only run the VRRP side
  -C, --check                  only run the checker and IPVS side
  -n, --dont-fork              stay in the foreground
  -l, --log-console            human-readable log lines on the console
  -D, --log-detail             detailed (debug) logging
  -V, --dont-release-vrrp      leave VIPs in place on exit
  -I, --dont-release-ipvs      leave IPVS entries in place on exit
  -X, --release-vips           remove VIPs left by a previous run
  -R, --dont-respawn           do not respawn crashed children
  -p, --pid=FILE               parent pid file
  -r, --vrrp_pid=FILE          VRRP child pid file
  -c, --checkers_pid=FILE      checker child pid file
  -i, --config-id=ID           select @ID conditional lines (default: short hostname)
  -t, --config-test[=FILE]     check the configuration, print diagnostics, exit
  -d, --dump-conf              print the resolved configuration as JSON
      --json                   machine-readable output for -t / -d / status
      --metrics=off|PORT|ADDR:PORT  Prometheus metrics endpoint (default 127.0.0.1:9650)
  -v, --version                print the version
  -h, --help                   this help

Exit codes of -t: 0 the configuration would load (warnings are printed), 2 usage error,
5 errors (the configuration would be refused, as keepalived -t also exits 5).`;
