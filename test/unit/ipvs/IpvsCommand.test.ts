import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIpvsCommand, type IpvsCommandKernel } from '../../../src/cli/commands/ipvsCommand.js';
import { runCli } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { desiredIpvsTable } from '../../../src/ipvs/DesiredIpvsTable.js';
import { ipvsError } from '../../../src/ipvs/IpvsError.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import { serialiseIpvsOwnership } from '../../../src/ipvs/IpvsOwnershipRecord.js';
import { ipvsOwnershipPath, type IpvsOwnershipLoad } from '../../../src/ipvs/IpvsOwnershipStore.js';
import type { IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { IPVSADM_FIXTURE_TABLE } from './support/IpvsadmFixtureTable.js';

/** The diff tests must not read a real /run/vigil/ipvs-owned.json of the machine they run on. */
const noRecord = (): Promise<IpvsOwnershipLoad> => Promise.resolve({ kind: 'missing' });

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

async function kernelWith(table: IpvsTable): Promise<{ kernel: FakeIpvsKernel; open: () => Promise<IpvsCommandKernel> }> {
  const kernel = new FakeIpvsKernel();
  const transport = fakeIpvsTransport(kernel);
  const loader = await IpvsClient.open({ open: transport.open });
  await loader.apply(reconcileIpvs(table, []));
  loader.close();
  return { kernel, open: () => IpvsClient.open({ open: transport.open }) };
}

describe('vigil ipvs list', () => {
  it('prints the ipvsadm -Ln layout, --stats, --rate and --json', async () => {
    const { open } = await kernelWith(IPVSADM_FIXTURE_TABLE);
    const plain = captureIo();
    expect(await runIpvsCommand(['list'], plain.io, {}, { openKernel: open })).toBe(0);
    expect(plain.out.stdout).toMatch(/^IP Virtual Server version 1\.2\.1 \(size=4096\)\nProt LocalAddress:Port Scheduler Flags\n/);
    expect(plain.out.stdout).toContain('UDP  192.0.2.2:53 sh (sh-fallback,sh-port) persistent 300 mask 255.255.255.0 ops\n');
    const stats = captureIo();
    await runIpvsCommand(['list', '--stats'], stats.io, {}, { openKernel: open });
    expect(stats.out.stdout).toContain('Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n');
    const json = captureIo();
    await runIpvsCommand(['list', '--json'], json.io, {}, { openKernel: open });
    const parsed = JSON.parse(json.out.stdout) as { services: { dests: unknown[]; stats?: { conns: string } }[] };
    expect(parsed.services).toHaveLength(8);
    expect(parsed.services[0]?.stats?.conns).toBe('0');
  });

  it('says IPVS is unavailable with exit status 1', async () => {
    const { out, io } = captureIo();
    const code = await runIpvsCommand(['list'], io, {}, {
      openKernel: () => Promise.reject(ipvsError('IPVS_UNAVAILABLE', 'IPVS unavailable: the kernel has no "IPVS" generic netlink family')),
    });
    expect(code).toBe(1);
    expect(out.stderr).toBe('vigil ipvs: IPVS unavailable: the kernel has no "IPVS" generic netlink family\n');
  });

  it('rejects unknown verbs and options with the usage', async () => {
    const { out, io } = captureIo();
    expect(await runIpvsCommand(['list', '--stats', '--rate'], io)).toBe(2);
    expect(await runIpvsCommand(['frobnicate'], io)).toBe(2);
    expect(out.stderr).toContain("unknown verb 'frobnicate'");
    expect(out.stderr).toContain('Usage: vigil ipvs list');
  });

  it('is reached from the vigil command line, with its own options', async () => {
    const { out, io } = captureIo();
    expect(await runCli(['ipvs', 'list', '--bogus'], io)).toBe(2);
    expect(out.stderr).toContain("unknown option '--bogus' for 'vigil ipvs list'");
    expect(await runCli(['-f', 'x.conf', 'ipvs', 'nothing'], io)).toBe(2);
  });
});

describe('vigil ipvs diff', () => {
  const LIVE: IpvsTable = [
    {
      service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'rr' },
      dests: [
        { af: 2, address: '198.51.100.2', port: 80, forwarding: 'droute', weight: 1 },
        // Down under inhibit_on_failure: stays at 0 after the reload.
        { af: 2, address: '198.51.100.3', port: 80, forwarding: 'droute', weight: 0 },
        { af: 2, address: '198.51.100.4', port: 80, forwarding: 'droute', weight: 1 },
      ],
    },
    { service: { kind: 'inet', af: 2, protocol: 'udp', address: '203.0.113.5', port: 53, scheduler: 'rr' }, dests: [] },
  ];

  it('lists exactly the operations a reload would apply, as ipvsadm commands, and changes nothing', async () => {
    const { kernel, open } = await kernelWith(LIVE);
    const before = JSON.stringify(kernel.table());
    const { out, io } = captureIo();
    expect(await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf'], io, {}, { openKernel: open, loadOwnershipRecord: noRecord })).toBe(0);
    expect(out.stdout).toBe(
      [
        "# 5 operation(s) a reload would apply, in order:",
        '-E -t 192.0.2.1:80 -s wlc',
        '-A -t 192.0.2.9:443 -s rr',
        '-e -t 192.0.2.1:80 -r 198.51.100.2:80 -g -w 4',
        '-a -t 192.0.2.9:443 -r 198.51.100.20:8443 -m -w 1',
        '-d -t 192.0.2.1:80 -r 198.51.100.4:80',
        '# not in the configuration, left alone: -u 203.0.113.5:53',
        '',
      ].join('\n'),
    );
    expect(JSON.stringify(kernel.table())).toBe(before);
  });

  it('says so when nothing would change, in text and JSON', async () => {
    const model = loadConfig('test/fixtures/ipvs/configs/reload-diff.conf').model!;
    const { open } = await kernelWith(desiredIpvsTable(model).table);
    const text = captureIo();
    await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf'], text.io, {}, { openKernel: open, loadOwnershipRecord: noRecord });
    expect(text.out.stdout).toBe('# no changes: the kernel table already matches the configuration\n');
    const json = captureIo();
    await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf', '--json'], json.io, {}, { openKernel: open, loadOwnershipRecord: noRecord });
    expect(JSON.parse(json.out.stdout)).toEqual({ operations: [], leftovers: [], unmanaged: [], problems: [], ownershipRecord: { path: '/run/vigil/ipvs-owned.json', status: 'missing' } });
  });

  it('refuses a configuration with errors (exit 5) before touching the kernel', async () => {
    const { out, io } = captureIo();
    let opened = false;
    const code = await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/does-not-exist.conf'], io, {}, {
      openKernel: () => {
        opened = true;
        return Promise.reject(new Error('unreachable'));
      },
    });
    expect(code).toBe(5);
    expect(opened).toBe(false);
    expect(out.stderr).toContain('configuration refused');
  });
});

