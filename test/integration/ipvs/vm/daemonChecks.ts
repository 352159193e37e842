// Runs INSIDE the kernel VM (as root, Linux 6.1 with IPVS), after ipvsKernelChecks in the
// same boot: the whole daemon (parent, VRRP child, Healthcheck child) programs IPVS from
// a keepalived.conf, reloads on SIGHUP, survives kill -9 of its checker child, and on
// SIGTERM leaves neither its VIP nor its IPVS entries behind; then, stopped with -I and
// restarted with a file lacking a virtual server, it removes that leftover (ipvs-owned.json)
// and nothing foreign. Writes a JSON report (argv[2]) for test/integration/ipvs/IpvsKernel.test.ts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuestReport, ipvsadm } from './GuestReport.js';

const report = new GuestReport();
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const RUN = '/run/vigil-vm-daemon';
const CONF = join(RUN, 'keepalived.conf');
/** Code runs 5-45x slower under TCG: generous bounds, polled. */
const WAIT_MS = 120_000;
const FOREIGN = ['-A -t 203.0.113.60:25 -s rr', '-a -t 203.0.113.60:25 -r 203.0.113.61:25 -m -w 1'];

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

async function until(what: string, predicate: () => boolean, timeoutMs = WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`timed out waiting for ${what}`);
  return false;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveServer(server));
  });
}

function config(realPorts: readonly number[], withHttps: boolean): string {
  const rs = (port: number): string => `    real_server 127.0.0.1 ${port} {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n`;
  const vs = (port: number): string => `virtual_server 192.0.2.100 ${port} {\n    delay_loop 1\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n${realPorts.map(rs).join('')}}\n`;
  return `global_defs {
    router_id vm_daemon
}
vrrp_instance VI_1 {
    state MASTER
    interface vg0
    virtual_router_id 61
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass vmsecret
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
${vs(80)}${withHttps ? vs(443) : ''}`;
}

function saved(): string {
  return ipvsadm('-Sn');
}

function vipPresent(): boolean {
  return ip('-4', 'addr', 'show', 'dev', 'vg0').includes('192.0.2.100/24');
}

const DAEMON_ARGS = ['-n', '-l', '-f', CONF, '-p', join(RUN, 'vigil.pid'), '-r', join(RUN, 'vrrp.pid'), '-c', join(RUN, 'checkers.pid'), '--metrics=off'];

interface RunningDaemon {
  readonly process: ChildProcess;
  output(): string;
  exitCode(): number | null;
}

