// Runs INSIDE the kernel VM (as root, Linux 6.1 with IPVS), compiled to
// dist/test/integration/ipvs/vm/ipvsKernelChecks.js: programs the kernel through Vigil,
// compares with ipvsadm's own view, and writes every check into a JSON report (argv[2])
// for test/integration/ipvs/IpvsKernel.test.ts to assert on. One process, one boot.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { VirtualServerDesiredState } from '../../../../src/checker/CheckerOutput.js';
import { formatIpvsList } from '../../../../src/cli/commands/ipvsListFormat.js';
import { loadConfigText } from '../../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { IpvsClient, type IpvsLiveTable } from '../../../../src/ipvs/IpvsClient.js';
import { ipvsServiceKey } from '../../../../src/ipvs/IpvsKey.js';
import type { IpvsTable } from '../../../../src/ipvs/IpvsModel.js';
import { reconcileIpvs } from '../../../../src/ipvs/IpvsReconciler.js';
import { IpvsSync } from '../../../../src/ipvs/IpvsSync.js';
import type { IpvsLog } from '../../../../src/ipvs/IpvsLog.js';
import { tableRuleText } from '../../../../src/ipvs/IpvsadmRuleText.js';
import { GuestReport, ipvsadm } from './GuestReport.js';
import { parseIpvsadmRules, parseIpvsadmThresholds } from './IpvsadmText.js';
import { matrixConfig } from './MatrixConfig.js';

const report = new GuestReport();
const check = (name: string, ok: boolean, detail = ''): void => report.check(name, ok, detail);
const timed = <T>(name: string, run: () => Promise<T>): Promise<T> => report.timed(name, run);
const logLines: string[] = [];
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

