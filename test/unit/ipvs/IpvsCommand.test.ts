import { describe, expect, it } from 'vitest';
import { runIpvsCommand, type IpvsCommandKernel } from '../../../src/cli/commands/ipvsCommand.js';
import { runCli } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { desiredIpvsTable } from '../../../src/ipvs/DesiredIpvsTable.js';
import { ipvsError } from '../../../src/ipvs/IpvsError.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import type { IpvsTable } from '../../../src/ipvs/IpvsModel.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { IPVSADM_FIXTURE_TABLE } from './support/IpvsadmFixtureTable.js';

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
    expect(await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf'], io, {}, { openKernel: open })).toBe(0);
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
    await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf'], text.io, {}, { openKernel: open });
    expect(text.out.stdout).toBe('# no changes: the kernel table already matches the configuration\n');
    const json = captureIo();
    await runIpvsCommand(['diff', '-f', 'test/fixtures/ipvs/configs/reload-diff.conf', '--json'], json.io, {}, { openKernel: open });
    expect(JSON.parse(json.out.stdout)).toEqual({ operations: [], unmanaged: [], problems: [] });
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
