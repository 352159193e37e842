import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ipvsServiceDestKey, ipvsServiceKey } from '../../../src/ipvs/IpvsKey.js';
import type { IpvsDestId, IpvsServiceId } from '../../../src/ipvs/IpvsModel.js';
import { destKeyProblem, parseIpvsOwnership, serialiseIpvsOwnership, serviceKeyProblem } from '../../../src/ipvs/IpvsOwnershipRecord.js';

const FIXTURES = 'test/fixtures/ipvs/ownership';
const fixture = (name: string): string => readFileSync(`${FIXTURES}/${name}`, 'utf8');

function record(fields: Record<string, unknown>): string {
  return JSON.stringify({ format: 'vigil-ipvs-ownership', version: 1, services: [], dests: [], ...fields });
}

function reasonOf(text: string): string {
  const parsed = parseIpvsOwnership(text);
  if (parsed.ok) throw new Error('expected the record to be refused');
  return parsed.reason;
}

describe('IPVS ownership record format', () => {
  it('round-trips every key form IpvsKey produces (inet v4/v6, fwmark v4/v6, dests in each)', () => {
    const services: IpvsServiceId[] = [
      { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 80 },
      { kind: 'inet', af: 10, protocol: 'udp', address: '2001:DB8:0::1', port: 53 },
      { kind: 'inet', af: 2, protocol: 'sctp', address: '192.0.2.9', port: 0 },
      { kind: 'fwmark', af: 2, fwmark: 1 },
      { kind: 'fwmark', af: 10, fwmark: 0xffff_ffff },
    ];
    const dest: IpvsDestId = { af: 10, address: '2001:db8::a', port: 65535 };
    const owned = { services: new Set(services.map(ipvsServiceKey)), dests: new Set(services.map((s) => ipvsServiceDestKey(s, dest))) };
    const text = serialiseIpvsOwnership(owned);
    const parsed = parseIpvsOwnership(text);
    expect(parsed).toEqual({ ok: true, owned });
    // Stable text: sorted keys, so an unchanged ownership writes the same bytes.
    expect(serialiseIpvsOwnership({ services: new Set([...owned.services].reverse()), dests: new Set([...owned.dests].reverse()) })).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('reads the fixture record', () => {
    const parsed = parseIpvsOwnership(fixture('valid-v1.json'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.owned.services]).toEqual(['fwm|7|v6', 'tcp|192.0.2.100|443', 'tcp|192.0.2.100|80', 'udp|2001:db8::1|53']);
    expect(parsed.owned.dests.has('tcp|203.0.113.60|25>198.51.100.9|25')).toBe(true);
    // What serialise writes is what the fixture holds, byte for byte.
    expect(serialiseIpvsOwnership(parsed.owned)).toBe(fixture('valid-v1.json'));
  });

  it('refuses a corrupt (truncated) file whole', () => {
    expect(reasonOf(fixture('truncated.json'))).toMatch(/^not JSON/);
    expect(reasonOf('')).toMatch(/^not JSON/);
    expect(reasonOf('[]')).toBe('not a JSON object');
    expect(reasonOf('null')).toBe('not a JSON object');
  });

  it('refuses another program’s file and another format version', () => {
    expect(reasonOf(fixture('foreign-format.json'))).toBe('"format" is not "vigil-ipvs-ownership" (not a Vigil ownership record)');
    expect(reasonOf(fixture('future-version.json'))).toBe('format version 2 is not 1 (written by another Vigil version)');
    expect(reasonOf(record({ version: '1' }))).toBe('format version "1" is not 1 (written by another Vigil version)');
    expect(reasonOf(record({ pid: 42 }))).toBe('unexpected field(s) "pid"');
  });

  it('refuses the whole record for one bad key, never a part of it', () => {
    expect(reasonOf(fixture('non-canonical-address.json'))).toBe('"services"[1] "udp|2001:DB8:0::1|53": address "2001:DB8:0::1" is not in canonical form');
    expect(reasonOf(record({ services: 'tcp|192.0.2.1|80' }))).toBe('"services" is not an array');
    expect(reasonOf(record({ dests: [7] }))).toBe('"dests"[0] is not a string');
    expect(reasonOf(record({ services: ['tcp|192.0.2.1|80', 'tcp|192.0.2.1|80'] }))).toBe('"services"[1] "tcp|192.0.2.1|80" is listed twice');
    expect(reasonOf(record({ services: ['tcp|192.0.2.1|80'], dests: ['tcp|192.0.2.1|80>198.51.100.2|70000'] }))).toBe(
      '"dests"[0] "tcp|192.0.2.1|80>198.51.100.2|70000": port 70000 is outside 0..65535',
    );
  });

  it('checks service keys as ipvsServiceKey writes them', () => {
    expect(serviceKeyProblem('tcp|192.0.2.1|80')).toBeNull();
    expect(serviceKeyProblem('fwm|7|v4')).toBeNull();
    expect(serviceKeyProblem('fwm|0|v4')).toBe('fwmark 0 is outside 1..4294967295');
    expect(serviceKeyProblem('fwm|4294967296|v6')).toBe('fwmark 4294967296 is outside 1..4294967295');
    expect(serviceKeyProblem('fwm|7|v5')).toBe('address family "v5" is not v4 or v6');
    expect(serviceKeyProblem('icmp|192.0.2.1|80')).toBe('protocol "icmp" is not tcp, udp, sctp or fwm');
    expect(serviceKeyProblem('tcp|192.0.2.1|080')).toBe('port "080" is not a decimal number');
    expect(serviceKeyProblem('tcp|192.0.2.1')).toMatch(/^not a service key/);
    expect(serviceKeyProblem('tcp|example.org|80')).toBe('"example.org" is not an IP address');
    expect(serviceKeyProblem('tcp|fe80::1%eth0|80')).toBe('"fe80::1%eth0" is not an IP address');
  });

  it('checks dest keys as ipvsServiceDestKey writes them', () => {
    expect(destKeyProblem('tcp|192.0.2.1|80>198.51.100.2|8080')).toBeNull();
    expect(destKeyProblem('fwm|9|v6>2001:db8::2|0')).toBeNull();
    expect(destKeyProblem('198.51.100.2|8080')).toMatch(/^not a dest key/);
    expect(destKeyProblem('tcp|192.0.2.1|80>198.51.100.2|80>x')).toMatch(/^not a dest key/);
    expect(destKeyProblem('tcp|192.0.2.1|80>198.51.100.2')).toBe('dest part is not address|port');
    expect(destKeyProblem('tcp|192.0.2.1|99999>198.51.100.2|80')).toBe('port 99999 is outside 0..65535');
  });
});