function vigilCli(...args: string[]): string {
  return execFileSync(process.execPath, [resolve(repoRoot, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

const log: IpvsLog = {
  debug: () => undefined,
  info: (_f, m) => void logLines.push(`info ${m}`),
  warn: (_f, m) => void logLines.push(`warn ${m}`),
  error: (_f, m) => void logLines.push(`error ${m}`),
};

/** Lines of a text that the other lacks, both ways, for failure details. */
function textDiff(expected: string, actual: string): string {
  const a = new Set(expected.split('\n'));
  const b = new Set(actual.split('\n'));
  const missing = [...a].filter((l) => !b.has(l)).slice(0, 15);
  const extra = [...b].filter((l) => !a.has(l)).slice(0, 15);
  return `missing:\n${missing.join('\n')}\nunexpected:\n${extra.join('\n')}`;
}

const FOREIGN_RULES = ['-A -u 203.0.113.50:5353 -s rr', '-a -u 203.0.113.50:5353 -r 203.0.113.51:5353 -g -w 1'];

function addForeign(): void {
  ipvsadm(...FOREIGN_RULES[0]!.split(' '));
  ipvsadm(...FOREIGN_RULES[1]!.split(' '));
}

function withoutForeign(table: IpvsLiveTable): IpvsLiveTable {
  return table.filter((e) => ipvsServiceKey(e.service) !== 'udp|203.0.113.50|5353');
}

function savedWithoutForeign(): string {
  return ipvsadm('-Sn')
    .split('\n')
    .filter((l) => l.length > 0 && !l.includes('203.0.113.50'))
    .map((l) => `${l}\n`)
    .join('');
}

function stateWith(config: VigilConfig, index: number, out: ReadonlySet<number>): VirtualServerDesiredState {
  const vs = config.virtualServers[index]!;
  return {
    vs: 'vm',
    key: vs.key,
    configIndex: index,
    checkersActive: true,
    quorum: { up: true, weightSum: 0, quorum: 1, hysteresis: 0, since: 0 },
    sorryServer: null,
    realServers: vs.realServers.map((rs, i) => ({
      rs: `rs${i}`,
      address: rs.address,
      port: rs.port,
      up: !out.has(i),
      inPool: !out.has(i),
      weight: out.has(i) ? 0 : rs.weight,
      configuredWeight: rs.weight,
      reason: null,
      since: 0,
      lastCheck: null,
      checkers: 0,
      failedCheckers: 0,
    })),
  };
}

async function main(): Promise<void> {
  const reportPath = process.argv[2] ?? 'ipvs-vm-report.json';
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  ipvsadm('-C');
  addForeign();

  const client = await timed('open', () => IpvsClient.open({ log }));
  const info = await client.info();
  check('family resolved, IPVS 1.2.1', info.versionText === '1.2.1' && client.familyId > 0, JSON.stringify(info));

  const { text, services } = matrixConfig({ syncInstance: 'VI_SYNC', virtualRouterId: 77 });
  writeFileSync('matrix.conf', text);
  const loaded = loadConfigText(text, 'matrix.conf');
  const config = loaded.model;
  if (config === null) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const sync = new IpvsSync({ kernel: client, config, log, driftRepairIntervalMs: 0 });

  const start = await timed('start', () => sync.start());
  const desired = sync.desired().table;
  const destCount = desired.reduce((n, e) => n + e.dests.length, 0);
  check('start programs the matrix without a kernel error', start.failures.length === 0 && start.operations === desired.length + destCount, `${start.operations} ops, failures: ${start.failures.join('; ')}`);
  check(`matrix covers ${services.length} services`, desired.length === services.length, String(desired.length));

  const dump = await timed('dump', () => client.dumpTable());
  const ours = withoutForeign(dump);
  const leftover = reconcileIpvs(desired, ours, { flush: true });
  check('kernel dump equals the desired table', leftover.length === 0, leftover.slice(0, 10).map((o) => `${o.kind} ${ipvsServiceKey(o.service)}`).join('\n'));
  check('foreign service left alone at start', dump.length === ours.length + 1);

  const saved = ipvsadm('-Sn');
  check('vigil rule text equals ipvsadm -Sn byte for byte', tableRuleText(dump) === saved, textDiff(saved, tableRuleText(dump)));
  const parsed: IpvsTable = parseIpvsadmRules(saved);
  const thresholds = parseIpvsadmThresholds(ipvsadm('-Ln', '--thresholds'));
  const withThresholds: IpvsTable = parsed
    .filter((e) => ipvsServiceKey(e.service) !== 'udp|203.0.113.50|5353')
    .map((e) => {
      const serviceLine = e.service.kind === 'fwmark' ? `FWM ${e.service.fwmark}${e.service.af === 10 ? ' IPv6' : ''}` : `${e.service.protocol.toUpperCase()} ${e.service.af === 10 ? `[${e.service.address}]` : e.service.address}:${e.service.port}`;
      return {
        service: e.service,
        dests: e.dests.map((d) => {
          const t = thresholds.get(`${serviceLine}|${d.af === 10 ? `[${d.address}]` : d.address}:${d.port}`);
          return { ...d, upperThreshold: t?.upper ?? -1, lowerThreshold: t?.lower ?? -1 };
        }),
      };
    });
  const viaIpvsadm = reconcileIpvs(desired, withThresholds, { flush: true });
  check('ipvsadm -Sn and --thresholds, parsed, equal the desired table', viaIpvsadm.length === 0, viaIpvsadm.slice(0, 10).map((o) => `${o.kind} ${ipvsServiceKey(o.service)}${'dest' in o ? `>${o.dest.address}` : ''}`).join('\n'));

  const listed = ipvsadm('-Ln');
  check('vigil ipvs list layout equals ipvsadm -Ln byte for byte', formatIpvsList(info, dump) === listed, textDiff(listed, formatIpvsList(info, dump)));
  const statsListed = ipvsadm('-Ln', '--stats');
  check('vigil ipvs list --stats layout equals ipvsadm -Ln --stats', formatIpvsList(info, await client.dumpTable(), 'stats') === statsListed, textDiff(statsListed, formatIpvsList(info, dump, 'stats')));
  const cliListed = await timed('cli list', async () => vigilCli('ipvs', 'list'));
  check('the vigil ipvs list command prints what ipvsadm -Ln prints', cliListed === ipvsadm('-Ln'), textDiff(ipvsadm('-Ln'), cliListed));
  check('lvs_timeouts set', ipvsadm('-L', '--timeout').trim() === 'Timeout (tcp tcpfin udp): 7200 30 90', ipvsadm('-L', '--timeout'));

  const writes = client.counters.writes;
  const noop = await timed('noop reconcile', () => sync.repairDrift());
  check('a no-op reconcile sends zero writes', noop.operations === 0 && client.counters.writes === writes, JSON.stringify({ noop, writes: client.counters.writes - writes }));

  const cliDiff = vigilCli('ipvs', 'diff', '-f', 'matrix.conf');
  check('vigil ipvs diff of the running configuration shows no changes', cliDiff.startsWith('# no changes') && cliDiff.includes('left alone: -u 203.0.113.50:5353'), cliDiff);

  const reference = savedWithoutForeign();
  ipvsadm('-d', '-t', '192.0.2.1:80', '-r', '198.51.100.11:80');
  const afterDelete = await sync.repairDrift();
  check('drift repair after ipvsadm -d puts the dest back', afterDelete.restored === 1 && savedWithoutForeign() === reference, JSON.stringify(afterDelete));
  check('drift repair logs it', logLines.some((l) => l.includes('service [198.51.100.11]:tcp:80 is missing from VS [192.0.2.1]:tcp:80')), logLines.slice(-5).join('\n'));

  ipvsadm('-e', '-t', '192.0.2.1:80', '-r', '198.51.100.11:80', '-g', '-w', '9');
  ipvsadm('-E', '-u', '192.0.2.2:53', '-s', 'rr');
  const afterEdit = await sync.repairDrift();
  check('drift repair after ipvsadm -e / -E sets weight and scheduler back', afterEdit.restored === 2 && savedWithoutForeign() === reference, JSON.stringify(afterEdit));

  ipvsadm('-C');
  const afterClear = await timed('repair after -C', () => sync.repairDrift());
  check('drift repair after ipvsadm -C restores the whole table', afterClear.restored === desired.length + destCount && savedWithoutForeign() === reference, JSON.stringify(afterClear));
  addForeign();

  // The checker takes the NAT server of the first service out, then puts it back.
  sync.checkerEvent({ kind: 'virtual-server', state: stateWith(config, 0, new Set([0])) });
  await sync.settled();
  const withoutNat = ipvsadm('-Ln', '-t', '192.0.2.1:80');
  sync.checkerEvent({ kind: 'virtual-server', state: stateWith(config, 0, new Set()) });
  await sync.settled();
  check('checker events remove and re-add a real server', !withoutNat.includes('198.51.100.10:8080') && ipvsadm('-Ln', '-t', '192.0.2.1:80').includes('198.51.100.10:8080'), withoutNat);

  // Pipelined batch with a failure in the middle: attributed exactly, the rest applied.
  const service = desired[0]!.service;
  const batch = await client.apply([
    { kind: 'add-dest', service, dest: { af: 2, address: '198.51.100.90', port: 80, forwarding: 'droute', weight: 1 } },
    { kind: 'delete-dest', service, dest: { af: 2, address: '198.51.100.91', port: 80, forwarding: 'droute', weight: 1 } },
    { kind: 'add-dest', service, dest: { af: 2, address: '198.51.100.92', port: 80, forwarding: 'droute', weight: 1 } },
  ]);
  const listing = ipvsadm('-Ln', '-t', '192.0.2.1:80');
  check(
    'a refused operation in a pipelined batch is attributed exactly and the others apply',
    batch.results.map((r) => r.errno).join(',') === '0,2,0' && batch.failures[0]?.error === 'ENOENT on DEL_DEST tcp|192.0.2.1|80>198.51.100.91|80' && listing.includes('198.51.100.90:80') && listing.includes('198.51.100.92:80'),
    JSON.stringify(batch.failures),
  );
  ipvsadm('-d', '-t', '192.0.2.1:80', '-r', '198.51.100.90:80');
  ipvsadm('-d', '-t', '192.0.2.1:80', '-r', '198.51.100.92:80');

  await sync.vrrpRoleChanged({ instance: 'VI_SYNC', role: 'MASTER' });
  const master = ipvsadm('-L', '--daemon');
  check('MASTER starts the master sync daemon', master.trim() === 'master sync daemon (mcast=lo, syncid=77, maxlen=1400, group=224.0.0.81, port=8849, ttl=2)', master);
  await sync.vrrpRoleChanged({ instance: 'VI_SYNC', role: 'BACKUP' });
  const backup = ipvsadm('-L', '--daemon');
  check('BACKUP stops it and starts the backup sync daemon', backup.trim() === 'backup sync daemon (mcast=lo, syncid=77, maxlen=1400, group=224.0.0.81, port=8849, ttl=2)', backup);

  await timed('stop', () => sync.stop());
  const remaining = ipvsadm('-Sn');
  check('stop removes everything of Vigil and nothing else', remaining === `${FOREIGN_RULES.join('\n')}\n`, remaining);
  check('stop stops the sync daemon', ipvsadm('-L', '--daemon').trim() === '', ipvsadm('-L', '--daemon'));
  client.close();
  ipvsadm('-C');

  report.write(reportPath, { kernel, ipvsadm: ipvsadm('--version').trim(), log: logLines.slice(0, 200) });
}

main().catch((e: unknown) => {
  console.error(e);
  report.writeCrash(process.argv[2] ?? 'ipvs-vm-report.json', e);
  process.exitCode = 1;
});
