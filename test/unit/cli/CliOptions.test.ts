import { describe, expect, it } from 'vitest';
import { parseCliArgs, DEFAULT_CONFIG_FILE, type CliCommand } from '../../../src/cli/CliOptions.js';

function command(argv: string[]): CliCommand {
  const r = parseCliArgs(argv);
  if (!r.ok) throw new Error(r.error);
  return r.command;
}

function daemonOptions(argv: string[]) {
  const c = command(argv);
  if (!('options' in c)) throw new Error(`no options for ${c.kind}`);
  return c.options;
}

describe('parseCliArgs', () => {
  it('defaults to the daemon with keepalived.conf', () => {
    const c = command([]);
    expect(c.kind).toBe('daemon');
    expect(daemonOptions([]).configFile).toBe(DEFAULT_CONFIG_FILE);
  });

  it('accepts -f FILE, -fFILE, --use-file FILE and --use-file=FILE', () => {
    for (const argv of [['-f', '/x.conf'], ['-f/x.conf'], ['--use-file', '/x.conf'], ['--use-file=/x.conf']]) {
      expect(daemonOptions(argv).configFile).toBe('/x.conf');
    }
  });

  it('accepts clustered short flags the way keepalived users write them', () => {
    const o = daemonOptions(['-nlD', '-P']);
    expect(o).toMatchObject({ dontFork: true, logConsole: true, logDetail: true, vrrpOnly: true, checkOnly: false });
  });

  it('maps the release flags', () => {
    expect(daemonOptions(['-V', '-I', '-X', '-R'])).toMatchObject({
      dontReleaseVrrp: true,
      dontReleaseIpvs: true,
      releaseVips: true,
      dontRespawn: true,
    });
  });

  it('takes the pid files in both spellings', () => {
    const o = daemonOptions(['-p', '/run/a.pid', '--vrrp_pid=/run/b.pid', '--checkers-pid', '/run/c.pid']);
    expect(o).toMatchObject({ pidFile: '/run/a.pid', vrrpPidFile: '/run/b.pid', checkersPidFile: '/run/c.pid' });
  });

  it('takes --config-id / -i', () => {
    expect(daemonOptions(['-i', 'high']).configId).toBe('high');
    expect(daemonOptions(['--config-id=low']).configId).toBe('low');
    expect(daemonOptions([]).configId).toBeUndefined();
  });

  it('recognises -t with and without a log file, and --json', () => {
    expect(command(['-t'])).toMatchObject({ kind: 'config-test' });
    expect(command(['--config-test=/tmp/t.log'])).toMatchObject({ kind: 'config-test', logFile: '/tmp/t.log' });
    expect(command(['-t', '--json', '-f', 'a.conf'])).toMatchObject({ kind: 'config-test', options: { json: true, configFile: 'a.conf' } });
  });

  it('recognises -d, -v and -h, with help and version taking precedence', () => {
    expect(command(['-d']).kind).toBe('dump-conf');
    expect(command(['-v']).kind).toBe('version');
    expect(command(['-t', '-h']).kind).toBe('help');
  });

  it('parses subcommands', () => {
    expect(command(['status', '--json'])).toMatchObject({ kind: 'subcommand', name: 'status', options: { json: true } });
    expect(command(['ipvs', 'list'])).toMatchObject({ kind: 'subcommand', name: 'ipvs', args: ['list'] });
    expect(command(['config', 'convert', 'k.conf', '--to', 'yaml'])).toEqual(
      expect.objectContaining({ kind: 'config-convert', file: 'k.conf', to: 'yaml' }),
    );
  });

  it('rejects what it does not know, naming it', () => {
    expect(parseCliArgs(['-Z'])).toEqual({ ok: false, error: "unknown option '-Z'" });
    expect(parseCliArgs(['--frobnicate'])).toEqual({ ok: false, error: "unknown option '--frobnicate'" });
    expect(parseCliArgs(['-f'])).toEqual({ ok: false, error: "option '-f' needs a value" });
    expect(parseCliArgs(['--dont-fork=yes'])).toEqual({ ok: false, error: "option '--dont-fork' takes no value" });
    expect(parseCliArgs(['frob'])).toEqual({ ok: false, error: "unknown command 'frob' (see 'vigil --help')" });
    expect(parseCliArgs(['-P', '-C']).ok).toBe(false);
    expect(parseCliArgs(['config', 'convert', 'x.conf']).ok).toBe(false);
  });
});