describe('vigil ipvs diff with the ownership record', () => {
  const CONF = 'test/fixtures/ipvs/configs/reload-diff.conf';
  /** The configured services as they are, plus a previous run's :8080 and another tool's DNS service holding a dest Vigil added. */
  const LIVE: IpvsTable = [
    ...desiredIpvsTable(loadConfig(CONF).model!).table,
    {
      service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 8080, scheduler: 'rr' },
      dests: [{ af: 2, address: '198.51.100.2', port: 8080, forwarding: 'droute', weight: 1 }],
    },
    {
      service: { kind: 'inet', af: 2, protocol: 'udp', address: '203.0.113.5', port: 53, scheduler: 'rr' },
      dests: [
        { af: 2, address: '203.0.113.6', port: 53, forwarding: 'masq', weight: 1 },
        { af: 2, address: '203.0.113.7', port: 53, forwarding: 'masq', weight: 1 },
      ],
    },
    { service: { kind: 'fwmark', af: 2, fwmark: 3, scheduler: 'rr' }, dests: [] },
  ];
  const RECORD = {
    services: new Set(['tcp|192.0.2.1|80', 'tcp|192.0.2.9|443', 'tcp|192.0.2.1|8080']),
    dests: new Set(['tcp|192.0.2.1|8080>198.51.100.2|8080', 'udp|203.0.113.5|53>203.0.113.7|53']),
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-diff-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeRecord(text: string): void {
    writeFileSync(ipvsOwnershipPath(dir), text, { mode: 0o600 });
    chmodSync(ipvsOwnershipPath(dir), 0o600);
  }

  it("shows a previous run's leftovers as removed, reading the record beside -p's pid file", async () => {
    writeRecord(serialiseIpvsOwnership(RECORD));
    const { kernel, open } = await kernelWith(LIVE);
    const before = JSON.stringify(kernel.table());
    const { out, io } = captureIo();
    expect(await runIpvsCommand(['diff', '-f', CONF, '-p', join(dir, 'vigil.pid')], io, {}, { openKernel: open })).toBe(0);
    expect(out.stdout).toBe(
      [
        '# 2 operation(s) a reload would apply, in order:',
        '-d -u 203.0.113.5:53 -r 203.0.113.7:53',
        '-D -t 192.0.2.1:8080',
        '# would be removed (left over from a previous Vigil run): -t 192.0.2.1:8080',
        '# would be removed (left over from a previous Vigil run): -u 203.0.113.5:53 -r 203.0.113.7:53',
        '# not in the configuration, left alone: -u 203.0.113.5:53',
        '# not in the configuration, left alone: -f 3',
        '',
      ].join('\n'),
    );
    expect(JSON.stringify(kernel.table())).toBe(before);

    const json = captureIo();
    await runIpvsCommand(['diff', '-f', CONF, '--json'], json.io, { pidFile: join(dir, 'vigil.pid') }, { openKernel: open });
    expect(JSON.parse(json.out.stdout)).toMatchObject({
      leftovers: ['tcp|192.0.2.1|8080', 'udp|203.0.113.5|53>203.0.113.7|53'],
      unmanaged: ['udp|203.0.113.5|53', 'fwm|3|v4'],
      ownershipRecord: { path: ipvsOwnershipPath(dir), status: 'found' },
    });
  });

  it('without a record everything outside the configuration is left alone', async () => {
    const { open } = await kernelWith(LIVE);
    const { out, io } = captureIo();
    const read: string[] = [];
    const loadOwnershipRecord = (path: string): Promise<IpvsOwnershipLoad> => {
      read.push(path);
      return Promise.resolve({ kind: 'missing' });
    };
    expect(await runIpvsCommand(['diff', '-f', CONF, `--pid=${join(dir, 'vigil.pid')}`], io, {}, { openKernel: open, loadOwnershipRecord })).toBe(0);
    expect(read).toEqual([ipvsOwnershipPath(dir)]);
    expect(out.stdout).toBe(
      ['# no changes: the kernel table already matches the configuration', '# not in the configuration, left alone: -t 192.0.2.1:8080', '# not in the configuration, left alone: -u 203.0.113.5:53', '# not in the configuration, left alone: -f 3', ''].join('\n'),
    );
  });

  it('a corrupt record is named in a warning and ignored', async () => {
    writeRecord('{"format": "vigil-ipvs-ownership", "version": 1, "services": ["tcp|192.0.2.1|8080"]');
    const { open } = await kernelWith(LIVE);
    const { out, io } = captureIo();
    await runIpvsCommand(['diff', '-f', CONF, '-p', join(dir, 'vigil.pid')], io, {}, { openKernel: open });
    expect(out.stdout.split('\n')[0]).toMatch(new RegExp(`^# warning: ownership record ${ipvsOwnershipPath(dir)} ignored: not JSON`));
    expect(out.stdout).toContain('# not in the configuration, left alone: -t 192.0.2.1:8080\n');
    expect(out.stdout).not.toContain('would be removed');
  });

  it("'-p' needs a file", async () => {
    const { out, io } = captureIo();
    expect(await runIpvsCommand(['diff', '-p'], io)).toBe(2);
    expect(out.stderr).toContain("'-p' needs a file");
  });
});
