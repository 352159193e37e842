import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatClientLoop, ipvsDestinations } from '../../../src/lab/LvsPathProbe.js';

/** `ipvsadm -Ln` in the lab's d1, captured inside the kernel VM (`vigil lab --vm`). */
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/lab/${name}`, import.meta.url), 'utf8');

describe('ipvsDestinations', () => {
  it("lists the virtual service's real servers from a real ipvsadm -Ln", () => {
    expect(ipvsDestinations(fixture('ipvsadm-Ln-both.txt'), '203.0.113.100', 80)).toEqual(['198.51.100.11:80', '198.51.100.12:80']);
    expect(ipvsDestinations(fixture('ipvsadm-Ln-rs1-stopped.txt'), '203.0.113.100', 80)).toEqual(['198.51.100.12:80']);
  });

  it('counts only the lines under the asked service, not the header or other services', () => {
    const listing = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  203.0.113.100:443 rr',
      '  -> 198.51.100.13:443            Masq    1      0          0',
      'TCP  203.0.113.100:80 rr',
      '  -> 198.51.100.12:80             Masq    1      0          0',
      'UDP  203.0.113.100:80 rr',
      '  -> 198.51.100.14:80             Masq    1      0          0',
    ].join('\n');
    expect(ipvsDestinations(listing, '203.0.113.100', 80)).toEqual(['198.51.100.12:80']);
    expect(ipvsDestinations('', '203.0.113.100', 80)).toEqual([]);
  });
});

describe('formatClientLoop', () => {
  it('prints the answers in order, with the reason in place of a missing one', () => {
    expect(formatClientLoop({ answers: ['rs1', null, 'rs2'], errors: [null, 'ECONNREFUSED', null] })).toBe('rs1 (ECONNREFUSED) rs2');
  });
});