function startDaemon(extraArgs: readonly string[] = []): RunningDaemon {
  let output = '';
  let exitCode: number | null = null;
  const child = spawn(process.execPath, [resolve(repoRoot, 'dist/src/cli/main.js'), ...DAEMON_ARGS, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', (code) => (exitCode = code));
  return { process: child, output: () => output, exitCode: () => exitCode };
}

/** SIGTERM and wait for the exit; the exit code (null when it did not exit in time). */
async function stopDaemon(daemon: RunningDaemon): Promise<number | null> {
  daemon.process.kill('SIGTERM');
  await until('the daemon to exit', () => daemon.exitCode() !== null);
  return daemon.exitCode();
}

function pidIn(file: string): number {
  try {
    return Number(readFileSync(join(RUN, file), 'utf8').trim());
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const reportPath = process.argv[2] ?? 'daemon-report.json';
  rmSync(RUN, { recursive: true, force: true });
  mkdirSync(RUN, { recursive: true, mode: 0o700 });
  ipvsadm('-C');
  for (const rule of FOREIGN) ipvsadm(...rule.split(' '));
  ip('link', 'add', 'vg0', 'type', 'veth', 'peer', 'name', 'vg1');
  ip('addr', 'add', '192.0.2.1/24', 'dev', 'vg0');
  ip('link', 'set', 'vg0', 'up');
  ip('link', 'set', 'vg1', 'up');
  const servers = new Map<number, Server>();
  for (const port of [18081, 18082, 18083]) servers.set(port, await listen(port));

  writeFileSync(CONF, config([18081, 18082], false));
  let output = '';
  const daemon: ChildProcess = spawn(
    process.execPath,
    [resolve(repoRoot, 'dist/src/cli/main.js'), '-n', '-l', '-f', CONF, '-p', join(RUN, 'vigil.pid'), '-r', join(RUN, 'vrrp.pid'), '-c', join(RUN, 'checkers.pid'), '--metrics=off'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  daemon.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exitCode: number | null = null;
  daemon.on('exit', (code) => (exitCode = code));

  const both = (text: string): boolean => text.includes('-a -t 192.0.2.100:80 -r 127.0.0.1:18081 -m -w 1') && text.includes('-a -t 192.0.2.100:80 -r 127.0.0.1:18082 -m -w 1');
  await report.timed('daemon start to table', () => until('both real servers', () => both(saved())));
  report.check('the daemon programs the virtual server with both real servers', both(saved()), saved());
  await until('the VIP', vipPresent);
  report.check('the VRRP child puts the VIP on vg0', vipPresent(), ip('addr', 'show', 'dev', 'vg0'));
  report.check('the foreign service is left alone at start', FOREIGN.every((r) => saved().includes(r)), saved());

  servers.get(18082)?.close();
  await until('18082 to leave', () => !saved().includes('127.0.0.1:18082'));
  report.check('a real server that stops answering leaves the table', !saved().includes('127.0.0.1:18082') && saved().includes('127.0.0.1:18081'), saved());
  servers.set(18082, await listen(18082));
  await until('18082 to come back', () => saved().includes('127.0.0.1:18082'));

  // Reload: one more real server and one more virtual server; nothing else changes.
  const removalsBefore = (output.match(/Removing service \[127\.0\.0\.1\]:tcp:18081/g) ?? []).length;
  writeFileSync(CONF, config([18081, 18082, 18083], true));
  daemon.kill('SIGHUP');
  const reloaded = (text: string): boolean => text.includes('-r 127.0.0.1:18083') && text.includes('-A -t 192.0.2.100:443 -s rr') && text.includes('-a -t 192.0.2.100:443 -r 127.0.0.1:18081');
  await report.timed('reload to table', () => until('the reloaded table', () => reloaded(saved())));
  report.check('SIGHUP applies the difference to IPVS', reloaded(saved()), saved());
  report.check(
    'the reload kept the unchanged real server and the VRRP master',
    (output.match(/Removing service \[127\.0\.0\.1\]:tcp:18081/g) ?? []).length === removalsBefore && (output.match(/\(VI_1\) Entering MASTER STATE/g) ?? []).length === 1,
    output.slice(-3000),
  );

  // A refused reload changes nothing.
  const beforeRefused = saved();
  writeFileSync(CONF, config([18081], true).replace('lvs_sched rr', 'lvs_sched nosuch'));
  daemon.kill('SIGHUP');
  await until('the refusal', () => output.includes('Reload refused'));
  report.check('an invalid configuration is refused whole', output.includes('Reload refused') && saved() === beforeRefused, output.slice(-2000));
  writeFileSync(CONF, config([18081, 18082, 18083], true));

  // kill -9 of the Healthcheck child: respawned, resumes from its last states, the table never flaps.
  const table = saved();
  const checkerPid = pidIn('checkers.pid');
  let flapped = false;
  const sampler = setInterval(() => {
    if (!saved().includes('-r 127.0.0.1:18081')) flapped = true;
  }, 200);
  process.kill(checkerPid, 'SIGKILL');
  await until('a new Healthcheck child', () => pidIn('checkers.pid') !== checkerPid && pidIn('checkers.pid') > 0 && output.includes('Healthcheck child started with pid ' + String(pidIn('checkers.pid'))));
  // A few check rounds of the new child.
  await new Promise((r) => setTimeout(r, 5_000));
  clearInterval(sampler);
  report.check('kill -9 of the Healthcheck child: respawned, table unchanged throughout', pidIn('checkers.pid') !== checkerPid && !flapped && saved() === table, `${output.slice(-2000)}\n${saved()}`);

  // SIGUSR1: one JSON dump with VRRP (and trackers), checkers and the IPVS table, no secret.
  rmSync(join(RUN, 'state.json'), { force: true });
  daemon.kill('SIGUSR1');
  await until('the state dump', () => {
    try {
      return readFileSync(join(RUN, 'state.json'), 'utf8').length > 0;
    } catch {
      return false;
    }
  });
  const dumpText = readFileSync(join(RUN, 'state.json'), 'utf8');
  const dump = (JSON.parse(dumpText) as { state?: { status?: { vrrp?: { instances?: { state?: string }[]; trackers?: unknown }; checkers?: { virtualServers?: unknown[] } }; ipvsTable?: string[] } }).state ?? {};
  report.check(
    'SIGUSR1 dumps VRRP, trackers, checkers and the IPVS table, without the password',
    dump.status?.vrrp?.instances?.[0]?.state === 'MASTER' &&
      dump.status.vrrp.trackers !== undefined &&
      dump.status.checkers?.virtualServers?.length === 2 &&
      (dump.ipvsTable ?? []).includes('-a -t 192.0.2.100:80 -r 127.0.0.1:18081 -m -w 1') &&
      !dumpText.includes('vmsecret'),
    dumpText.slice(0, 3000),
  );

  daemon.kill('SIGTERM');
  await report.timed('stop', () => until('the daemon to exit', () => exitCode !== null));
  const remaining = saved();
  report.check('SIGTERM: exit 0, no VIP and no owned IPVS entry left, foreign entries kept', exitCode === 0 && !vipPresent() && remaining === `${FOREIGN.join('\n')}\n`, `exit ${String(exitCode)}\n${remaining}`);

  // Ownership across restarts: stopped with -I, restarted with the 443 service gone from the file.
  writeFileSync(CONF, config([18081, 18082], true));
  const kept = startDaemon(['-I']);
  const bothServices = (text: string): boolean => both(text) && text.includes('-a -t 192.0.2.100:443 -r 127.0.0.1:18082 -m -w 1');
  await report.timed('-I run to table', () => until('both services', () => bothServices(saved())));
  const keptExit = await stopDaemon(kept);
  const afterKept = saved();
  const recordPath = join(RUN, 'ipvs-owned.json');
  const record = readFileSync(recordPath, 'utf8');
  const recordMode = statSync(recordPath).mode & 0o777;
  writeFileSync(CONF, config([18081, 18082], false));
  const diff = execFileSync(process.execPath, [resolve(repoRoot, 'dist/src/cli/main.js'), 'ipvs', 'diff', '-f', CONF, '-p', join(RUN, 'vigil.pid')], { encoding: 'utf8' });
  const restarted = startDaemon();
  const leftoverGone = (text: string): boolean => !text.includes('192.0.2.100:443') && both(text);
  await report.timed('restart to leftover removed', () => until('the 443 leftover to go', () => leftoverGone(saved())));
  // A few more check rounds: the foreign service must still be there afterwards.
  await new Promise((r) => setTimeout(r, 3_000));
  const afterRestart = saved();
  const restartedExit = await stopDaemon(restarted);
  const finalTable = saved();
  report.check(
    'a restart after -I without the 443 service removes that leftover (ipvs-owned.json), foreign entries kept',
    keptExit === 0 &&
      bothServices(afterKept) &&
      recordMode === 0o600 &&
      record.includes('"tcp|192.0.2.100|443"') &&
      diff.includes('# would be removed (left over from a previous Vigil run): -t 192.0.2.100:443') &&
      diff.includes('# not in the configuration, left alone: -t 203.0.113.60:25') &&
      leftoverGone(afterRestart) &&
      FOREIGN.every((r) => afterRestart.includes(r)) &&
      restarted.output().includes('Removing Virtual Server [192.0.2.100]:tcp:443 (left over from a previous run)') &&
      restartedExit === 0 &&
      finalTable === `${FOREIGN.join('\n')}\n`,
    `-I exit ${String(keptExit)}, record mode ${recordMode.toString(8)}\n${record}\nafter -I:\n${afterKept}\ndiff:\n${diff}\nafter restart:\n${afterRestart}\nrestart exit ${String(restartedExit)}, final:\n${finalTable}\n${restarted.output().slice(-2000)}`,
  );

  for (const s of servers.values()) s.close();
  ipvsadm('-C');
  ip('link', 'del', 'vg0');
  report.write(reportPath, { log: output.split('\n').slice(-150) });
}

main().catch((e: unknown) => {
  console.error(e);
  report.writeCrash(process.argv[2] ?? 'daemon-report.json', e);
  process.exitCode = 1;
});
