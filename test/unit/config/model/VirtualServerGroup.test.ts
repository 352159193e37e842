import { describe, expect, it } from 'vitest';
import { buildFromText, errors, only } from './buildFromText.js';

const USE = '\nvirtual_server group G {\n  protocol TCP\n  persistence_timeout 60\n  real_server 192.0.2.10 80 {\n  }\n}';

describe('virtual_server_group', () => {
  it('reads addresses, ranges and fwmarks', () => {
    const { model, diagnostics } = buildFromText(`virtual_server_group G {
  10.0.0.1 8080
  192.0.2.3-10 80
  2001:db8::2-ff 443
  192.0.2.50
  fwmark 1 inet
  fwmark 2 inet6
}${USE}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.virtualServerGroups[0]).toEqual({
      name: 'G',
      pos: { file: 'test.conf', line: 1, col: 1 },
      entries: [
        { kind: 'address', address: { address: '10.0.0.1', family: 'inet' }, port: 8080, pos: { file: 'test.conf', line: 2, col: 3 } },
        { kind: 'range', first: { address: '192.0.2.3', family: 'inet' }, last: { address: '192.0.2.10', family: 'inet' }, port: 80, pos: { file: 'test.conf', line: 3, col: 3 } },
        { kind: 'range', first: { address: '2001:db8::2', family: 'inet6' }, last: { address: '2001:db8::ff', family: 'inet6' }, port: 443, pos: { file: 'test.conf', line: 4, col: 3 } },
        { kind: 'address', address: { address: '192.0.2.50', family: 'inet' }, port: 0, pos: { file: 'test.conf', line: 5, col: 3 } },
        { kind: 'fwmark', fwmark: 1, family: 'inet', pos: { file: 'test.conf', line: 6, col: 3 } },
        { kind: 'fwmark', fwmark: 2, family: 'inet6', pos: { file: 'test.conf', line: 7, col: 3 } },
      ],
    });
  });

  it('rejects a range whose end is not above its start', () => {
    const d = only(buildFromText(`virtual_server_group G {\n  192.0.2.10-3 80\n}${USE}`).diagnostics, 'invalid-value');
    expect(d).toMatchObject({ pos: { line: 2, col: 3 }, keyword: 'virtual_server_group' });
  });

  it('an entry without a port needs a persistent virtual server (keepalived forces persistence)', () => {
    const { diagnostics } = buildFromText('virtual_server_group G {\n  192.0.2.50\n}\nvirtual_server group G {\n  protocol TCP\n  real_server 192.0.2.10 80 {\n  }\n}');
    expect(only(diagnostics, 'missing-required')).toMatchObject({ pos: { line: 2, col: 3 }, hint: 'add a port to the entry, or persistence_timeout to the virtual server' });
  });

  it('an empty group is an error (keepalived removes it)', () => {
    const { diagnostics } = buildFromText(`virtual_server_group G {\n}${USE}`);
    expect(only(diagnostics, 'missing-required')).toMatchObject({ pos: { line: 1, col: 1 } });
  });

  it('IPv4, IPv6 and a family-less fwmark cannot share a group', () => {
    const { diagnostics } = buildFromText(`virtual_server_group G {\n  192.0.2.1 80\n  2001:db8::1 80\n  fwmark 5\n}${USE}`);
    expect(only(diagnostics, 'mixed-family').hint).toBe("add 'inet' or 'inet6' after each fwmark");
  });
});
