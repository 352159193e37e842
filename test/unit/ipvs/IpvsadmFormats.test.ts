import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIpvsList, largeNumber } from '../../../src/cli/commands/ipvsListFormat.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { operationRuleText, tableRuleText } from '../../../src/ipvs/IpvsadmRuleText.js';
import { FakeIpvsKernel } from '../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../src/ipvs/testing/FakeIpvsTransport.js';
import { listingSection, parseIpvsadmRules, parseIpvsadmThresholds } from '../../integration/ipvs/vm/IpvsadmText.js';
import { IPVSADM_FIXTURE_TABLE } from './support/IpvsadmFixtureTable.js';

// ipvsadm 1.31 on Linux 6.1 listing the table build-table.sh made (recorded in the project VM).
const LISTINGS = readFileSync('test/fixtures/ipvs/ipvsadm/listings-1.31-linux-6.1.txt', 'utf8');

async function programmedFake() {
  const kernel = new FakeIpvsKernel();
  const client = await IpvsClient.open({ open: fakeIpvsTransport(kernel).open });
  const report = await client.apply(reconcileIpvs(IPVSADM_FIXTURE_TABLE, []));
  expect(report.failures).toEqual([]);
  return { client, info: await client.info(), table: await client.dumpTable() };
}

describe('vigil ipvs list matches ipvsadm -Ln byte for byte', () => {
  it.each([
    ['-Ln', 'plain'],
    ['-Ln --stats', 'stats'],
    ['-Ln --rate', 'rate'],
  ] as const)('ipvsadm %s', async (section, mode) => {
    const { client, info, table } = await programmedFake();
    expect(formatIpvsList(info, table, mode)).toBe(listingSection(LISTINGS, section));
    client.close();
  });

  it('prints large counters as ipvsadm does (K/M/G/T unless --exact)', () => {
    expect(largeNumber(99_999_999n, false)).toBe(' 99999999');
    expect(largeNumber(123_456_789n, false)).toBe('  123456K');
    expect(largeNumber(12_345_678_901n, false)).toBe('   12345M');
    expect(largeNumber(12_345_678_901n, true)).toBe(' 12345678901');
    expect(largeNumber(5n, true)).toBe('        5');
  });
});

describe('ipvsadm rule text', () => {
  it('renders the table as ipvsadm -Sn does', async () => {
    const { client, table } = await programmedFake();
    expect(tableRuleText(table)).toBe(listingSection(LISTINGS, '-Sn'));
    client.close();
  });

  it('parses ipvsadm -Sn and --thresholds back into the table', () => {
    const parsed = parseIpvsadmRules(listingSection(LISTINGS, '-Sn'));
    const thresholds = parseIpvsadmThresholds(listingSection(LISTINGS, '-Ln --thresholds'));
    expect(thresholds.get('TCP 192.0.2.1:80|198.51.100.2:8080')).toEqual({ upper: 10, lower: 2 });
    const withThresholds = parsed.map((e) => ({
      service: e.service,
      dests: e.dests.map((d) => ({ ...d, upperThreshold: d.address === '198.51.100.2' ? 10 : 0, lowerThreshold: d.address === '198.51.100.2' ? 2 : 0 })),
    }));
    expect(reconcileIpvs(IPVSADM_FIXTURE_TABLE, withThresholds, { flush: true })).toEqual([]);
  });

  it('renders each kind of operation as an ipvsadm command', () => {
    const [tcp] = IPVSADM_FIXTURE_TABLE;
    const service = tcp!.service;
    const dest = tcp!.dests[0]!;
    expect(operationRuleText({ kind: 'add-dest', service, dest })).toBe('-a -t 192.0.2.1:80 -r 198.51.100.2:8080 -m -w 3 -x 10 -y 2');
    expect(operationRuleText({ kind: 'edit-service', service: { ...service, scheduler: 'wlc' }, previous: service })).toBe('-E -t 192.0.2.1:80 -s wlc');
    expect(operationRuleText({ kind: 'delete-dest', service, dest })).toBe('-d -t 192.0.2.1:80 -r 198.51.100.2:8080');
    expect(operationRuleText({ kind: 'delete-service', service: IPVSADM_FIXTURE_TABLE[5]!.service })).toBe('-D -f 8 -6');
  });
});
